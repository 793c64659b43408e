//! The `Header` group of a TNG snapshot or cutout (galaxy-model.md 5.2): scale factor,
//! Hubble parameter, mass table and box size, with command-line overrides for cutouts whose
//! header is reduced.

use super::error::TngError;
use super::h5::Source;

/// Cosmological and unit information of one cutout, as used for the conversions of 5.2.
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    /// Scale factor a of the snapshot (`Time`).
    pub time: f64,
    /// Redshift, when the header has it (informational; a = 1/(1+z) when `Time` is absent).
    pub redshift: Option<f64>,
    /// Hubble parameter h (`HubbleParam`).
    pub hubble: f64,
    /// Mass of each particle type when all are equal, in 1e10 M☉/h (`MassTable[6]`); 0 where
    /// the type carries a `Masses` dataset. `None` when the header has no table.
    pub mass_table: Option<[f64; 6]>,
    /// Comoving side of the periodic box in ckpc/h (`BoxSize`).
    pub box_size: f64,
}

/// Values that replace (or stand in for) header attributes; each one given here wins over
/// the file's header.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct HeaderOverrides {
    /// Scale factor a (replaces `Time`).
    pub time: Option<f64>,
    /// Hubble parameter h (replaces `HubbleParam`).
    pub hubble: Option<f64>,
    /// DM particle mass in 1e10 M☉/h (replaces `MassTable[1]`).
    pub mass_dm: Option<f64>,
    /// Box size in ckpc/h (replaces `BoxSize`).
    pub box_size: Option<f64>,
}

impl Header {
    /// DM particle mass from the mass table in 1e10 M☉/h (`MassTable[1]`), if positive.
    pub fn mass_dm(&self) -> Option<f64> {
        self.mass_table.map(|t| t[1]).filter(|&m| m > 0.0)
    }

    /// Reads the header of `src`, applying `ov`. Required: a (from `Time`, else `Redshift`,
    /// else the override), h and BoxSize, each positive and finite, a ≤ 1.
    pub(crate) fn read(src: &Source, ov: &HeaderOverrides) -> Result<Self, TngError> {
        let group = src.group("Header")?;
        let attr = |name: &str| -> Result<Option<Vec<f64>>, TngError> {
            match &group {
                Some(g) => src.attr(g, "Header", name),
                None => Ok(None),
            }
        };
        let scalar = |name: &str| -> Result<Option<f64>, TngError> {
            match attr(name)? {
                None => Ok(None),
                Some(v) if v.len() == 1 => Ok(Some(v[0])),
                Some(v) => Err(src.invalid(
                    &format!("Header.{name}"),
                    format!("expected a scalar, found {} values", v.len()),
                )),
            }
        };
        let redshift = scalar("Redshift")?;
        let time = match ov.time {
            Some(a) => Some(a),
            None => scalar("Time")?.or(redshift.map(|z| 1.0 / (1.0 + z))),
        };
        let time = time.ok_or_else(|| src.missing("Header.Time (or pass --time)"))?;
        let hubble = match ov.hubble {
            Some(h) => h,
            None => scalar("HubbleParam")?
                .ok_or_else(|| src.missing("Header.HubbleParam (or pass --hubble)"))?,
        };
        let box_size = match ov.box_size {
            Some(b) => b,
            None => scalar("BoxSize")?
                .ok_or_else(|| src.missing("Header.BoxSize (or pass --box-size)"))?,
        };
        let mut mass_table = match attr("MassTable")? {
            None => None,
            Some(v) if v.len() == 6 => Some([v[0], v[1], v[2], v[3], v[4], v[5]]),
            Some(v) => {
                return Err(src.invalid(
                    "Header.MassTable",
                    format!("expected 6 values, found {}", v.len()),
                ));
            }
        };
        if let Some(m) = ov.mass_dm {
            mass_table.get_or_insert([0.0; 6])[1] = m;
        }
        let check = |field: &str, v: f64| -> Result<(), TngError> {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err(src.invalid(field, format!("must be positive and finite, found {v}")))
            }
        };
        check("Header.Time", time)?;
        if time > 1.0 {
            return Err(src.invalid("Header.Time", format!("scale factor {time} > 1")));
        }
        check("Header.HubbleParam", hubble)?;
        check("Header.BoxSize", box_size)?;
        if let Some(t) = mass_table
            && let Some(&m) = t.iter().find(|m| !m.is_finite() || **m < 0.0)
        {
            return Err(src.invalid(
                "Header.MassTable",
                format!("must be finite and ≥ 0, found {m}"),
            ));
        }
        Ok(Self {
            time,
            redshift,
            hubble,
            mass_table,
            box_size,
        })
    }
}
