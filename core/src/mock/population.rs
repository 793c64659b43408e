//! Population sampling (galaxy-model.md Section 1): every hidden parameter of one mock galaxy,
//! drawn in the spec's order (1.1) from the galaxy's own random stream, and the analytic
//! selection (1.3). Cheap (no particles), so callers can scan draw indices for selected ones;
//! the particle realisation continues on the same stream.

use rand::Rng;
use rand_distr::{Beta, Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

use super::halo::{dm_mass, r200};
use super::hmf::{concentration, sample_log_m200};
use super::relations as rel;
use super::sfh::{Sfh, SfhShape, solve_gamma_for_ssfr};
use super::variant_draws;
use super::{GasMode, MockOptions, ParticleMode, galaxy_rng};

/// Every hidden generator parameter of one mock galaxy (one row of `catalog.csv`). Flat:
/// numbers and booleans only. Masses in M☉, lengths in kpc, times in Gyr, rates in Gyr⁻¹
/// unless stated; logarithms base 10.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GalaxyParams {
    /// Draw index of the galaxy within its sample (its random stream).
    pub index: u64,
    /// Whether the draw passes the analytic selection (1.3); rejected draws are discarded.
    pub selected: bool,
    /// log10 of the halo mass M200c (draw 1).
    pub log_m200: f64,
    /// Halo mass M200c.
    pub m200: f64,
    /// Standardised concentration residual z_c ~ N(0,1) (draw 2).
    pub z_c: f64,
    /// NFW concentration c200c (Dutton & Macciò 2014).
    pub concentration: f64,
    /// Halo radius r200c.
    pub r200: f64,
    /// NFW scale radius r_s = r200/c.
    pub r_s: f64,
    /// Dark-matter mass inside r200, (1 − Ωb/Ωm) M200c.
    pub m_dm: f64,
    /// Independent part ε ~ N(0,1) of the SMHM residual (draw 3).
    pub eps_smhm: f64,
    /// log10 of the total current stellar mass M*.
    pub log_mstar: f64,
    /// Total current stellar mass M* = M_b + M_d.
    pub mstar: f64,
    /// Mass helper s = clip((log M* − 9.7)/2, 0, 1).
    pub s: f64,
    /// Quenched probability f_q(M*, z_c) (eq. 1.4).
    pub f_q: f64,
    /// Quenched flag Q (draw 4).
    pub quenched: bool,
    /// Bulge-to-total stellar mass ratio B/T (draw 5).
    pub bt: f64,
    /// Bulge stellar mass M_b = (B/T) M*.
    pub m_bulge: f64,
    /// Disc stellar mass M_d = M* − M_b.
    pub m_disc: f64,
    /// Exponential disc scale length R_d (draw 6).
    pub r_d: f64,
    /// Effective radius a disc-type bulge would have, 0.22 R_d 10^{0.15 g}.
    pub re_disc_bulge: f64,
    /// Effective radius a spheroid would have (Shen+2003 early types).
    pub re_spheroid: f64,
    /// Bulge effective radius R_e,b (interpolated, with the 0.5 kpc resolution floor).
    pub re_bulge: f64,
    /// Hernquist scale a = R_e,b/1.8153.
    pub a_bulge: f64,
    /// Disc sech² scale height z0 (draw 7).
    pub z0: f64,
    /// log10(M_gas/M*) (draw 8).
    pub log_gas_frac: f64,
    /// Cold-gas mass M_gas.
    pub m_gas: f64,
    /// Gas disc scale length R_g = 1.7 R_d.
    pub r_g: f64,
    /// Gas disc central-hole radius R_m = R_d.
    pub r_m: f64,
    /// Gas disc sech² scale height z_g = 0.5 z0.
    pub z_g: f64,
    /// Galaxy stellar metallicity [Z/H]_gal in dex (draw 9).
    pub zh_gal: f64,
    /// Gas-phase metallicity Z_g/Z☉ = 10^{[Z/H]_gal + 0.15}.
    pub zg_rel: f64,
    /// Main-sequence SFR target in M☉/yr of star-forming hosts (draw 10); 0 for quenched.
    pub sfr_target: f64,
    /// Disc SFH decline rate γ_d in Gyr⁻¹ (bisection for SF, U(0, 0.4) for Q).
    pub gamma_d: f64,
    /// Disc quench look-back time t_lb,q,d in Gyr; 0 for star-forming hosts (never quenched).
    pub t_lb_q_d: f64,
    /// Bulge SFH decline rate γ_b ~ U(0.2, 0.8) Gyr⁻¹.
    pub gamma_b: f64,
    /// Bulge quench look-back time t_lb,q,b in Gyr.
    pub t_lb_q_b: f64,
    /// Whether the disc has a starburst.
    pub burst: bool,
    /// Look-back time of the burst peak in Gyr (0 without burst).
    pub burst_lookback: f64,
    /// Fraction of the disc's formed mass in the burst (0 without burst).
    pub burst_frac: f64,
    /// ψ-weighted surviving fraction ⟨1 − f_loss⟩ of the disc population.
    pub surv_d: f64,
    /// ψ-weighted surviving fraction ⟨1 − f_loss⟩ of the bulge population.
    pub surv_b: f64,
    /// Disc formed (initial) stellar mass M_f,d = M_d/⟨1 − f_loss⟩_d.
    pub m_formed_d: f64,
    /// Bulge formed (initial) stellar mass M_f,b = M_b/⟨1 − f_loss⟩_b.
    pub m_formed_b: f64,
    /// Star-formation rate of the SFHs today in M☉/yr, Σ_c M_f,c ψ_c(T0)/∫ψ_c dt (bursts
    /// included; the measured SFR feature counts stars younger than 1 Gyr instead).
    pub sfr_now: f64,
    /// Dust normalisation f_d (draw 11).
    pub f_d: f64,
    /// Spheroid velocity anisotropy β_b ~ U(−0.1, 0.3) (draw 12).
    pub beta_b: f64,
    /// Whether the spheroid-dominated galaxy was drawn as a slow rotator.
    pub slow_rotator: bool,
    /// Probability p_flip of flipping a bulge star's negative v_φ (net rotation).
    pub p_flip: f64,
    /// Disc dispersion ratio f_zR = σ_z/σ_R.
    pub f_zr: f64,
    /// Orientation quaternion x component (draw 13; Shoemake 1992).
    pub q_x: f64,
    /// Orientation quaternion y component.
    pub q_y: f64,
    /// Orientation quaternion z component.
    pub q_z: f64,
    /// Orientation quaternion w component.
    pub q_w: f64,
    /// Number of star particles N*.
    pub n_star: u64,
    /// Number of bulge star particles N_b = round(N* M_f,b/(M_f,b + M_f,d)).
    pub n_bulge: u64,
    /// Number of disc star particles N* − N_b.
    pub n_disc: u64,
    /// Number of dark-matter particles.
    pub n_dm: u64,
    /// Number of gas particles (0 unless `gas = particles`).
    pub n_gas: u64,
    /// Analytic selection stellar mass M*(<30 kpc) (1.3).
    pub mstar_30: f64,
    /// Subhalo mass proxy M_sub = M_DM(<r200) + M* + M_gas.
    pub m_sub: f64,
    /// Particle-based M*(<30 kpc), recorded once particles exist (0 before).
    pub mstar_30_particles: f64,
    /// Per-galaxy IMF offset δ = Δlog10(M*/L) in dex (variant draw; 0 for the spec's
    /// universal IMF): every star's luminosity is lowered by 10^−δ at fixed mass and colour.
    pub imf_offset_dex: f64,
    /// Efficiency ν of the halo contraction, ln(r_f/r_i) → ν ln(r_f/r_i) (variant draw for
    /// `halo_response = gnedin04_scatter`; 1 otherwise, the spec's Gnedin+2004 halo).
    pub contraction_efficiency: f64,
}

impl GalaxyParams {
    /// SFH shape of the disc (2.7): exponential, quenched for Q hosts, optional burst.
    pub fn disc_sfh_shape(&self) -> SfhShape {
        SfhShape {
            gamma: self.gamma_d,
            quench_lookback: self.quenched.then_some(self.t_lb_q_d),
            burst: self.burst.then_some((self.burst_lookback, self.burst_frac)),
        }
    }

    /// SFH shape of the bulge (2.7): exponential, always quenched.
    pub fn bulge_sfh_shape(&self) -> SfhShape {
        SfhShape {
            gamma: self.gamma_b,
            quench_lookback: Some(self.t_lb_q_b),
            burst: None,
        }
    }

    /// Orientation quaternion (x, y, z, w).
    pub fn quaternion(&self) -> [f64; 4] {
        [self.q_x, self.q_y, self.q_z, self.q_w]
    }
}

fn normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    StandardNormal.sample(rng)
}

/// Draws the parameters of galaxy `index` of the sample with global `seed` (its own stream
/// [`galaxy_rng`]). Check `selected` before using it.
pub fn draw_params(seed: u64, index: u64, opts: &MockOptions) -> GalaxyParams {
    let mut rng = galaxy_rng(seed, index);
    draw_params_from(&mut rng, index, opts)
}

/// Parameters set by hand instead of drawn (the web app's Classroom). Each given value
/// replaces its draw *after* the draw is made, so the random numbers are consumed as in the
/// unmodified draw and everything drawn before the first replaced value is unchanged; later
/// draws may differ because their distributions or their number depend on the replaced
/// value (quenching depends on M*, for instance). Quantities derived from a replaced value
/// (masses, sizes, SFHs, particle numbers, selection) are computed from it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Overrides {
    /// log10 of the halo mass M200c / M☉ (replaces draw 1).
    pub log_m200: Option<f64>,
    /// log10 of the stellar mass M* / M☉ (replaces the SMHM relation, draw 3).
    pub log_mstar: Option<f64>,
    /// Bulge-to-total stellar mass ratio B/T, clamped to [0, 1] (replaces draw 5).
    pub bt: Option<f64>,
    /// Disc scale length R_d in kpc (replaces draw 6); the bulge and spheroid sizes scale
    /// with it, so the whole galaxy grows or shrinks.
    pub r_d: Option<f64>,
    /// Inclination in degrees seen along z: a rotation about the x axis by this angle from
    /// face-on (0°, disc in the image plane) to edge-on (90°, disc along the image x axis)
    /// replaces the random orientation (draw 13).
    pub inclination_deg: Option<f64>,
}

/// Unit quaternion (x, y, z, w) of a rotation by `deg` degrees about the x axis.
pub fn inclination_quaternion(deg: f64) -> [f64; 4] {
    let half = 0.5 * deg.to_radians();
    [half.sin(), 0.0, 0.0, half.cos()]
}

/// Draws the parameters in the order of galaxy-model.md 1.1 (draws 1–13) from `rng`, then
/// applies the selection (14). The particle realisation continues on the same `rng`.
pub fn draw_params_from<R: Rng + ?Sized>(
    rng: &mut R,
    index: u64,
    opts: &MockOptions,
) -> GalaxyParams {
    draw_params_with(rng, index, opts, &Overrides::default())
}

/// [`draw_params_from`] with some parameters set by hand ([`Overrides`]).
pub fn draw_params_with<R: Rng + ?Sized>(
    rng: &mut R,
    index: u64,
    opts: &MockOptions,
    ov: &Overrides,
) -> GalaxyParams {
    let mut p = GalaxyParams {
        index,
        contraction_efficiency: 1.0,
        ..Default::default()
    };
    // 1. Halo mass from the mass function.
    p.log_m200 = sample_log_m200(rng.random::<f64>());
    p.log_m200 = ov.log_m200.unwrap_or(p.log_m200);
    p.m200 = 10f64.powf(p.log_m200);
    // 2. Concentration.
    p.z_c = normal(rng);
    p.concentration = concentration(p.m200, p.z_c);
    p.r200 = r200(p.m200);
    p.r_s = p.r200 / p.concentration;
    p.m_dm = dm_mass(p.m200);
    // 3. Stellar mass.
    p.eps_smhm = normal(rng);
    p.log_mstar = rel::log_mstar(p.m200, opts.smhm, p.z_c, p.eps_smhm);
    p.log_mstar = ov.log_mstar.unwrap_or(p.log_mstar);
    p.mstar = 10f64.powf(p.log_mstar);
    p.s = rel::mass_helper_s(p.log_mstar);
    // 4. Quenching.
    p.f_q = rel::quenched_fraction(p.log_mstar, p.z_c);
    p.quenched = rng.random::<f64>() < p.f_q;
    // 5. B/T.
    let mu = rel::bt_mean(p.s, p.quenched);
    p.bt = match Beta::new(mu * rel::BT_KAPPA, (1.0 - mu) * rel::BT_KAPPA) {
        Ok(beta) => beta.sample(rng),
        Err(_) => mu,
    };
    p.bt = ov.bt.map_or(p.bt, |bt| bt.clamp(0.0, 1.0));
    p.m_bulge = p.bt * p.mstar;
    p.m_disc = p.mstar - p.m_bulge;
    // 6. Sizes (times the variant size offset, 1 by default).
    let grow = variant_draws::size_factor(opts);
    let r_d_drawn = rel::disc_scale_length(p.mstar, normal(rng)) * grow;
    p.r_d = ov.r_d.unwrap_or(r_d_drawn);
    p.re_disc_bulge = rel::re_disc_bulge(p.r_d, normal(rng));
    p.re_spheroid = rel::re_spheroid(p.mstar, normal(rng)) * grow * p.r_d / r_d_drawn;
    p.re_bulge = rel::re_bulge_floored(rel::re_bulge(p.bt, p.re_disc_bulge, p.re_spheroid));
    p.a_bulge = p.re_bulge / rel::HERNQUIST_RE_OVER_A;
    // 7. Thickness.
    p.z0 = rel::disc_thickness(p.r_d, p.quenched, normal(rng));
    // 8. Cold gas.
    p.log_gas_frac = rel::log_gas_fraction(p.log_mstar, p.quenched, normal(rng));
    p.m_gas = p.mstar * 10f64.powf(p.log_gas_frac);
    p.r_g = 1.7 * p.r_d;
    p.r_m = p.r_d;
    p.z_g = 0.5 * p.z0;
    // 9. Metallicity.
    p.zh_gal = rel::metallicity_gal(p.log_mstar, p.quenched, normal(rng));
    p.zg_rel = 10f64.powf(p.zh_gal + rel::GAS_METALLICITY_OFFSET);
    // 10. SFHs (disc, bulge, burst).
    if p.quenched {
        p.gamma_d = rng.random_range(0.0..0.4);
        p.t_lb_q_d = (2.5 + 3.0 * p.s + 1.5 * normal(rng)).clamp(0.3, 10.0);
    } else {
        p.sfr_target = rel::main_sequence_sfr(p.log_mstar, normal(rng));
    }
    p.gamma_b = rng.random_range(0.2..0.8);
    p.t_lb_q_b = if p.quenched {
        (p.t_lb_q_d + rng.random_range(2.0..6.0)).min(11.5)
    } else {
        rng.random_range(6.0..11.5)
    };
    p.burst = rng.random::<f64>() < if p.quenched { 0.1 } else { 0.3 };
    if p.burst {
        p.burst_lookback = rng.random_range(0.05..3.0);
        p.burst_frac = 10f64.powf(rng.random_range(-2.0..-1.0));
    }
    // 11. Dust normalisation.
    p.f_d = rel::dust_normalisation(normal(rng));
    // 12. Spheroid anisotropy and rotation, disc dispersion ratio.
    p.beta_b = rng.random_range(-0.1..0.3);
    p.p_flip = if p.bt > 0.5 {
        p.slow_rotator = rng.random::<f64>() < rel::slow_rotator_probability(p.log_mstar);
        if p.slow_rotator {
            rng.random_range(0.0..0.1)
        } else {
            rng.random_range(0.0..0.5)
        }
    } else {
        rng.random_range(0.2..0.6)
    };
    p.f_zr = if p.quenched {
        rng.random_range(0.6..0.8)
    } else {
        rng.random_range(0.5..0.7)
    };
    // 13. Orientation.
    [p.q_x, p.q_y, p.q_z, p.q_w] = super::orientation::random_quaternion(rng);
    if let Some(deg) = ov.inclination_deg {
        [p.q_x, p.q_y, p.q_z, p.q_w] = inclination_quaternion(deg);
    }
    // Variant physics (beyond the spec, §9), on a stream of its own: nothing by default.
    if let Some(v) = variant_draws::draw(rng, p.quenched, opts) {
        p.imf_offset_dex = v.imf_offset_dex;
        p.contraction_efficiency = v.contraction_efficiency;
        if let Some(burst) = v.burst {
            p.burst = burst.is_some();
            (p.burst_lookback, p.burst_frac) = burst.unwrap_or((0.0, 0.0));
        }
    }
    // 14. Selection.
    p.mstar_30 = rel::mstar_within_30kpc(p.m_bulge, p.a_bulge, p.m_disc, p.r_d);
    p.m_sub = p.m_dm + p.mstar + p.m_gas;
    p.selected = p.mstar_30 > rel::SELECTION_MSTAR30 && p.m_sub < rel::SELECTION_MSUB;
    // Derived SFH quantities and particle numbers.
    if !p.quenched {
        let ssfr = if p.m_disc > 0.0 {
            1e9 * p.sfr_target / p.m_disc
        } else {
            f64::INFINITY
        };
        p.gamma_d = solve_gamma_for_ssfr(ssfr);
    }
    let (sfh_d, sfh_b) = (
        Sfh::new(&p.disc_sfh_shape()),
        Sfh::new(&p.bulge_sfh_shape()),
    );
    p.surv_d = sfh_d.mean_surviving_fraction();
    p.surv_b = sfh_b.mean_surviving_fraction();
    p.m_formed_d = p.m_disc / p.surv_d;
    p.m_formed_b = p.m_bulge / p.surv_b;
    p.sfr_now = 1e-9
        * (p.m_formed_d * sfh_d.rate_today_per_formed_mass()
            + p.m_formed_b * sfh_b.rate_today_per_formed_mass());
    set_particle_numbers(&mut p, opts);
    p
}

/// Particle numbers of 2.1: fixed N*, N_DM or the TNG-like mass resolution, and the bulge
/// share N_b = round(N* M_f,b/(M_f,b + M_f,d)) (at least one particle per massive component).
fn set_particle_numbers(p: &mut GalaxyParams, opts: &MockOptions) {
    let (n_star, n_dm) = match opts.particle_mode {
        ParticleMode::Fixed => (opts.n_star as u64, opts.n_dm as u64),
        ParticleMode::TngLike => (
            (p.mstar / 1.4e6).round().clamp(2000.0, 2e5) as u64,
            (p.m_dm / 7.5e6).round().clamp(2000.0, 2e5) as u64,
        ),
    };
    p.n_star = n_star;
    p.n_dm = n_dm;
    p.n_gas = match opts.gas {
        GasMode::Particles if p.m_gas > 0.0 => opts.n_gas as u64,
        _ => 0,
    };
    let formed = p.m_formed_b + p.m_formed_d;
    p.n_bulge = if p.m_bulge <= 0.0 || n_star == 0 {
        0
    } else if p.m_disc <= 0.0 || n_star == 1 {
        n_star
    } else {
        ((n_star as f64 * p.m_formed_b / formed).round() as u64).clamp(1, n_star - 1)
    };
    p.n_disc = n_star - p.n_bulge;
}

/// The first `n_selected` draw indices (0, 1, 2, …) of the sample with global `seed` whose
/// parameters pass the selection.
pub fn selected_indices(seed: u64, n_selected: usize, opts: &MockOptions) -> Vec<u64> {
    let mut out = Vec::with_capacity(n_selected);
    let mut index = 0u64;
    while out.len() < n_selected {
        if draw_params(seed, index, opts).selected {
            out.push(index);
        }
        index += 1;
    }
    out
}

#[cfg(test)]
#[path = "population_tests.rs"]
mod tests;
