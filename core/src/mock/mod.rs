//! The particle-level mock-galaxy generator (galaxy-model.md Sections 1–2): a population of
//! centrals drawn from halo mass, realised as star, dark-matter and gas particles in
//! equilibrium, with stellar populations, and seen from a random orientation.
//!
//! Determinism: galaxy `index` of a sample with global `seed` draws every random number from
//! its own ChaCha8 stream ([`galaxy_rng`]), so galaxies can be made in any order, on any
//! number of threads, natively or in the browser, and are bit-identical.

mod options;

pub mod disc_kinematics;
pub mod halo;
pub mod jeans;
pub mod potential;
pub mod profiles;
pub mod special;
pub mod stratified;

pub use options::{DustMode, GasMode, HaloResponse, MockOptions, ParticleMode, Smhm};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The random stream of galaxy `index` in a sample made with global `seed`: ChaCha8 seeded
/// from `seed`, on stream number `index`.
pub fn galaxy_rng(seed: u64, index: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index);
    rng
}
