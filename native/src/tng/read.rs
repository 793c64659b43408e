//! Reader of TNG snapshot cutouts (galaxy-model.md 5.1–5.3) into a centred
//! [`galmass_core::galaxy::Galaxy`] in kpc, km/s and M☉.
//!
//! Conversions (5.2): Δ = x − x_c wrapped periodically, r = Δ·a/h [kpc]; v = V·√a [km/s];
//! m = M·1e10/h [M☉]; ages t(a) − t(a_f) [Gyr]; L = 10^{−0.4(M − M☉)} from the g (column 4)
//! and r (column 5) absolute AB magnitudes of `GFM_StellarPhotometrics`. Wind-phase cells
//! (`GFM_StellarFormationTime` ≤ 0, 5.3) are no stars: their mass is added to the gas.

use std::path::Path;

use galmass_core::galaxy::{BlackHoles, DarkMatter, Galaxy, Gas, Stars};
use galmass_core::units::{MSUN_G, MSUN_R, cosmic_time_gyr, lum_from_mag};
use hdf5::Group;

use galmass_core::measure::remove_systemic_velocity;

use super::centre::{CentreSource, stellar_centre, wrap};
use super::error::TngError;
use super::extras::read_extras;
use super::h5::Source;
use super::header::{Header, HeaderOverrides};

/// How to read a cutout.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReadOptions {
    /// Where the centre comes from (default: shrinking spheres on the stars).
    pub centre: CentreSource,
    /// Header values supplied on the command line.
    pub header: HeaderOverrides,
    /// Read gas cells (PartType0) and wind cells (default true).
    pub gas: bool,
    /// Read black holes (PartType5) (default true).
    pub black_holes: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            centre: CentreSource::default(),
            header: HeaderOverrides::default(),
            gas: true,
            black_holes: true,
        }
    }
}

/// A cutout read into memory: the galaxy in internal units plus what was used to get there.
#[derive(Clone, Debug)]
pub struct Cutout {
    /// The header values used for the conversions (after overrides).
    pub header: Header,
    /// The galaxy: centred, systemic velocity removed, internal units.
    pub galaxy: Galaxy,
    /// The centre in the file's comoving coordinates, ckpc/h.
    pub centre_ckpc_h: [f64; 3],
    /// The systemic velocity removed from every particle, km/s (peculiar).
    pub v_sys_kms: [f64; 3],
    /// Number of wind-phase PartType4 cells moved to the gas.
    pub n_wind: usize,
}

/// Unit conversions of one cutout (5.2).
struct Conv {
    centre: [f64; 3],
    box_size: f64,
    length: f64,
    velocity: f64,
    mass: f64,
}

impl Conv {
    fn pos(&self, flat: &[f64], i: usize) -> [f32; 3] {
        std::array::from_fn(|k| {
            (wrap(flat[3 * i + k], self.centre[k], self.box_size) * self.length) as f32
        })
    }
    fn vel(&self, flat: &[f64], i: usize) -> [f32; 3] {
        std::array::from_fn(|k| (flat[3 * i + k] * self.velocity) as f32)
    }
    fn mass(&self, m: f64) -> f32 {
        (m * self.mass) as f32
    }
}

/// Positions, velocities and masses of one particle type.
struct Phase {
    pos: Vec<f64>,
    vel: Vec<f64>,
    n: usize,
}

fn read_phase(src: &Source, g: &Group, gname: &str) -> Result<Phase, TngError> {
    let (pos, n) = src.table(g, gname, "Coordinates", 3, None, true)?;
    let (vel, _) = src.table(g, gname, "Velocities", 3, Some(n), true)?;
    Ok(Phase { pos, vel, n })
}

fn masses(
    src: &Source,
    g: &Group,
    gname: &str,
    name: &str,
    n: usize,
) -> Result<Vec<f64>, TngError> {
    let (m, _) = src.table(g, gname, name, 1, Some(n), true)?;
    src.non_negative(&format!("{gname}/{name}"), &m)?;
    Ok(m)
}

/// Reads the cutout at `path` (see the module documentation for the conversions).
///
/// Required: `Header` (Time or Redshift, HubbleParam, BoxSize — or their overrides),
/// `PartType4/{Coordinates, Velocities, Masses, GFM_InitialMass, GFM_StellarFormationTime,
/// GFM_Metallicity, GFM_StellarPhotometrics}`, `PartType1/{Coordinates, Velocities}` with
/// `PartType1/Masses` or `Header.MassTable[1]`. Optional: `PartType0` (Coordinates,
/// Velocities, Masses required when present; StarFormationRate, GFM_Metallicity,
/// NeutralHydrogenAbundance default to 0) and `PartType5` (Masses, else BH_Mass).
pub fn read_cutout(path: &Path, opts: &ReadOptions) -> Result<Cutout, TngError> {
    let src = Source::open(path)?;
    let header = Header::read(&src, &opts.header)?;
    let a = header.time;

    // Stars and wind cells.
    let g4 = src
        .group("PartType4")?
        .ok_or_else(|| src.missing("PartType4"))?;
    let p4 = read_phase(&src, &g4, "PartType4")?;
    let n4 = p4.n;
    let m4 = masses(&src, &g4, "PartType4", "Masses", n4)?;
    let m4_init = masses(&src, &g4, "PartType4", "GFM_InitialMass", n4)?;
    let (a_form, _) = src.table(
        &g4,
        "PartType4",
        "GFM_StellarFormationTime",
        1,
        Some(n4),
        true,
    )?;
    let z4 = masses(&src, &g4, "PartType4", "GFM_Metallicity", n4)?;
    let (phot, _) = src.table(
        &g4,
        "PartType4",
        "GFM_StellarPhotometrics",
        8,
        Some(n4),
        false,
    )?;
    let is_star: Vec<bool> = a_form.iter().map(|&af| af > 0.0).collect();
    let n_star = is_star.iter().filter(|&&s| s).count();
    if n_star == 0 {
        return Err(TngError::NoStars {
            file: src.name.clone(),
        });
    }
    let field_af = "PartType4/GFM_StellarFormationTime";
    for (i, &af) in a_form.iter().enumerate() {
        if af > a * (1.0 + 1e-6) {
            let reason =
                format!("row {i}: formation scale factor {af} after the snapshot (a = {a})");
            return Err(src.invalid(field_af, reason));
        }
        if is_star[i] {
            for col in [4, 5] {
                let m = phot[8 * i + col];
                if !m.is_finite() {
                    let field = format!("PartType4/GFM_StellarPhotometrics[:, {col}]");
                    return Err(src.invalid(&field, format!("non-finite magnitude {m} in row {i}")));
                }
            }
        }
    }

    // Centre, in comoving file coordinates.
    let centre = match opts.centre {
        CentreSource::Catalog(c) => c,
        CentreSource::ShrinkingSphere => {
            let idx: Vec<usize> = (0..n4).filter(|&i| is_star[i]).collect();
            let pos: Vec<[f64; 3]> = idx
                .iter()
                .map(|&i| std::array::from_fn(|k| p4.pos[3 * i + k]))
                .collect();
            let m: Vec<f64> = idx.iter().map(|&i| m4[i]).collect();
            stellar_centre(&pos, &m, header.box_size).ok_or_else(|| TngError::NoStars {
                file: src.name.clone(),
            })?
        }
    };
    let conv = Conv {
        centre,
        box_size: header.box_size,
        length: a / header.hubble,
        velocity: a.sqrt(),
        mass: 1e10 / header.hubble,
    };

    let t_now = cosmic_time_gyr(a);
    let mut stars = Stars::default();
    let mut gas = Gas::default();
    let mut n_wind = 0;
    for i in 0..n4 {
        if is_star[i] {
            stars.pos.push(conv.pos(&p4.pos, i));
            stars.vel.push(conv.vel(&p4.vel, i));
            stars.mass.push(conv.mass(m4[i]));
            stars.mass_init.push(conv.mass(m4_init[i]));
            let age = (t_now - cosmic_time_gyr(a_form[i].min(a))).max(0.0);
            stars.age.push(age as f32);
            stars.metallicity.push(z4[i] as f32);
            stars
                .lum_g
                .push(lum_from_mag(phot[8 * i + 4], MSUN_G) as f32);
            stars
                .lum_r
                .push(lum_from_mag(phot[8 * i + 5], MSUN_R) as f32);
        } else if opts.gas {
            n_wind += 1;
            gas.pos.push(conv.pos(&p4.pos, i));
            gas.vel.push(conv.vel(&p4.vel, i));
            gas.mass.push(conv.mass(m4[i]));
            gas.sfr.push(0.0);
            gas.metallicity.push(z4[i] as f32);
            gas.neutral_fraction.push(0.0);
        }
    }

    // Dark matter.
    let g1 = src
        .group("PartType1")?
        .ok_or_else(|| src.missing("PartType1"))?;
    let p1 = read_phase(&src, &g1, "PartType1")?;
    let m1 = if src.has(&g1, "Masses") {
        masses(&src, &g1, "PartType1", "Masses", p1.n)?
    } else {
        let m = header.mass_dm().ok_or_else(|| {
            src.missing("PartType1/Masses and Header.MassTable[1] (or pass --mass-dm)")
        })?;
        vec![m; p1.n]
    };
    let mut dm = DarkMatter::default();
    for (i, &m) in m1.iter().enumerate() {
        dm.pos.push(conv.pos(&p1.pos, i));
        dm.vel.push(conv.vel(&p1.vel, i));
        dm.mass.push(conv.mass(m));
    }

    // Gas cells.
    if opts.gas
        && let Some(g0) = src.group("PartType0")?
    {
        let p0 = read_gas(&src, &g0, &conv)?;
        gas.pos.extend(p0.pos);
        gas.vel.extend(p0.vel);
        gas.mass.extend(p0.mass);
        gas.sfr.extend(p0.sfr);
        gas.metallicity.extend(p0.metallicity);
        gas.neutral_fraction.extend(p0.neutral_fraction);
    }

    // Black holes.
    let mut bh = BlackHoles::default();
    if opts.black_holes
        && let Some(g5) = src.group("PartType5")?
    {
        let p5 = read_phase(&src, &g5, "PartType5")?;
        let name = if src.has(&g5, "Masses") {
            "Masses"
        } else {
            "BH_Mass"
        };
        let m5 = masses(&src, &g5, "PartType5", name, p5.n)?;
        for (i, &m) in m5.iter().enumerate() {
            bh.pos.push(conv.pos(&p5.pos, i));
            bh.vel.push(conv.vel(&p5.vel, i));
            bh.mass.push(conv.mass(m));
        }
    }

    let (dust, analytic_gas) = read_extras(&src)?;
    let mut galaxy = Galaxy {
        stars,
        dm,
        gas,
        bh,
        analytic_gas,
        dust,
    };
    let v_sys_kms = remove_systemic_velocity(&mut galaxy).ok_or_else(|| TngError::NoStars {
        file: src.name.clone(),
    })?;
    Ok(Cutout {
        header,
        galaxy,
        centre_ckpc_h: centre,
        v_sys_kms,
        n_wind,
    })
}

/// Reads PartType0 in internal units.
fn read_gas(src: &Source, g0: &Group, conv: &Conv) -> Result<Gas, TngError> {
    let gname = "PartType0";
    let p0 = read_phase(src, g0, gname)?;
    let n = p0.n;
    let m0 = masses(src, g0, gname, "Masses", n)?;
    let optional = |name: &str| -> Result<Vec<f64>, TngError> {
        let v = src.optional_table(g0, gname, name, 1, Some(n), true)?;
        let v = v.unwrap_or_else(|| vec![0.0; n]);
        src.non_negative(&format!("{gname}/{name}"), &v)?;
        Ok(v)
    };
    let sfr = optional("StarFormationRate")?;
    let z = optional("GFM_Metallicity")?;
    let fn_h = optional("NeutralHydrogenAbundance")?;
    let mut gas = Gas::default();
    for i in 0..n {
        gas.pos.push(conv.pos(&p0.pos, i));
        gas.vel.push(conv.vel(&p0.vel, i));
        gas.mass.push(conv.mass(m0[i]));
        gas.sfr.push(sfr[i] as f32);
        gas.metallicity.push(z[i] as f32);
        gas.neutral_fraction.push(fn_h[i] as f32);
    }
    Ok(gas)
}
