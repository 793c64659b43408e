//! Reader of TNG snapshot cutouts (galaxy-model.md 5.1–5.3) into a centred
//! [`galmass_core::galaxy::Galaxy`] in kpc, km/s and M☉.
//!
//! Conversions (5.2): Δ = x − x_c wrapped periodically, r = Δ·a/h (kpc); v = V·√a (km/s);
//! m = M·1e10/h (M☉); ages t(a) − t(a_f) (Gyr); L = 10^{−0.4(M − M☉)} from the g (column 4)
//! and r (column 5) absolute AB magnitudes of `GFM_StellarPhotometrics`. Wind-phase cells
//! (`GFM_StellarFormationTime` ≤ 0, 5.3) are no stars: their mass is added to the gas.
//! Gas temperatures T = 80.8 μ u from `InternalEnergy` and `ElectronAbundance` (5.4); dust
//! from the cold-gas column in front of each star (5.4, [`TngDust::GasColumn`]) unless the
//! file is a written mock that carries its own dust model ([`super::extras`]).

use std::path::Path;

use galmass_core::galaxy::{BlackHoles, ColumnDust, DarkMatter, Dust, Galaxy, Gas, Stars};
use galmass_core::measure::dust::column::gas_temperature_k;
use galmass_core::units::{MSUN_G, MSUN_R, cosmic_time_gyr, lum_from_mag};
use hdf5::Group;

use galmass_core::measure::remove_systemic_velocity;

use super::centre::{CentreSource, stellar_centre, wrap};
use super::error::TngError;
use super::extras::read_extras;
use super::h5::Source;
use super::header::{Header, HeaderOverrides};

/// Dust of a cutout that does not carry its own dust model (real TNG cutouts).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TngDust {
    /// The cold-gas column in front of each star (galaxy-model.md 5.4): cells of 0.25 R_hsm,
    /// f_d = 0.4, birth clouds τ_BC = 1 around stars younger than 10 Myr. Default.
    #[default]
    GasColumn,
    /// No dust: attenuated luminosities equal the catalogue's dust-free photometry.
    None,
}

impl TngDust {
    /// Name as the dataset and the CLI spell it (`gas-column`, `none`).
    pub fn name(self) -> &'static str {
        match self {
            TngDust::GasColumn => "gas-column",
            TngDust::None => "none",
        }
    }
}

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
    /// Dust of a cutout without its own dust model (default: the gas column, 5.4).
    pub dust: TngDust,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            centre: CentreSource::default(),
            header: HeaderOverrides::default(),
            gas: true,
            black_holes: true,
            dust: TngDust::default(),
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
    let t4 = Type4::read(&src, a)?;
    // Centre, in comoving file coordinates.
    let centre = match opts.centre {
        CentreSource::Catalog(c) => c,
        CentreSource::ShrinkingSphere => {
            t4.stellar_centre(header.box_size)
                .ok_or_else(|| TngError::NoStars {
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
    let (stars, mut gas, n_wind) = t4.split(&conv, a, opts.gas);
    let dm = read_dark_matter(&src, &header, &conv)?;
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
        gas.temperature_k.extend(p0.temperature_k);
    }
    let bh = if opts.black_holes {
        read_black_holes(&src, &conv)?
    } else {
        BlackHoles::default()
    };
    let (own_dust, analytic_gas) = read_extras(&src)?;
    let dust = match (own_dust, opts.dust) {
        (Some(d), _) => d,
        (None, TngDust::None) => Dust::None,
        (None, TngDust::GasColumn) => {
            ColumnDust::for_stars(&stars).map_or(Dust::None, Dust::GasColumn)
        }
    };
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

/// PartType4 as stored: stars (formation scale factor > 0) and wind cells (≤ 0), internal
/// units, with the 8 photometric magnitudes per row.
struct Type4 {
    phase: Phase,
    mass: Vec<f64>,
    mass_init: Vec<f64>,
    a_form: Vec<f64>,
    metallicity: Vec<f64>,
    phot: Vec<f64>,
    is_star: Vec<bool>,
}

impl Type4 {
    /// Reads and checks PartType4 of a snapshot at scale factor `a`: at least one star, no
    /// star formed after the snapshot, finite g and r magnitudes.
    fn read(src: &Source, a: f64) -> Result<Self, TngError> {
        let g4 = src
            .group("PartType4")?
            .ok_or_else(|| src.missing("PartType4"))?;
        let phase = read_phase(src, &g4, "PartType4")?;
        let n4 = phase.n;
        let mass = masses(src, &g4, "PartType4", "Masses", n4)?;
        let mass_init = masses(src, &g4, "PartType4", "GFM_InitialMass", n4)?;
        let formation = "GFM_StellarFormationTime";
        let (a_form, _) = src.table(&g4, "PartType4", formation, 1, Some(n4), true)?;
        let metallicity = masses(src, &g4, "PartType4", "GFM_Metallicity", n4)?;
        let photometrics = "GFM_StellarPhotometrics";
        let (phot, _) = src.table(&g4, "PartType4", photometrics, 8, Some(n4), false)?;
        let is_star: Vec<bool> = a_form.iter().map(|&af| af > 0.0).collect();
        if !is_star.contains(&true) {
            return Err(TngError::NoStars {
                file: src.name.clone(),
            });
        }
        for (i, &af) in a_form.iter().enumerate() {
            if af > a * (1.0 + 1e-6) {
                let reason =
                    format!("row {i}: formation scale factor {af} after the snapshot (a = {a})");
                return Err(src.invalid("PartType4/GFM_StellarFormationTime", reason));
            }
            if is_star[i] {
                for col in [4, 5] {
                    let m = phot[8 * i + col];
                    if !m.is_finite() {
                        let field = format!("PartType4/GFM_StellarPhotometrics[:, {col}]");
                        let reason = format!("non-finite magnitude {m} in row {i}");
                        return Err(src.invalid(&field, reason));
                    }
                }
            }
        }
        Ok(Self {
            phase,
            mass,
            mass_init,
            a_form,
            metallicity,
            phot,
            is_star,
        })
    }

    /// The shrinking-sphere centre of the stars (comoving file coordinates).
    fn stellar_centre(&self, box_size: f64) -> Option<[f64; 3]> {
        let idx: Vec<usize> = (0..self.phase.n).filter(|&i| self.is_star[i]).collect();
        let pos: Vec<[f64; 3]> = idx
            .iter()
            .map(|&i| std::array::from_fn(|k| self.phase.pos[3 * i + k]))
            .collect();
        let m: Vec<f64> = idx.iter().map(|&i| self.mass[i]).collect();
        stellar_centre(&pos, &m, box_size)
    }

    /// The stars in physical units (ages from the formation scale factor, luminosities from
    /// the g and r magnitudes) and, with `gas`, the wind cells as gas without star formation
    /// or neutral hydrogen; also how many wind cells there were.
    fn split(&self, conv: &Conv, a: f64, gas: bool) -> (Stars, Gas, usize) {
        let (p4, phot) = (&self.phase, &self.phot);
        let t_now = cosmic_time_gyr(a);
        let mut stars = Stars::default();
        let mut wind = Gas::default();
        let mut n_wind = 0;
        for i in 0..p4.n {
            if self.is_star[i] {
                stars.pos.push(conv.pos(&p4.pos, i));
                stars.vel.push(conv.vel(&p4.vel, i));
                stars.mass.push(conv.mass(self.mass[i]));
                stars.mass_init.push(conv.mass(self.mass_init[i]));
                let age = (t_now - cosmic_time_gyr(self.a_form[i].min(a))).max(0.0);
                stars.age.push(age as f32);
                stars.metallicity.push(self.metallicity[i] as f32);
                stars
                    .lum_g
                    .push(lum_from_mag(phot[8 * i + 4], MSUN_G) as f32);
                stars
                    .lum_r
                    .push(lum_from_mag(phot[8 * i + 5], MSUN_R) as f32);
            } else if gas {
                n_wind += 1;
                wind.pos.push(conv.pos(&p4.pos, i));
                wind.vel.push(conv.vel(&p4.vel, i));
                wind.mass.push(conv.mass(self.mass[i]));
                wind.sfr.push(0.0);
                wind.metallicity.push(self.metallicity[i] as f32);
                wind.neutral_fraction.push(0.0);
                // TNG stores no temperature for wind particles (decoupled outflow); with no
                // neutral hydrogen they carry no dust either way.
                wind.temperature_k.push(f32::NAN);
            }
        }
        (stars, wind, n_wind)
    }
}

/// PartType1 in physical units; the particle mass from `PartType1/Masses` or, as TNG stores
/// it, `Header.MassTable[1]` (or `--mass-dm`).
fn read_dark_matter(src: &Source, header: &Header, conv: &Conv) -> Result<DarkMatter, TngError> {
    let g1 = src
        .group("PartType1")?
        .ok_or_else(|| src.missing("PartType1"))?;
    let p1 = read_phase(src, &g1, "PartType1")?;
    let m1 = if src.has(&g1, "Masses") {
        masses(src, &g1, "PartType1", "Masses", p1.n)?
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
    Ok(dm)
}

/// PartType5 in physical units when present (`Masses`, else `BH_Mass`).
fn read_black_holes(src: &Source, conv: &Conv) -> Result<BlackHoles, TngError> {
    let mut bh = BlackHoles::default();
    let Some(g5) = src.group("PartType5")? else {
        return Ok(bh);
    };
    let p5 = read_phase(src, &g5, "PartType5")?;
    let name = if src.has(&g5, "Masses") {
        "Masses"
    } else {
        "BH_Mass"
    };
    let m5 = masses(src, &g5, "PartType5", name, p5.n)?;
    for (i, &m) in m5.iter().enumerate() {
        bh.pos.push(conv.pos(&p5.pos, i));
        bh.vel.push(conv.vel(&p5.vel, i));
        bh.mass.push(conv.mass(m));
    }
    Ok(bh)
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
    let temperature = read_temperatures(src, g0, n)?;
    let mut gas = Gas::default();
    for i in 0..n {
        gas.pos.push(conv.pos(&p0.pos, i));
        gas.vel.push(conv.vel(&p0.vel, i));
        gas.mass.push(conv.mass(m0[i]));
        gas.sfr.push(sfr[i] as f32);
        gas.metallicity.push(z[i] as f32);
        gas.neutral_fraction.push(fn_h[i] as f32);
        gas.temperature_k.push(temperature[i] as f32);
    }
    Ok(gas)
}

/// Gas temperatures in K from `InternalEnergy` [(km/s)²] and `ElectronAbundance` (5.4); NaN
/// without `InternalEnergy` (then only `NeutralHydrogenAbundance` decides which gas is cold);
/// without `ElectronAbundance`, x_e = 1.158 (hydrogen and helium fully ionised).
fn read_temperatures(src: &Source, g0: &Group, n: usize) -> Result<Vec<f64>, TngError> {
    let gname = "PartType0";
    let Some(u) = src.optional_table(g0, gname, "InternalEnergy", 1, Some(n), true)? else {
        return Ok(vec![f64::NAN; n]);
    };
    src.non_negative(&format!("{gname}/InternalEnergy"), &u)?;
    let x_e = src
        .optional_table(g0, gname, "ElectronAbundance", 1, Some(n), true)?
        .unwrap_or_else(|| vec![FULLY_IONISED_X_E; n]);
    src.non_negative(&format!("{gname}/ElectronAbundance"), &x_e)?;
    Ok(u.iter()
        .zip(&x_e)
        .map(|(&u, &x)| gas_temperature_k(u, x))
        .collect())
}

/// n_e/n_H of fully ionised gas with X_H = 0.76: 1 + 2 (Y/4)/X_H = 1.158.
const FULLY_IONISED_X_E: f64 = 1.0 + 2.0 * (0.24 / 4.0) / 0.76;
