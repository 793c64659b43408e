//! What an observer states about one galaxy's maps, in the units they have: the seeing (PSF
//! FWHM) and the galaxy's half-light radius R_e in arcsec, the S/N of a pixel at R_e and,
//! optionally, the redshift. The seeing in units of R_e is the ratio of the two angles; the
//! redshift gives kpc per arcsec ([`super::kpc_per_arcsec`]) to state R_e and the seeing in
//! kpc. One reading for `galmass predict --seeing-arcsec --re-arcsec --snr-re --redshift` and
//! the web app's maps card (docs/observing.md).

use super::{ConditionRanges, TelescopeError, kpc_per_arcsec};

/// An observer's statement; every part optional.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Stated {
    /// PSF FWHM, arcsec (0: ideal maps).
    pub seeing_arcsec: Option<f64>,
    /// The galaxy's projected half-light radius R_e, arcsec.
    pub re_arcsec: Option<f64>,
    /// S/N of a light-map pixel at R_e (absent: noiseless).
    pub snr_re: Option<f64>,
    /// Redshift (for R_e and the seeing in kpc).
    pub redshift: Option<f64>,
    /// Angular-diameter distance in Mpc, instead of a redshift (nearby galaxies).
    pub distance_mpc: Option<f64>,
    /// The maps cover a hexagonal IFU footprint out to this many R_e (MaNGA: 1.5 or 2.5);
    /// absent: the whole map.
    pub ifu_re: Option<f64>,
    /// The kinematics are Voronoi-binned to this S/N; absent: unbinned.
    pub voronoi_snr: Option<f64>,
}

impl Stated {
    /// The conditions stated, as one point of [`ConditionRanges`] (seeing in R_e), or `None`
    /// when no condition (seeing, noise, footprint, binning) is stated. A seeing needs R_e;
    /// values are checked.
    pub fn conditions(&self) -> Result<Option<ConditionRanges>, TelescopeError> {
        if self.seeing_arcsec.is_none()
            && self.snr_re.is_none()
            && self.ifu_re.is_none()
            && self.voronoi_snr.is_none()
        {
            return Ok(None);
        }
        let seeing_re = match (self.seeing_arcsec, self.re_arcsec) {
            (Some(s), _) if !(s.is_finite() && s >= 0.0) => {
                return Err(TelescopeError::Invalid {
                    what: "seeing FWHM (arcsec)",
                    value: s,
                    why: "must be a finite number ≥ 0 (0: ideal maps)",
                });
            }
            (Some(s), Some(r)) => s / super::positive("R_e (arcsec)", r)?,
            (Some(s), None) if s > 0.0 => {
                return Err(TelescopeError::Invalid {
                    what: "R_e (arcsec)",
                    value: f64::NAN,
                    why: "give it too: the seeing counts in units of R_e",
                });
            }
            _ => 0.0,
        };
        let mut c = ConditionRanges::point(seeing_re, self.snr_re);
        c.ifu_re = self.ifu_re;
        c.voronoi_snr = self.voronoi_snr;
        c.check()?;
        Ok(Some(c))
    }

    /// Kpc per arcsec at the stated redshift ([`kpc_per_arcsec`]) or distance
    /// ([`super::scale::kpc_per_arcsec_at`]); `None` when neither is stated, an error when both are.
    pub fn kpc_per_arcsec(&self) -> Result<Option<f64>, TelescopeError> {
        match (self.redshift, self.distance_mpc) {
            (Some(_), Some(d)) => Err(TelescopeError::Invalid {
                what: "distance (Mpc)",
                value: d,
                why: "give the redshift or the distance, not both",
            }),
            (Some(z), None) => kpc_per_arcsec(z).map(Some),
            (None, Some(d)) => super::scale::kpc_per_arcsec_at(d).map(Some),
            (None, None) => Ok(None),
        }
    }

    /// R_e in kpc at the stated redshift or distance (`re_arcsec` × kpc per arcsec): the
    /// radius a model on ±3 R_e maps reads. Both must be stated; each is checked and named.
    pub fn re_kpc(&self) -> Result<f64, TelescopeError> {
        let missing = |what: &'static str| TelescopeError::Invalid {
            what,
            value: f64::NAN,
            why: "give it: R_e in kpc is R_e in arcsec times the kpc per arcsec at the redshift \
                  (or distance)",
        };
        let r = self.re_arcsec.ok_or(missing("R_e (arcsec)"))?;
        let k = self.kpc_per_arcsec()?.ok_or(missing("redshift"))?;
        Ok(super::positive("R_e (arcsec)", r)? * k)
    }

    /// The statement in words: "seeing 0.50 R_e, S/N 20 at R_e; at z = 0.05: 1.010 kpc/″,
    /// R_e = 5.05 kpc, seeing FWHM 2.52 kpc" (empty when nothing is stated).
    pub fn describe(&self) -> Result<String, TelescopeError> {
        let Some(c) = self.conditions()? else {
            return Ok(String::new());
        };
        let mut out = format!("seeing {:.2} R_e", c.psf_fwhm_re.0);
        if let Some((s, _)) = c.snr_re {
            out.push_str(&format!(", S/N {s} at R_e"));
        }
        if let Some(k) = c.ifu_re {
            out.push_str(&format!(", IFU footprint {k} R_e"));
        }
        if let Some(t) = c.voronoi_snr {
            out.push_str(&format!(", kinematics binned to S/N {t}"));
        }
        if let (Some(k), Some(r)) = (self.kpc_per_arcsec()?, self.re_arcsec) {
            let at = match (self.redshift, self.distance_mpc) {
                (Some(z), _) => format!("z = {z}"),
                (_, Some(d)) => format!("D = {d} Mpc"),
                _ => String::new(),
            };
            out.push_str(&format!(
                "; at {at}: {k:.3} kpc/″, R_e = {:.2} kpc, seeing FWHM {:.2} kpc",
                r * k,
                self.seeing_arcsec.unwrap_or(0.0) * k
            ));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telescope::outside_training;

    fn stated(s: Option<f64>, r: Option<f64>, n: Option<f64>, z: Option<f64>) -> Stated {
        Stated {
            seeing_arcsec: s,
            re_arcsec: r,
            snr_re: n,
            redshift: z,
            ..Stated::default()
        }
    }

    /// The seeing in R_e is the ratio of the angles; kpc/″ at z = 0.05 is astropy's
    /// (FlatLambdaCDM(67.74, 0.3089, Tcmb0=0): 1.00977); bad statements are named.
    fn err_re(s: Stated) -> String {
        s.re_kpc().unwrap_err().to_string()
    }

    #[test]
    fn stated_conditions() {
        assert_eq!(
            stated(None, Some(5.0), None, Some(0.05)).conditions(),
            Ok(None)
        );
        let s = stated(Some(2.5), Some(5.0), Some(20.0), Some(0.05));
        let c = s.conditions().unwrap().unwrap();
        assert_eq!(c, ConditionRanges::point(0.5, Some(20.0)));
        assert_eq!(outside_training(None, Some(&c)).len(), 2);
        assert!(outside_training(Some(&c), Some(&c)).is_empty());
        let words = s.describe().unwrap();
        assert!(
            words.starts_with("seeing 0.50 R_e, S/N 20 at R_e; at z = 0.05: 1.010 kpc/″"),
            "{words}"
        );
        let err = |s: Stated| s.conditions().unwrap_err().to_string();
        assert!(err(stated(Some(-1.0), Some(5.0), None, None)).contains("= -1"));
        assert!(err(stated(Some(2.0), None, None, None)).contains("R_e"));
        assert!(err(stated(Some(2.0), Some(0.0), None, None)).contains("R_e (arcsec) = 0"));
        assert!(err(stated(None, None, Some(0.0), None)).contains("snr_re"));
        assert!(
            stated(Some(1.0), Some(2.0), None, Some(-0.1))
                .describe()
                .is_err()
        );
        // A MaNGA-like statement matches the MaNGA preset's footprint and binning: only the
        // seeing and S/N are points inside its ranges, so no warning.
        let manga = Stated {
            ifu_re: Some(1.5),
            voronoi_snr: Some(10.0),
            ..stated(Some(2.5), Some(5.0), Some(20.0), None)
        };
        let c = manga.conditions().unwrap().unwrap();
        assert!(outside_training(Some(&ConditionRanges::manga()), Some(&c)).is_empty());
        let w = outside_training(
            Some(&ConditionRanges::manga()),
            Some(&s.conditions().unwrap().unwrap()),
        );
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(
            manga
                .describe()
                .unwrap()
                .ends_with("IFU footprint 1.5 R_e, kinematics binned to S/N 10")
        );
        let only_ifu = Stated {
            ifu_re: Some(-1.0),
            ..Stated::default()
        };
        assert!(only_ifu.conditions().is_err());
        // R_e in kpc: 5″ at z = 0.05 is 5 × 1.00977 kpc (astropy, above).
        let re = stated(None, Some(5.0), None, Some(0.05)).re_kpc().unwrap();
        assert!((re / (5.0 * 1.009_770_12) - 1.0).abs() < 1e-4, "{re}");
        assert!(err_re(stated(None, Some(5.0), None, None)).starts_with("redshift"));
        assert!(err_re(stated(None, None, None, Some(0.05))).starts_with("R_e (arcsec)"));
        assert!(err_re(stated(None, Some(-2.0), None, Some(0.05))).contains("= -2"));
        assert!(err_re(stated(None, Some(2.0), None, Some(0.0))).starts_with("redshift = 0"));
        // Or at a distance: 1″ at 10 Mpc is 48.48 pc.
        let near = Stated {
            re_arcsec: Some(30.0),
            distance_mpc: Some(10.0),
            ..Stated::default()
        };
        assert!((near.re_kpc().unwrap() - 30.0 * 0.048_481_37).abs() < 1e-6);
        let both = Stated {
            redshift: Some(0.01),
            ..near
        };
        assert!(err_re(both).contains("not both"));
        let bad = Stated {
            distance_mpc: Some(-1.0),
            ..near
        };
        assert!(err_re(bad).starts_with("distance_mpc = -1"));
    }
}
