//! Flags of the TNG sample selection (`dataset build --source tng`): the paper's cuts and the
//! R_hsm check against a group catalogue ([`galmass::tng::select`]).

use anyhow::Result;
use clap::{Args, ValueEnum};
use galmass::BadInput;
use galmass::tng::Selection;
use galmass::tng::select::{Cuts, RHSM_TOLERANCE};

/// `--cuts`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CutsArg {
    /// M*(<30 kpc) > 5e9 Msun and M_sub < 1e14 Msun (Chu et al. 2024 Sec. 2.1)
    Paper,
    /// Keep every readable cutout
    None,
}

/// `--rhsm-tolerance`: a relative tolerance, or off.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tolerance(pub Option<f64>);

fn parse_tolerance(s: &str) -> Result<Tolerance, String> {
    let t = s.trim();
    if t == "off" {
        return Ok(Tolerance(None));
    }
    match t.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(Tolerance(Some(x))),
        _ => Err(format!(
            "`{s}` is not a positive fraction (e.g. 0.1 for 10 %) or `off`"
        )),
    }
}

/// Which TNG galaxies a dataset build keeps.
#[derive(Args, Clone, Debug, Default)]
pub struct SelectArgs {
    /// Sample cuts for --source tng [default: paper]. paper: keep galaxies with stellar mass
    /// M*(<30 kpc) > 5e9 Msun inside a 3-D sphere of 30 physical kpc about the centre, and
    /// total subhalo mass M_sub < 1e14 Msun — from the group catalogue's SubhaloMass (else
    /// the sum of SubhaloMassType) when --catalog is one, else from all particles in the
    /// cutout (Chu et al. 2024 Sec. 2.1). none: keep every readable cutout. Failing galaxies
    /// are skipped and counted with the reason
    #[arg(long, value_enum, value_name = "paper|none")]
    pub cuts: Option<CutsArg>,
    /// With a group catalogue holding SubhaloHalfmassRadType: skip a galaxy whose 3-D stellar
    /// half-mass radius measured from the cutout differs from SubhaloHalfmassRadType[4] by
    /// more than FRAC of it (e.g. a parent-halo cutout); particle noise on R_hsm is a few %
    /// for ≥ 2000 stars [default: 0.1]; `off` turns the check off
    #[arg(long, value_name = "FRAC", value_parser = parse_tolerance)]
    pub rhsm_tolerance: Option<Tolerance>,
}

impl SelectArgs {
    /// The selection of a TNG build (defaults: the paper's cuts, 10 % R_hsm tolerance).
    pub fn selection(&self) -> Selection {
        Selection {
            cuts: match self.cuts {
                Some(CutsArg::None) => Cuts::None,
                Some(CutsArg::Paper) | None => Cuts::Paper,
            },
            rhsm_tolerance: self.rhsm_tolerance.map_or(Some(RHSM_TOLERANCE), |t| t.0),
        }
    }

    /// Refuses these flags for the mock source, whose galaxies the generator already selects
    /// with the same thresholds (galaxy-model.md 1.3).
    pub fn refuse_for_mock(&self) -> Result<()> {
        let flag = match (self.cuts.is_some(), self.rhsm_tolerance.is_some()) {
            (true, _) => "--cuts",
            (false, true) => "--rhsm-tolerance",
            (false, false) => return Ok(()),
        };
        Err(BadInput(format!(
            "{flag} is for --source tng (mock galaxies are selected by the generator with the paper's cuts)"
        ))
        .into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerance_values() {
        assert_eq!(parse_tolerance("0.1"), Ok(Tolerance(Some(0.1))));
        assert_eq!(parse_tolerance("off"), Ok(Tolerance(None)));
        for bad in ["0", "-0.1", "nan", "inf", "ten"] {
            assert!(parse_tolerance(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn defaults_are_the_papers() {
        let s = SelectArgs::default().selection();
        assert_eq!(s, Selection::default());
        assert_eq!(s.cuts, Cuts::Paper);
        assert_eq!(s.rhsm_tolerance, Some(0.1));
    }
}
