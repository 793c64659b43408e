//! Centring of a cutout (galaxy-model.md 3.1): the centre comes from a catalogue (TNG
//! `SubhaloPos`, the potential minimum) or, without one, from the stars by shrinking spheres
//! ([`galmass_core::measure::shrinking_sphere_centre`], made periodic here); then the
//! systemic velocity is removed ([`galmass_core::measure::remove_systemic_velocity`]).
//!
//! These are the only places the reader decides where the galaxy is.

use galmass_core::measure::shrinking_sphere_centre;

/// Where the centre of a cutout comes from.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum CentreSource {
    /// Shrinking spheres on the star particles (Power et al. 2003).
    #[default]
    ShrinkingSphere,
    /// A given position in the file's comoving units, ckpc/h (TNG `SubhaloPos`).
    Catalog([f64; 3]),
}

/// Periodic minimum-image offset x − c in a box of side `box_size` (all ckpc/h):
/// Δ −= BoxSize · round(Δ/BoxSize).
pub fn wrap(x: f64, c: f64, box_size: f64) -> f64 {
    let d = x - c;
    d - box_size * (d / box_size).round()
}

/// Centre of the star particles by shrinking spheres, in the file's comoving coordinates
/// (ckpc/h), periodic in a box of side `box_size`: positions are first unwrapped about the
/// first star, the centre is found there and mapped back into [0, BoxSize). `None` when there
/// are no stars of positive mass.
pub fn stellar_centre(pos: &[[f64; 3]], mass: &[f64], box_size: f64) -> Option<[f64; 3]> {
    let reference = *pos.first()?;
    let local: Vec<[f64; 3]> = pos
        .iter()
        .map(|p| std::array::from_fn(|k| wrap(p[k], reference[k], box_size)))
        .collect();
    let c = shrinking_sphere_centre(&local, mass)?;
    Some(std::array::from_fn(|k| {
        (reference[k] + c[k]).rem_euclid(box_size)
    }))
}
