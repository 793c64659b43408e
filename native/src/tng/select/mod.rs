//! The paper's sample cuts and the R_hsm check for TNG cutouts.
//!
//! Chu et al. 2024, Sec. 2.1: "all galaxies at redshift z = 0 which have stellar mass within
//! 30 kpc greater than 5 × 10⁹ M☉, and total subhalo mass (as calculated by subfind) less than
//! 10¹⁴ M☉" (galaxy-model.md 5.2, "Selection"). Here:
//!
//! - M*(<30 kpc): current mass of the star particles (wind cells excluded, 5.3) inside a 3-D
//!   sphere of 30 physical kpc about the galaxy's centre (the catalogue's `SubhaloPos`, else
//!   shrinking spheres). The base group catalogue has no such aperture mass, so it is always
//!   recomputed from the cutout.
//! - M_sub: the catalogue's `SubhaloMass` (else the sum of `SubhaloMassType`) when a group
//!   catalogue gives it, else the mass of every particle read from the cutout (stars, wind,
//!   gas, DM, black holes, and a mock's analytic gas). A TNG subhalo cutout holds exactly the
//!   subhalo's bound particles, so both are SUBFIND's mass.
//! - The R_hsm check (galaxy-model.md 3.1: "TNG: equals `SubhaloHalfmassRadType[4]`;
//!   recompute from the cutout and check"): the 3-D stellar half-mass radius measured from the
//!   cutout ([`galmass_core::measure::half_mass_radius`]) against the catalogue's, relative
//!   tolerance 10 % by default. A subhalo cutout holds the particles SUBFIND used, so the two
//!   differ only through wind cells (which SUBFIND may count as stars, 5.3) and the centre;
//!   10 % is well above that and above the particle noise on a half-mass radius
//!   (≈ 1/√N_star, a few % for ≥ 2000 stars), while a cutout of a parent halo (its
//!   satellites' stars too) or of another subhalo than the row misses by far more.

use std::fmt;

use galmass_core::galaxy::Galaxy;
use galmass_core::measure::half_mass_radius;

use super::read::Cutout;
use super::subhalo::{Catalog, SubhaloRow};

/// The paper's lower limit on the stellar mass inside 30 kpc, M☉ (M* must be greater).
pub const MSTAR30_MIN_MSUN: f64 = 5e9;
/// Radius of the 3-D sphere of that stellar mass, physical kpc.
pub const APERTURE_KPC: f64 = 30.0;
/// The paper's upper limit on the total subhalo mass, M☉ (M_sub must be less).
pub const MSUB_MAX_MSUN: f64 = 1e14;
/// Default relative tolerance of the R_hsm check.
pub const RHSM_TOLERANCE: f64 = 0.10;
/// Relative difference of a or h beyond which a catalogue's `Header` and a cutout's are taken
/// to be different snapshots.
pub const SNAPSHOT_TOLERANCE: f64 = 1e-4;

/// Which sample cuts a TNG build applies.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Cuts {
    /// M*(<30 kpc) > 5e9 M☉ and M_sub < 1e14 M☉ (Chu et al. 2024 Sec. 2.1).
    #[default]
    Paper,
    /// Every readable cutout is kept.
    None,
}

/// The cuts and the R_hsm check of a TNG build.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Selection {
    /// Sample cuts.
    pub cuts: Cuts,
    /// Relative tolerance of the R_hsm check (`None`: no check).
    pub rhsm_tolerance: Option<f64>,
}

impl Default for Selection {
    fn default() -> Self {
        Self {
            cuts: Cuts::Paper,
            rhsm_tolerance: Some(RHSM_TOLERANCE),
        }
    }
}

/// Where a subhalo mass came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MassOrigin {
    /// Summed over the particles of the cutout.
    Particles,
    /// The named field of the group catalogue (`SubhaloMass` or `SubhaloMassType`).
    Catalog(&'static str),
}

impl fmt::Display for MassOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MassOrigin::Particles => write!(f, "all particles in the cutout"),
            MassOrigin::Catalog("SubhaloMassType") => {
                write!(f, "the sum of SubhaloMassType in the catalogue")
            }
            MassOrigin::Catalog(field) => write!(f, "{field} in the catalogue"),
        }
    }
}

/// The numbers the selection looks at, for one galaxy (physical units).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Values {
    /// Stellar mass inside the 30 kpc sphere, M☉.
    pub mstar30_msun: f64,
    /// Total subhalo mass, M☉.
    pub msub_msun: f64,
    /// Where `msub_msun` came from.
    pub msub_origin: MassOrigin,
    /// R_hsm measured from the cutout, kpc (`None` without stellar mass).
    pub rhsm_kpc: Option<f64>,
    /// `SubhaloHalfmassRadType[4]` of the catalogue, kpc.
    pub rhsm_catalog_kpc: Option<f64>,
}

/// Why a galaxy is left out. Its text is a reason of the build report, whose key is the text
/// before the first `:`, one per variant.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Rejection {
    /// The catalogue's `Header` and the cutout's disagree on a or h.
    Snapshot {
        /// `Time` or `HubbleParam`.
        field: &'static str,
        /// The catalogue's value.
        catalog: f64,
        /// The cutout's value.
        cutout: f64,
    },
    /// The measured R_hsm and the catalogue's differ by more than the tolerance.
    Rhsm {
        /// Measured from the cutout, kpc.
        measured_kpc: f64,
        /// `SubhaloHalfmassRadType[4]`, kpc.
        catalog_kpc: f64,
        /// The relative tolerance.
        tolerance: f64,
    },
    /// M*(<30 kpc) ≤ 5e9 M☉.
    StellarMass {
        /// M*(<30 kpc), M☉.
        mstar30_msun: f64,
    },
    /// M_sub ≥ 1e14 M☉.
    SubhaloMass {
        /// M_sub, M☉.
        msub_msun: f64,
        /// Where it came from.
        origin: MassOrigin,
    },
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Rejection::Snapshot {
                field,
                catalog,
                cutout,
            } => write!(
                f,
                "catalogue and cutout are different snapshots: Header.{field} {catalog} in the catalogue vs {cutout} in the cutout"
            ),
            Rejection::Rhsm {
                measured_kpc,
                catalog_kpc,
                tolerance,
            } => {
                let hint = if measured_kpc > catalog_kpc {
                    "the cutout holds stars beyond the subhalo: a parent-halo cutout?"
                } else {
                    "the cutout lacks stars of the subhalo, or the row is another subhalo's"
                };
                write!(
                    f,
                    "R_hsm disagrees with the catalogue: measured {measured_kpc:.3} kpc vs SubhaloHalfmassRadType[4] {catalog_kpc:.3} kpc ({:+.0} %, tolerance {} %) — {hint}",
                    100.0 * (measured_kpc / catalog_kpc - 1.0),
                    percent(tolerance)
                )
            }
            Rejection::StellarMass { mstar30_msun } => write!(
                f,
                "below the paper's stellar-mass cut: M*(<{APERTURE_KPC:.0} kpc) = {mstar30_msun:.2e} Msun ≤ {MSTAR30_MIN_MSUN:.0e}"
            ),
            Rejection::SubhaloMass { msub_msun, origin } => write!(
                f,
                "above the paper's subhalo-mass cut: M_sub = {msub_msun:.2e} Msun ({origin}) ≥ {MSUB_MAX_MSUN:.0e}"
            ),
        }
    }
}

/// Current stellar mass (M☉) of the star particles within a 3-D sphere of radius `r_kpc`
/// about the origin (the galaxy's centre; positions in physical kpc).
pub fn stellar_mass_within(galaxy: &Galaxy, r_kpc: f64) -> f64 {
    let r2 = r_kpc * r_kpc;
    galaxy
        .stars
        .pos
        .iter()
        .zip(&galaxy.stars.mass)
        .filter(|(p, _)| p.iter().map(|&x| (x as f64) * (x as f64)).sum::<f64>() < r2)
        .map(|(_, &m)| m as f64)
        .sum()
}

/// Total mass (M☉) of every particle of the galaxy: stars, gas (wind cells included), dark
/// matter, black holes, plus a mock's analytic gas.
pub fn particle_mass(galaxy: &Galaxy) -> f64 {
    let sum = |m: &[f32]| m.iter().map(|&x| x as f64).sum::<f64>();
    let analytic = galaxy
        .analytic_gas
        .as_ref()
        .map_or(0.0, |g| g.enclosed(f64::INFINITY));
    sum(&galaxy.stars.mass)
        + sum(&galaxy.gas.mass)
        + sum(&galaxy.dm.mass)
        + sum(&galaxy.bh.mass)
        + analytic
}

/// A fraction as a percentage with at most one decimal (0.1 → "10", 0.025 → "2.5").
fn percent(x: f64) -> f64 {
    (1000.0 * x).round() / 10.0
}

fn differs(a: f64, b: f64) -> bool {
    (a - b).abs() > SNAPSHOT_TOLERANCE * a.abs().max(b.abs())
}

impl Selection {
    /// Applies the R_hsm check, then the cuts, to `v`.
    pub fn evaluate(&self, v: &Values) -> Result<(), Rejection> {
        if let (Some(tol), Some(measured_kpc), Some(catalog_kpc)) =
            (self.rhsm_tolerance, v.rhsm_kpc, v.rhsm_catalog_kpc)
        {
            // Written so that a zero catalogue radius (a subhalo without stars) fails too.
            if (measured_kpc - catalog_kpc).abs() > tol * catalog_kpc {
                return Err(Rejection::Rhsm {
                    measured_kpc,
                    catalog_kpc,
                    tolerance: tol,
                });
            }
        }
        if self.cuts == Cuts::None {
            return Ok(());
        }
        // NaN fails both cuts.
        if v.mstar30_msun.is_nan() || v.mstar30_msun <= MSTAR30_MIN_MSUN {
            return Err(Rejection::StellarMass {
                mstar30_msun: v.mstar30_msun,
            });
        }
        if v.msub_msun.is_nan() || v.msub_msun >= MSUB_MAX_MSUN {
            return Err(Rejection::SubhaloMass {
                msub_msun: v.msub_msun,
                origin: v.msub_origin,
            });
        }
        Ok(())
    }

    /// The selection of one read cutout (centred on `row`'s `SubhaloPos` when a catalogue is
    /// given): a catalogue whose `Header` names another snapshot is refused first, then
    /// [`Selection::evaluate`]. Catalogue values are converted with the catalogue's a and h,
    /// else the cutout's.
    pub fn check(
        &self,
        cutout: &Cutout,
        catalog: Option<(&Catalog, &SubhaloRow)>,
    ) -> Result<(), Rejection> {
        let g = &cutout.galaxy;
        let h = &cutout.header;
        let mut v = Values {
            mstar30_msun: stellar_mass_within(g, APERTURE_KPC),
            msub_msun: particle_mass(g),
            msub_origin: MassOrigin::Particles,
            rhsm_kpc: half_mass_radius(&g.stars),
            rhsm_catalog_kpc: None,
        };
        if let Some((cat, row)) = catalog {
            let c = cat.cosmology;
            for (field, ours, theirs) in [
                ("Time", c.time, h.time),
                ("HubbleParam", c.hubble, h.hubble),
            ] {
                if let Some(ours) = ours
                    && differs(ours, theirs)
                {
                    return Err(Rejection::Snapshot {
                        field,
                        catalog: ours,
                        cutout: theirs,
                    });
                }
            }
            v.rhsm_catalog_kpc = cat.rhsm_kpc(row, h);
            if let (Some(m), Some(field)) = (cat.mass_msun(row, h), cat.mass_field) {
                v.msub_msun = m;
                v.msub_origin = MassOrigin::Catalog(field);
            }
        }
        self.evaluate(&v)
    }

    /// What a TNG build does, in words, one line each: where centres come from, the cuts
    /// (and where M_sub comes from), the R_hsm check. `gas`/`black_holes`: whether those
    /// particles are read (a particle M_sub without them says so).
    pub fn summary(&self, catalog: Option<&Catalog>, gas: bool, black_holes: bool) -> Vec<String> {
        let centres = match catalog {
            Some(c) => c.describe_centres(),
            None => "shrinking spheres on the stars of each cutout (no --catalog)".to_string(),
        };
        let cuts = match self.cuts {
            Cuts::None => "none (--cuts none)".to_string(),
            Cuts::Paper => {
                let origin = match catalog.and_then(|c| c.mass_field) {
                    Some(f) => MassOrigin::Catalog(f).to_string(),
                    None => {
                        let mut s = MassOrigin::Particles.to_string();
                        if !gas {
                            s.push_str(", without gas (--no-gas)");
                        }
                        if !black_holes {
                            s.push_str(", without black holes (--no-bh)");
                        }
                        s
                    }
                };
                format!(
                    "the paper's: M*(<{APERTURE_KPC:.0} kpc, 3-D) > {MSTAR30_MIN_MSUN:.0e} Msun and M_sub < {MSUB_MAX_MSUN:.0e} Msun (M_sub from {origin})"
                )
            }
        };
        let rhsm = match (self.rhsm_tolerance, catalog) {
            (None, _) => "off (--rhsm-tolerance off)".to_string(),
            (Some(t), Some(c)) if c.has_rhsm => format!(
                "measured 3-D stellar half-mass radius vs SubhaloHalfmassRadType[4] of {}, tolerance {} %",
                c.file,
                percent(t)
            ),
            (Some(_), Some(_)) => "off (the catalogue has no SubhaloHalfmassRadType)".to_string(),
            (Some(_), None) => "off (no group catalogue)".to_string(),
        };
        vec![
            format!("centres: {centres}"),
            format!("cuts: {cuts}"),
            format!("R_hsm check: {rhsm}"),
        ]
    }
}

#[cfg(test)]
mod tests;
