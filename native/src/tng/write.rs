//! Writer of galaxies in the TNG cutout layout and units (galaxy-model.md 5.2), so the mock
//! path exercises the same reader as real TNG data.
//!
//! Conversions (inverse of the reader): x = (r·h/a + x_c) mod BoxSize [ckpc/h, f64];
//! V = v/√a [km s⁻¹ √a, f32]; M = m·h/1e10 [1e10 M☉/h, f32]; a_f = a(t(a) − age) (clamped to
//! ≥ 1e-6 so every star stays a star); photometrics (N, 8) f32 absolute magnitudes with
//! g = M☉,g − 2.5 log L_g (column 4) and r = M☉,r − 2.5 log L_r (column 5); the other six
//! columns (U, B, V, K Vega; i, z AB) are not modelled by the mocks and hold the r magnitude.
//! A luminosity ≤ 0 is written as magnitude 99. Gas temperatures are written as
//! `ElectronAbundance` x_e = 1 − f_HI (hydrogen's electrons) and `InternalEnergy`
//! u = T/(80.8 μ(x_e)) (5.4), when every cell has a finite temperature. Dark matter always gets a `Masses` dataset
//! (mock DM masses vary) and `MassTable` is all zeros. Mock-only data go to the `Galmass`
//! group ([`super::extras`]).
//!
//! The file is written under a temporary name in the same directory and renamed when
//! complete, so a crash never leaves a truncated `cutout_<id>.hdf5`.

use std::path::Path;

use galmass_core::galaxy::{Galaxy, Gas};
use galmass_core::measure::dust::column::mean_molecular_weight;
use galmass_core::units::{
    HUBBLE_H, MSUN_G, MSUN_R, OMEGA_L, OMEGA_M, abs_mag, cosmic_time_gyr, scale_factor_at,
};
use hdf5::Group;

use super::error::WriteError;
use super::extras::write_extras;
use super::h5::new_group;

/// Magnitude written for a star of zero luminosity.
const FAINT_MAG: f64 = 99.0;

/// Header values and placement of a written cutout.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WriteOptions {
    /// Galaxy centre in the box, ckpc/h (recorded in `catalog.csv` as x, y, z).
    pub centre_ckpc_h: [f64; 3],
    /// Box side in ckpc/h (`BoxSize`).
    pub box_size: f64,
    /// Hubble parameter h (`HubbleParam`).
    pub hubble: f64,
    /// Scale factor a (`Time`).
    pub time: f64,
}

/// TNG100's box side in ckpc/h.
pub const TNG100_BOX: f64 = 75_000.0;

impl Default for WriteOptions {
    fn default() -> Self {
        Self {
            centre_ckpc_h: box_position(0, TNG100_BOX),
            box_size: TNG100_BOX,
            hubble: HUBBLE_H,
            time: 1.0,
        }
    }
}

/// A deterministic position for galaxy `id` in a box of side `box_size` (ckpc/h): galaxy 0
/// sits 10 ckpc/h from two faces of the box, so its particles wrap around the periodic
/// boundary; later ids step by irrational fractions of the box (additive recurrence).
pub fn box_position(id: u64, box_size: f64) -> [f64; 3] {
    let base = [box_size - 10.0, 10.0, 0.5 * box_size];
    let step = [
        0.618_033_988_749_895,
        0.414_213_562_373_095,
        0.732_050_807_568_877,
    ];
    std::array::from_fn(|k| {
        let frac = ((id as f64) * step[k]).fract();
        (base[k] + frac * box_size).rem_euclid(box_size)
    })
}

/// Writes `galaxy` (internal units, centred) to `path` in the TNG layout with `opts`.
pub fn write_cutout(path: &Path, galaxy: &Galaxy, opts: &WriteOptions) -> Result<(), WriteError> {
    let name = path.display().to_string();
    crate::atomic::replace_with(
        path,
        |tmp| write_to(tmp, &name, galaxy, opts),
        |e| WriteError {
            file: name.clone(),
            field: "(rename)".into(),
            reason: e.to_string(),
        },
    )
}

fn write_to(
    tmp: &Path,
    name: &str,
    galaxy: &Galaxy,
    opts: &WriteOptions,
) -> Result<(), WriteError> {
    let err = |field: &str, e: hdf5::Error| WriteError {
        file: name.to_string(),
        field: field.to_string(),
        reason: e.to_string(),
    };
    let file = hdf5::File::create(tmp).map_err(|e| err("(create)", e))?;
    let (a, h) = (opts.time, opts.hubble);
    let len = h / a;
    let vel = 1.0 / a.sqrt();
    let mass = h / 1e10;

    let header = new_group(&file, "Header").map_err(|e| err("Header", e))?;
    for (field, v) in [
        ("Time", vec![a]),
        ("Redshift", vec![1.0 / a - 1.0]),
        ("HubbleParam", vec![h]),
        ("BoxSize", vec![opts.box_size]),
        ("Omega0", vec![OMEGA_M]),
        ("OmegaLambda", vec![OMEGA_L]),
        ("MassTable", vec![0.0; 6]),
    ] {
        let f = format!("Header.{field}");
        let attr = if v.len() == 1 {
            header.new_attr::<f64>().create(field)
        } else {
            header.new_attr::<f64>().shape(v.len()).create(field)
        };
        let attr = attr.map_err(|e| err(&f, e))?;
        if v.len() == 1 {
            attr.write_scalar(&v[0]).map_err(|e| err(&f, e))?;
        } else {
            attr.write_raw(v.as_slice()).map_err(|e| err(&f, e))?;
        }
    }

    let n_part = [
        galaxy.gas.mass.len(),
        galaxy.dm.mass.len(),
        0,
        0,
        galaxy.stars.mass.len(),
        galaxy.bh.mass.len(),
    ]
    .map(|n| n as u32);
    let field = "Header.NumPart_ThisFile";
    header
        .new_attr::<u32>()
        .shape(6)
        .create("NumPart_ThisFile")
        .and_then(|at| at.write_raw(&n_part[..]))
        .map_err(|e| err(field, e))?;

    let w = Writer {
        name,
        centre: opts.centre_ckpc_h,
        box_size: opts.box_size,
    };
    let s = &galaxy.stars;
    let g4 = w.group(&file, "PartType4")?;
    w.coords(&g4, "PartType4", &s.pos, len)?;
    w.vectors(&g4, "PartType4", &s.vel, vel)?;
    w.column(&g4, "PartType4/Masses", &s.mass, mass)?;
    w.column(&g4, "PartType4/GFM_InitialMass", &s.mass_init, mass)?;
    w.column(&g4, "PartType4/GFM_Metallicity", &s.metallicity, 1.0)?;
    let t_now = cosmic_time_gyr(a);
    let a_form: Vec<f32> = s
        .age
        .iter()
        .map(|&age| scale_factor_at(t_now - age as f64).clamp(1e-6, a) as f32)
        .collect();
    w.raw(
        &g4,
        "PartType4/GFM_StellarFormationTime",
        &a_form,
        &[a_form.len()],
    )?;
    let mut phot = Vec::with_capacity(8 * s.mass.len());
    for (&lg, &lr) in s.lum_g.iter().zip(&s.lum_r) {
        let mag = |l: f32, msun: f64| {
            if l > 0.0 {
                abs_mag(l as f64, msun)
            } else {
                FAINT_MAG
            }
        };
        let (mg, mr) = (mag(lg, MSUN_G) as f32, mag(lr, MSUN_R) as f32);
        phot.extend_from_slice(&[mr, mr, mr, mr, mg, mr, mr, mr]);
    }
    w.raw(
        &g4,
        "PartType4/GFM_StellarPhotometrics",
        &phot,
        &[s.mass.len(), 8],
    )?;

    let d = &galaxy.dm;
    let g1 = w.group(&file, "PartType1")?;
    w.coords(&g1, "PartType1", &d.pos, len)?;
    w.vectors(&g1, "PartType1", &d.vel, vel)?;
    w.column(&g1, "PartType1/Masses", &d.mass, mass)?;

    let gas = &galaxy.gas;
    if !gas.mass.is_empty() {
        let g0 = w.group(&file, "PartType0")?;
        w.coords(&g0, "PartType0", &gas.pos, len)?;
        w.vectors(&g0, "PartType0", &gas.vel, vel)?;
        w.column(&g0, "PartType0/Masses", &gas.mass, mass)?;
        w.column(&g0, "PartType0/StarFormationRate", &gas.sfr, 1.0)?;
        w.column(&g0, "PartType0/GFM_Metallicity", &gas.metallicity, 1.0)?;
        w.column(
            &g0,
            "PartType0/NeutralHydrogenAbundance",
            &gas.neutral_fraction,
            1.0,
        )?;
        write_temperatures(&w, &g0, gas)?;
    }
    let bh = &galaxy.bh;
    if !bh.mass.is_empty() {
        let g5 = w.group(&file, "PartType5")?;
        w.coords(&g5, "PartType5", &bh.pos, len)?;
        w.vectors(&g5, "PartType5", &bh.vel, vel)?;
        w.column(&g5, "PartType5/Masses", &bh.mass, mass)?;
        w.column(&g5, "PartType5/BH_Mass", &bh.mass, mass)?;
    }
    write_extras(&file, name, galaxy)?;
    file.close().map_err(|e| err("(close)", e))
}

/// `PartType0/ElectronAbundance` and `InternalEnergy` of cells with temperatures (module
/// documentation); nothing when a cell's temperature is unknown or not finite.
fn write_temperatures(w: &Writer, g0: &Group, gas: &Gas) -> Result<(), WriteError> {
    let n = gas.mass.len();
    if gas.temperature_k.len() != n || gas.temperature_k.iter().any(|t| !t.is_finite()) {
        return Ok(());
    }
    let x_e: Vec<f32> = (0..n)
        .map(|i| {
            1.0 - gas
                .neutral_fraction
                .get(i)
                .map_or(0.0, |f| f.clamp(0.0, 1.0))
        })
        .collect();
    let u: Vec<f32> = (0..n)
        .map(|i| {
            let mu = mean_molecular_weight(f64::from(x_e[i]));
            (f64::from(gas.temperature_k[i]) / (80.8 * mu)) as f32
        })
        .collect();
    w.column(g0, "PartType0/ElectronAbundance", &x_e, 1.0)?;
    w.column(g0, "PartType0/InternalEnergy", &u, 1.0)
}

/// Writes datasets of one file, converting units.
struct Writer<'a> {
    name: &'a str,
    centre: [f64; 3],
    box_size: f64,
}

impl Writer<'_> {
    fn err(&self, field: &str, e: hdf5::Error) -> WriteError {
        WriteError {
            file: self.name.to_string(),
            field: field.to_string(),
            reason: e.to_string(),
        }
    }

    fn group(&self, file: &hdf5::File, name: &str) -> Result<Group, WriteError> {
        new_group(file, name).map_err(|e| self.err(name, e))
    }

    fn raw<T: hdf5::H5Type>(
        &self,
        g: &Group,
        field: &str,
        v: &[T],
        shape: &[usize],
    ) -> Result<(), WriteError> {
        let leaf = field.rsplit('/').next().unwrap_or(field);
        let ds = g
            .new_dataset::<T>()
            .shape(shape)
            .create(leaf)
            .map_err(|e| self.err(field, e))?;
        ds.write_raw(v).map_err(|e| self.err(field, e))
    }

    /// Coordinates (N, 3) f64 in ckpc/h: r·(h/a) + centre, wrapped into the box.
    fn coords(&self, g: &Group, gname: &str, pos: &[[f32; 3]], len: f64) -> Result<(), WriteError> {
        let flat: Vec<f64> = pos
            .iter()
            .flat_map(|p| {
                (0..3).map(move |k| (p[k] as f64 * len + self.centre[k]).rem_euclid(self.box_size))
            })
            .collect();
        self.raw(g, &format!("{gname}/Coordinates"), &flat, &[pos.len(), 3])
    }

    /// Velocities (N, 3) f32 times `scale`.
    fn vectors(
        &self,
        g: &Group,
        gname: &str,
        v: &[[f32; 3]],
        scale: f64,
    ) -> Result<(), WriteError> {
        let flat: Vec<f32> = v
            .iter()
            .flat_map(|x| x.map(|c| (c as f64 * scale) as f32))
            .collect();
        self.raw(g, &format!("{gname}/Velocities"), &flat, &[v.len(), 3])
    }

    /// A per-particle column (N,) f32 times `scale`.
    fn column(&self, g: &Group, field: &str, v: &[f32], scale: f64) -> Result<(), WriteError> {
        let out: Vec<f32> = v.iter().map(|&x| (x as f64 * scale) as f32).collect();
        self.raw(g, field, &out, &[v.len()])
    }
}
