//! The particle-level mock-galaxy generator (galaxy-model.md Sections 1–2): a population of
//! centrals drawn from halo mass, realised as star, dark-matter and gas particles in
//! equilibrium, with stellar populations, and seen from a random orientation.
//!
//! Determinism: galaxy `index` of a sample with global `seed` draws every random number from
//! its own ChaCha8 stream ([`galaxy_rng`]), so galaxies can be made in any order, on any
//! number of threads, natively or in the browser, and are bit-identical.
//!
//! Profiles and dynamics (2.2–2.6); kpc, M☉, km/s, f64; samplers take `&mut impl Rng` and a count:
//! * [`profiles`]: `Hernquist::new(M_b, a)` or `::from_effective_radius(M_b, R_e)` (r_max = 40a),
//!   `ExpDisc::new(M_d, R_d, z0)`, `GasDisc::new(M_gas, R_g, R_m, z_g)`; each has
//!   `enclosed_mass(r)` and `sample_positions(rng, n)` (`ExpDisc::positions_from_quantiles(rng,
//!   &u_R)` for rank-paired radii, `GasDisc::to_analytic(10)` for `gas = analytic`);
//!   `Baryons { bulge, disc, gas, m_bh }` sums them (`stellar_enclosed_mass(30.0)` = M*(<30), 1.3).
//! * [`halo`]: `r200(M200)`, `dm_mass(M200)`, `DarkHalo::new(M200, c, HaloResponse, &baryons,
//!   f_gal)`, `halo.sample(rng, n, IMPORTANCE_K)` → (positions, masses), `enclosed_mass`, `density`.
//! * [`potential`]: `MassProfile::new(&baryons, &halo)`: `enclosed_mass`, `potential`, `escape_speed`.
//! * [`jeans`]: `JeansTable::new(&profile, |r| rho(r), beta)`,
//!   `draw_velocities(rng, &pos, &jeans, &profile)`, `flip_rotation(rng, &pos, &mut vel, p_flip)`.
//! * [`disc_kinematics`]: `DiscKinematics::new(&disc, &baryons, &halo, f_zR)`,
//!   `kin.draw_velocities(rng, &pos, &profile)`,
//!   `gas_velocities(rng, &pos, |R| kin.circular_speed(R), GAS_SIGMA)`.
//! * [`stratified`]: `stratified_uniforms`, `rank_paired_uniforms(rng, n, rho)`;
//!   [`special`]: Lambert W₀/W₋₁, Bessel I₀ I₁ K₀ K₁ K₂ (plain and scaled).
//!
//! Population and stellar populations (Section 1, 2.7–2.9):
//! * [`population`]: `draw_params(seed, index, &opts)` → [`GalaxyParams`] (every hidden parameter,
//!   flat, serde; `selected` flag of 1.3), `selected_indices(seed, n, &opts)`; built on [`hmf`]
//!   (mass function, concentration) and [`relations`] (eqs. 1.3–1.12, selection mass).
//! * [`sfh`]: SFH tables with quench and burst, `f_loss`, the γ_d bisection; [`ssp`]: the SSP
//!   table (M/L_r, g−r, a_Z, b_Z) and luminosities; [`stellar_pops`]: per-particle ages, masses,
//!   [Z/H] and luminosities of one component; [`orientation`]: Shoemake rotations.
//! * [`variants`]: [`PhysicsVariant`], named option presets beyond the paper (`ml-scatter`,
//!   `halo-scatter`, `tng-sizes`, `uncontracted`, `hard`); [`variant_draws`]: their per-galaxy
//!   draws (IMF offset, contraction efficiency, frequent bursts) on a stream of their own.
//! * [`assemble`]: `generate(seed, index, &opts)` → `Option<`[`MockGalaxy`]`>` — the whole galaxy
//!   on the same random stream, centred at the origin, randomly oriented; `generate_with(…,
//!   &`[`Overrides`]`)` the same galaxy with some parameters set by hand (the Classroom).

mod options;

pub mod disc_kinematics;
pub mod halo;
pub mod jeans;
pub mod potential;
pub mod profiles;
pub(crate) mod special;
pub mod stratified;

#[cfg(test)]
mod dynamics_tests;

pub use options::{Bursts, DustMode, GasMode, HaloResponse, MockOptions, ParticleMode, Smhm};
pub use variants::PhysicsVariant;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The random stream of galaxy `index` in a sample made with global `seed`: ChaCha8 seeded
/// from `seed`, on stream number `index`.
pub fn galaxy_rng(seed: u64, index: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index);
    rng
}
pub(crate) mod assemble;
pub(crate) mod hmf;
pub(crate) mod orientation;
pub(crate) mod population;
pub(crate) mod relations;
pub(crate) mod sfh;
pub(crate) mod ssp;
pub(crate) mod stellar_pops;
pub(crate) mod variant_draws;
pub(crate) mod variants;
pub use assemble::{MockGalaxy, generate, generate_with};
pub use population::{GalaxyParams, Overrides, draw_params, selected_indices};
