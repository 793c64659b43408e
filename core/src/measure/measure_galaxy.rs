//! [`measure`]: every target (3.2) and feature (3.3) of the three projections of a galaxy.
//! The 3D work (radii, enclosed masses, circularities, shape) is done once per galaxy.

use super::circularity::{Decomposition, decomposition, epsilon_jcirc, lambda_z, spin_axis};
use super::dust::{Attenuated, attenuate};
use super::frame::half_mass_radius_of;
use super::kinematic::{aperture_dispersion, lambda_r};
use super::profile::MassProfile;
use super::sersic::fit_sersic;
use super::shape::axis_ratios;
use super::{
    Circularity, Features, KinWeight, MeasureError, MeasureOptions, Measurement, PhotAperture,
    ProjectionDiagnostics, ProjectionMeasurement, Targets,
};
use crate::galaxy::{Axis, Galaxy};
use crate::projection::kinematics::kinematic_grid;
use crate::projection::{Projected, project};
use crate::units::{G, MSUN_G, MSUN_R};

type Result<T> = std::result::Result<T, MeasureError>;

/// Measures all three projections (x, y, z) of `galaxy`, which must already be centred on the
/// origin with its systemic velocity removed (see [`super::frame`]).
///
/// 3D (shared by the projections): R_hsm, masses inside spheres of R_hsm and 2R_hsm (stars,
/// DM, gas particles, black holes, analytic gas), circularities of the stars inside 2R_hsm
/// (v_c from all matter), c/a of the stars (a0 = 3R_hsm). Per projection: dust attenuation,
/// photometry, projected masses, M*/L_r, SFR, Sérsic n, σ_v and λ_R.
pub fn measure(galaxy: &Galaxy, opts: &MeasureOptions) -> Result<Measurement> {
    validate(galaxy)?;
    let st = Stars3d::of(galaxy);
    let mstar_total: f64 = st.mass.iter().sum();
    positive("total stellar mass", mstar_total)?;
    let rhsm = half_mass_radius_of(&st.r3, &st.mass).ok_or(MeasureError::NotPositive {
        quantity: "total stellar mass",
        value: mstar_total,
    })?;
    positive("R_hsm", rhsm)?;
    let enclosed = Enclosed::of(galaxy, &st, rhsm);
    let decomp = circularities(galaxy, &st, rhsm, opts)?;
    let shape =
        axis_ratios(&st.pos, &st.mass, 3.0 * rhsm).ok_or_else(|| MeasureError::Undefined {
            quantity: "c/a",
            reason: "fewer than 50 star particles inside 3R_hsm".into(),
        })?;
    let shared = Shared {
        galaxy,
        st: &st,
        rhsm,
        enclosed: &enclosed,
        decomp: &decomp,
        c_over_a: shape.s,
        opts,
    };
    let (projections, diagnostics) = Axis::ALL
        .into_iter()
        .map(|axis| shared.projection(axis))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .unzip();
    Ok(Measurement {
        rhsm_kpc: rhsm,
        projections,
        diagnostics,
        v_circ_rhsm: (G * enclosed.mt1 / rhsm).sqrt(),
        shape_converged: shape.converged,
    })
}

/// The stars in f64: positions (kpc), velocities (km/s), masses (M☉) and 3D radii (kpc).
struct Stars3d {
    pos: Vec<[f64; 3]>,
    vel: Vec<[f64; 3]>,
    mass: Vec<f64>,
    r3: Vec<f64>,
}

impl Stars3d {
    fn of(galaxy: &Galaxy) -> Self {
        let s = &galaxy.stars;
        let pos: Vec<[f64; 3]> = s.pos.iter().map(|p| p.map(|x| x as f64)).collect();
        let r3 = pos
            .iter()
            .map(|p| (p[0] * p[0] + p[1] * p[1] + p[2] * p[2]).sqrt())
            .collect();
        Self {
            vel: s.vel.iter().map(|v| v.map(|x| x as f64)).collect(),
            mass: s.mass.iter().map(|&m| m as f64).collect(),
            pos,
            r3,
        }
    }

    /// Stellar mass inside the sphere of radius `rad` (kpc), M☉.
    fn inside(&self, rad: f64) -> f64 {
        self.r3
            .iter()
            .zip(&self.mass)
            .filter(|(r, _)| **r < rad)
            .map(|(_, m)| m)
            .sum()
    }
}

/// Masses (M☉) inside spheres of R_hsm (…1) and 2R_hsm (…2): stars, dark matter, all matter
/// (stars, DM, gas particles, black holes, analytic gas).
struct Enclosed {
    ms1: f64,
    ms2: f64,
    md1: f64,
    mt1: f64,
    mt2: f64,
}

impl Enclosed {
    fn of(galaxy: &Galaxy, st: &Stars3d, rhsm: f64) -> Self {
        let inside = |pos: &[[f32; 3]], m: &[f32], rad: f64| -> f64 {
            pos.iter()
                .zip(m)
                .filter(|(p, _)| super::frame::radius_f32(p) < rad)
                .map(|(_, &m)| m as f64)
                .sum()
        };
        let others = |rad: f64| {
            inside(&galaxy.gas.pos, &galaxy.gas.mass, rad)
                + inside(&galaxy.bh.pos, &galaxy.bh.mass, rad)
                + galaxy
                    .analytic_gas
                    .as_ref()
                    .map_or(0.0, |g| g.enclosed(rad))
        };
        let (ms1, ms2) = (st.inside(rhsm), st.inside(2.0 * rhsm));
        let md1 = inside(&galaxy.dm.pos, &galaxy.dm.mass, rhsm);
        let md2 = inside(&galaxy.dm.pos, &galaxy.dm.mass, 2.0 * rhsm);
        Self {
            ms1,
            ms2,
            md1,
            mt1: ms1 + md1 + others(rhsm),
            mt2: ms2 + md2 + others(2.0 * rhsm),
        }
    }
}

/// B/T, f_cold and f_hot from the circularities of the stars inside 2R_hsm (v_c from all
/// matter; 3.3).
fn circularities(
    galaxy: &Galaxy,
    st: &Stars3d,
    rhsm: f64,
    opts: &MeasureOptions,
) -> Result<Decomposition> {
    let profile = MassProfile::from_galaxy(galaxy);
    let spin = spin_axis(&st.pos, &st.vel, &st.mass, 2.0 * rhsm).unwrap_or([0.0, 0.0, 1.0]);
    let (mut circ, mut circ_m) = (Vec::new(), Vec::new());
    for i in 0..st.pos.len() {
        if st.r3[i] >= 2.0 * rhsm {
            continue;
        }
        let (p, v) = (st.pos[i], st.vel[i]);
        let c = match opts.circularity {
            Circularity::LambdaZ => Some(lambda_z(p, v, spin, profile.v_circ(st.r3[i]))),
            Circularity::JcircE => epsilon_jcirc(&profile, p, v, spin),
        };
        if let Some(c) = c {
            circ.push(c);
            circ_m.push(st.mass[i]);
        }
    }
    decomposition(&circ, &circ_m).ok_or_else(|| MeasureError::Undefined {
        quantity: "circularity (B/T, f_cold, f_hot)",
        reason: "no bound stellar mass inside 2R_hsm".into(),
    })
}

/// Sums over the stars of one projection: luminosities of the photometric aperture (L☉),
/// projected stellar masses (M☉) and light inside R_hsm and 2R_hsm, the mass formed in the
/// last Gyr inside projected 2R_hsm.
#[derive(Default)]
struct Sums {
    lg: f64,
    lr: f64,
    m2d1: f64,
    m2d2: f64,
    l2d1: f64,
    sfr_mass: f64,
}

/// What every projection reads: the galaxy, its 3D measurements and the options.
struct Shared<'a> {
    galaxy: &'a Galaxy,
    st: &'a Stars3d,
    rhsm: f64,
    enclosed: &'a Enclosed,
    decomp: &'a Decomposition,
    c_over_a: f64,
    opts: &'a MeasureOptions,
}

impl Shared<'_> {
    /// Targets, features and diagnostics of the projection along `axis`.
    fn projection(&self, axis: Axis) -> Result<(ProjectionMeasurement, ProjectionDiagnostics)> {
        let (s, rhsm, e) = (&self.galaxy.stars, self.rhsm, self.enclosed);
        let att = attenuate(self.galaxy, axis);
        let pr = project(&s.pos, &s.vel, axis);
        let rp: Vec<f64> = (0..s.pos.len()).map(|i| pr.radius(i)).collect();
        let sums = self.sums(&att, &pr, &rp);
        positive("r-band luminosity of the photometric aperture", sums.lr)?;
        positive("g-band luminosity of the photometric aperture", sums.lg)?;
        positive("projected r-band luminosity inside R_hsm", sums.l2d1)?;
        let (n_min, n_max) = self.opts.sersic_bounds();
        let fit = fit_sersic(&rp, &att.lum_r, rhsm, n_min, n_max).ok_or_else(|| {
            MeasureError::Undefined {
                quantity: "Sérsic n",
                reason: "fewer than 3 radial bins with ≥ 10 particles".into(),
            }
        })?;
        let kin = self.kinematics(&att, &pr, &rp)?;
        let targets = Targets {
            mstar: log10_pos("M*(<R_hsm)", e.ms1)?,
            mtot: log10_pos("M_tot(<R_hsm)", e.mt1)?,
            mdm: log10_pos("M_DM(<R_hsm)", e.md1)?,
            fstar: log10_pos("f* = M*/M_tot (<R_hsm)", e.ms1 / e.mt1)?,
            fdm: log10_pos("f_DM = M_DM/M_tot (<R_hsm)", e.md1 / e.mt1)?,
            ml_r: log10_pos("M*/L_r (projected, <R_hsm)", sums.m2d1 / sums.l2d1)?,
            mstar_2d: log10_pos("M*^2D(<R_hsm)", sums.m2d1)?,
            mstar_2r: log10_pos("M*(<2R_hsm)", e.ms2)?,
            mtot_2r: log10_pos("M_tot(<2R_hsm)", e.mt2)?,
            mstar_2d_2r: log10_pos("M*^2D(<2R_hsm)", sums.m2d2)?,
        };
        let features = Features {
            mr: MSUN_R - 2.5 * sums.lr.log10(),
            g_r: -2.5 * (sums.lg / sums.lr).log10() + (MSUN_G - MSUN_R),
            sfr: sums.sfr_mass / 1e9,
            n_ser: fit.n,
            c_over_a: self.c_over_a,
            sigma_v: kin.sigma_v,
            lambda_r: kin.lambda_r,
            bt: self.decomp.bt,
            f_cold: self.decomp.f_cold,
            f_hot: self.decomp.f_hot,
        };
        check_features(&features)?;
        let diagnostics = ProjectionDiagnostics {
            v_mean_los: kin.v_mean_los,
            sersic_re_kpc: fit.r_e,
            sersic_n_at_bound: fit.n_at_bound,
            lambda_r_uncorrected: kin.lambda_r_uncorrected,
            lambda_r_pixels: kin.lambda_r_pixels,
        };
        let m = ProjectionMeasurement {
            axis,
            targets,
            features,
        };
        Ok((m, diagnostics))
    }

    /// The photometric and projected-mass sums of one projection (3.2, 3.3).
    fn sums(&self, att: &Attenuated, pr: &Projected, rp: &[f64]) -> Sums {
        let (s, rhsm) = (&self.galaxy.stars, self.rhsm);
        let field = 3.0 * rhsm;
        let mut t = Sums::default();
        for (i, &r) in rp.iter().enumerate() {
            let in_ap = match self.opts.phot_aperture {
                PhotAperture::All => true,
                PhotAperture::Field => pr.u[i].abs() < field && pr.w[i].abs() < field,
            };
            if in_ap {
                t.lg += att.lum_g[i];
                t.lr += att.lum_r[i];
            }
            if r < rhsm {
                t.m2d1 += self.st.mass[i];
                t.l2d1 += att.lum_r[i];
            }
            if r < 2.0 * rhsm {
                t.m2d2 += self.st.mass[i];
                if (s.age[i] as f64) < 1.0 {
                    t.sfr_mass += s.mass_init[i] as f64;
                }
            }
        }
        t
    }

    /// σ_v and λ_R of one projection (3.3), with the diagnostics beside them.
    fn kinematics(&self, att: &Attenuated, pr: &Projected, rp: &[f64]) -> Result<Kinematics> {
        let rhsm = self.rhsm;
        let weight: &[f64] = match self.opts.kin_weight {
            KinWeight::Luminosity => &att.lum_r,
            KinWeight::Mass => &self.st.mass,
        };
        let (vbar, sigma_v) =
            aperture_dispersion(&pr.v_los, weight, rp, 2.0 * rhsm).ok_or_else(|| {
                MeasureError::Undefined {
                    quantity: "σ_v",
                    reason: "no kinematic weight inside projected 2R_hsm".into(),
                }
            })?;
        let grid = kinematic_grid(&pr.u, &pr.w, &pr.v_los, weight, &att.lum_r, vbar, rhsm);
        let lam = lambda_r(&grid, 2.0 * rhsm, true).ok_or_else(|| MeasureError::Undefined {
            quantity: "λ_R",
            reason: "no kinematic pixel inside 2R_hsm with N ≥ 10 and N_eff ≥ 3".into(),
        })?;
        let n_pix = (0..grid.size * grid.size)
            .filter(|&k| {
                let (cu, cw) = grid.pixel_centre(k);
                grid.n[k] >= super::kinematic::LAMBDA_MIN_N
                    && grid.n_eff(k) >= super::kinematic::LAMBDA_MIN_NEFF
                    && cu.hypot(cw) < 2.0 * rhsm
            })
            .count();
        Ok(Kinematics {
            v_mean_los: vbar,
            sigma_v,
            lambda_r: lam,
            lambda_r_uncorrected: lambda_r(&grid, 2.0 * rhsm, false).unwrap_or(lam),
            lambda_r_pixels: n_pix,
        })
    }
}

/// The kinematic measurements of one projection.
struct Kinematics {
    v_mean_los: f64,
    sigma_v: f64,
    lambda_r: f64,
    lambda_r_uncorrected: f64,
    lambda_r_pixels: usize,
}

fn positive(quantity: &'static str, value: f64) -> Result<()> {
    if !value.is_finite() {
        Err(MeasureError::NonFinite { quantity, value })
    } else if !(value > 0.0) {
        Err(MeasureError::NotPositive { quantity, value })
    } else {
        Ok(())
    }
}

fn log10_pos(quantity: &'static str, value: f64) -> Result<f64> {
    positive(quantity, value)?;
    Ok(value.log10())
}

fn check_features(f: &Features) -> Result<()> {
    let all = [
        ("M_r", f.mr),
        ("g−r", f.g_r),
        ("SFR", f.sfr),
        ("Sérsic n", f.n_ser),
        ("c/a", f.c_over_a),
        ("σ_v", f.sigma_v),
        ("λ_R", f.lambda_r),
        ("B/T", f.bt),
        ("f_cold", f.f_cold),
        ("f_hot", f.f_hot),
    ];
    for (quantity, value) in all {
        if !value.is_finite() {
            return Err(MeasureError::NonFinite { quantity, value });
        }
    }
    Ok(())
}

/// Checks array lengths and that every particle value is finite.
fn validate(g: &Galaxy) -> Result<()> {
    let s = &g.stars;
    let n = s.pos.len();
    if n == 0 {
        return Err(MeasureError::NoStars);
    }
    let len = |quantity: &'static str, len: usize, expected: usize| {
        if len == expected {
            Ok(())
        } else {
            Err(MeasureError::LengthMismatch {
                quantity,
                len,
                expected,
            })
        }
    };
    len("star velocities", s.vel.len(), n)?;
    len("star masses", s.mass.len(), n)?;
    len("star initial masses", s.mass_init.len(), n)?;
    len("star ages", s.age.len(), n)?;
    len("star g luminosities", s.lum_g.len(), n)?;
    len("star r luminosities", s.lum_r.len(), n)?;
    len("DM velocities", g.dm.vel.len(), g.dm.pos.len())?;
    len("DM masses", g.dm.mass.len(), g.dm.pos.len())?;
    len("gas masses", g.gas.mass.len(), g.gas.pos.len())?;
    len("black-hole masses", g.bh.mass.len(), g.bh.pos.len())?;
    let vec3 = |quantity: &'static str, a: &[[f32; 3]]| match a
        .iter()
        .flatten()
        .find(|x| !x.is_finite())
    {
        Some(&x) => Err(MeasureError::NonFinite {
            quantity,
            value: x as f64,
        }),
        None => Ok(()),
    };
    let scal = |quantity: &'static str, a: &[f32]| match a.iter().find(|x| !x.is_finite()) {
        Some(&x) => Err(MeasureError::NonFinite {
            quantity,
            value: x as f64,
        }),
        None => Ok(()),
    };
    vec3("star position", &s.pos)?;
    vec3("star velocity", &s.vel)?;
    scal("star mass", &s.mass)?;
    scal("star initial mass", &s.mass_init)?;
    scal("star age", &s.age)?;
    scal("star g luminosity", &s.lum_g)?;
    scal("star r luminosity", &s.lum_r)?;
    vec3("DM position", &g.dm.pos)?;
    vec3("DM velocity", &g.dm.vel)?;
    scal("DM mass", &g.dm.mass)?;
    vec3("gas position", &g.gas.pos)?;
    scal("gas mass", &g.gas.mass)?;
    vec3("black-hole position", &g.bh.pos)?;
    scal("black-hole mass", &g.bh.mass)?;
    if let Some(m) = s.mass.iter().find(|&&m| m < 0.0) {
        return Err(MeasureError::NotPositive {
            quantity: "star mass",
            value: *m as f64,
        });
    }
    Ok(())
}
