//! The two CNNs the page carries (`www/models/README.md`): the ideal-map ensemble (the
//! paper's setting: maps on ±3 R_hsm) and the observed-conditions model (beyond the paper:
//! MaNGA-like maps on ±3 R_e), and the rule that picks one from what the user states about
//! their maps.

use galmass_core::telescope::{ConditionRanges, MapScale};

use super::cnn::{LoadedCnn, ensemble_from_bytes, load_cnn};
use crate::assets::CNN_OBSERVED_BUNDLE;

/// File name under which the observed-conditions bundle is sent to the page's worker.
pub const OBSERVED_FILE: &str = "cnn-observed.bundle";

/// A bundled CNN.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bundled {
    /// Three CNNs trained on ideal maps on ±3 R_hsm (the paper's setting).
    Ideal,
    /// One CNN trained on MaNGA-like observed maps on ±3 R_e.
    Observed,
}

impl Bundled {
    /// The rule of the maps card's "automatic" choice: the observed-conditions model when the
    /// user states any observing condition (seeing, noise, footprint, binning), else the
    /// ideal ensemble.
    pub fn for_stated(stated: Option<&ConditionRanges>) -> Self {
        if stated.is_some() {
            Bundled::Observed
        } else {
            Bundled::Ideal
        }
    }

    /// Loads it (galmass-core's one ensemble loader).
    pub fn load(self) -> LoadedCnn {
        match self {
            Bundled::Ideal => load_cnn(),
            Bundled::Observed => {
                ensemble_from_bytes(&[(OBSERVED_FILE.to_string(), CNN_OBSERVED_BUNDLE)])
            }
        }
    }

    /// The files the page's worker loads for it (none: the worker's bundled ensemble).
    pub fn worker_files(self) -> Vec<(String, Vec<u8>)> {
        match self {
            Bundled::Ideal => Vec::new(),
            Bundled::Observed => vec![(OBSERVED_FILE.to_string(), CNN_OBSERVED_BUNDLE.to_vec())],
        }
    }

    /// In words, for the card's "models:" line.
    pub fn label(self) -> &'static str {
        match self {
            Bundled::Ideal => "the bundled ensemble of 3 CNNs (ideal maps on ±3 R_hsm)",
            Bundled::Observed => {
                "the bundled observed-conditions CNN (MaNGA-like maps on ±3 R_e, beyond the paper)"
            }
        }
    }

    /// The radius its maps cover ±3 of.
    pub fn scale(self) -> MapScale {
        match self {
            Bundled::Ideal => MapScale::Rhsm,
            Bundled::Observed => MapScale::Re,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bundled files say what the page says of them: the ideal ensemble learned ideal maps
    /// on ±3 R_hsm, the observed model MaNGA-like maps on ±3 R_e; stating a condition picks
    /// the observed model.
    #[test]
    fn the_bundled_models_are_what_the_page_says() {
        for b in [Bundled::Ideal, Bundled::Observed] {
            let e = b.load().unwrap();
            let t = &e.lead().manifest.training;
            assert_eq!(t.scale, b.scale(), "{b:?}");
            match b {
                Bundled::Ideal => assert_eq!(t.conditions, None),
                Bundled::Observed => assert_eq!(t.conditions, Some(ConditionRanges::manga())),
            }
        }
        assert_eq!(Bundled::for_stated(None), Bundled::Ideal);
        let c = ConditionRanges::point(0.5, Some(20.0));
        assert_eq!(Bundled::for_stated(Some(&c)), Bundled::Observed);
    }
}
