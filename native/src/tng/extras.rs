//! The `Galmass` group: what a mock galaxy has beyond the TNG layout — its analytic dust slab
//! (galaxy-model.md 2.8) and an analytic gas profile (mock option `gas = analytic`) — so a
//! written mock reads back as the same [`Galaxy`]. Real TNG cutouts have no such group and
//! read with the reader's dust option (by default the gas column, 5.4).
//!
//! Layout: attribute `DustModel` (0 = none, 1 = analytic slab, 2 = gas column) and, for the
//! gas column, `ColumnCellKpc` [physical kpc] and `ColumnFd`; for the slab, attributes
//! `SlabRotation` (9 values, row-major), `SlabSigmaG0` [M☉ kpc⁻²], `SlabRG`, `SlabRM`, `SlabZG`
//! [physical kpc], `SlabZgRel` [Z_g/Z☉], `SlabFd`; datasets `AnalyticGasRadius` [physical kpc]
//! and `AnalyticGasMass` [M☉ enclosed] for an analytic gas profile.

use galmass_core::galaxy::{AnalyticGas, ColumnDust, Dust, Galaxy, SlabDust};

use super::error::{TngError, WriteError};
use super::h5::Source;

/// Name of the group.
pub const GROUP: &str = "Galmass";

const SLAB_SCALARS: [&str; 6] = [
    "SlabSigmaG0",
    "SlabRG",
    "SlabRM",
    "SlabZG",
    "SlabZgRel",
    "SlabFd",
];

/// Writes the `Galmass` group of `galaxy` into `file` (named `name` in errors).
pub(crate) fn write_extras(
    file: &hdf5::File,
    name: &str,
    galaxy: &Galaxy,
) -> Result<(), WriteError> {
    let err = |field: &str, e: hdf5::Error| WriteError {
        file: name.to_string(),
        field: format!("{GROUP}/{field}"),
        reason: e.to_string(),
    };
    let g = super::h5::new_group(file, GROUP).map_err(|e| err("", e))?;
    let attr = |field: &str, v: &[f64]| -> Result<(), WriteError> {
        let a = g
            .new_attr::<f64>()
            .shape(v.len())
            .create(field)
            .map_err(|e| err(field, e))?;
        a.write_raw(v).map_err(|e| err(field, e))
    };
    match &galaxy.dust {
        Dust::None => attr("DustModel", &[0.0])?,
        Dust::AnalyticSlab(s) => {
            attr("DustModel", &[1.0])?;
            let rot: Vec<f64> = s.rotation.iter().flatten().copied().collect();
            attr("SlabRotation", &rot)?;
            let vals = [s.sigma_g0, s.r_g, s.r_m, s.z_g, s.zg_rel, s.f_d];
            for (field, v) in SLAB_SCALARS.iter().zip(vals) {
                attr(field, &[v])?;
            }
        }
        Dust::GasColumn(c) => {
            attr("DustModel", &[2.0])?;
            attr("ColumnCellKpc", &[c.cell_kpc])?;
            attr("ColumnFd", &[c.f_d])?;
        }
    }
    if let Some(ag) = &galaxy.analytic_gas {
        for (field, v) in [
            ("AnalyticGasRadius", &ag.r_kpc),
            ("AnalyticGasMass", &ag.mass_enclosed),
        ] {
            let ds = g
                .new_dataset::<f64>()
                .shape(v.len())
                .create(field)
                .map_err(|e| err(field, e))?;
            ds.write_raw(v.as_slice()).map_err(|e| err(field, e))?;
        }
    }
    Ok(())
}

/// Reads the `Galmass` group if present: the dust model (`None` without the group: a real
/// cutout) and the analytic gas profile.
pub(crate) fn read_extras(src: &Source) -> Result<(Option<Dust>, Option<AnalyticGas>), TngError> {
    let Some(g) = src.group(GROUP)? else {
        return Ok((None, None));
    };
    let get = |field: &str, len: usize| -> Result<Vec<f64>, TngError> {
        let v = src
            .attr(&g, GROUP, field)?
            .ok_or_else(|| src.missing(&format!("{GROUP}.{field}")))?;
        if v.len() != len || v.iter().any(|x| !x.is_finite()) {
            return Err(src.invalid(
                &format!("{GROUP}.{field}"),
                format!("expected {len} finite values, found {v:?}"),
            ));
        }
        Ok(v)
    };
    let dust = match get("DustModel", 1)?[0] {
        0.0 => Dust::None,
        1.0 => {
            let r = get("SlabRotation", 9)?;
            let mut s = [0.0; 6];
            for (k, field) in SLAB_SCALARS.iter().enumerate() {
                s[k] = get(field, 1)?[0];
            }
            Dust::AnalyticSlab(SlabDust {
                rotation: [[r[0], r[1], r[2]], [r[3], r[4], r[5]], [r[6], r[7], r[8]]],
                sigma_g0: s[0],
                r_g: s[1],
                r_m: s[2],
                z_g: s[3],
                zg_rel: s[4],
                f_d: s[5],
            })
        }
        2.0 => {
            let cell_kpc = get("ColumnCellKpc", 1)?[0];
            if cell_kpc.is_nan() || cell_kpc <= 0.0 {
                return Err(src.invalid(
                    &format!("{GROUP}.ColumnCellKpc"),
                    format!("the cell side must be positive, found {cell_kpc}"),
                ));
            }
            Dust::GasColumn(ColumnDust {
                cell_kpc,
                f_d: get("ColumnFd", 1)?[0],
            })
        }
        other => {
            return Err(src.invalid(
                &format!("{GROUP}.DustModel"),
                format!("unknown dust model {other} (0 = none, 1 = analytic slab, 2 = gas column)"),
            ));
        }
    };
    let analytic_gas = if src.has(&g, "AnalyticGasRadius") {
        let (r_kpc, n) = src.table(&g, GROUP, "AnalyticGasRadius", 1, None, true)?;
        let (mass_enclosed, _) = src.table(&g, GROUP, "AnalyticGasMass", 1, Some(n), true)?;
        Some(AnalyticGas {
            r_kpc,
            mass_enclosed,
        })
    } else {
        None
    };
    Ok((Some(dust), analytic_gas))
}
