//! Helpers shared by the integration tests: deterministic hand-built galaxies and hand-made
//! HDF5 cutouts.
#![allow(dead_code, clippy::needless_range_loop)]

use std::path::Path;
use std::process::{Command, Output};

use galmass_core::galaxy::{
    AnalyticGas, BlackHoles, DarkMatter, Dust, Galaxy, Gas, SlabDust, Stars,
};

/// Small mocks so the end-to-end tests stay fast.
pub const SMALL: [&str; 6] = ["--n-star", "2000", "--n-dm", "2000", "--n-gas", "400"];

/// The dataset targets of the contract (docs/contracts/dataset.md), written out independently
/// of the code's own list so a schema change fails the tests.
pub const TARGETS: [&str; 10] = [
    "mstar",
    "mtot",
    "mdm",
    "fstar",
    "fdm",
    "ml_r",
    "mstar_2d",
    "mstar_2r",
    "mtot_2r",
    "mstar_2d_2r",
];

/// The dataset features of the contract (Table 1), in column order.
pub const FEATURES: [&str; 10] = [
    "mr", "g_r", "sfr", "n_ser", "c_over_a", "sigma_v", "lambda_r", "bt", "f_cold", "f_hot",
];

/// Runs the galmass binary. Without HDF5 file locking: a child forked by one test thread
/// inherits the descriptors (and flock locks) of files another thread has open.
pub fn galmass(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_galmass"))
        .args(args)
        .env("HDF5_USE_FILE_LOCKING", "FALSE")
        .output()
        .unwrap()
}

/// Runs galmass, asserts success and returns its stdout.
pub fn ok(args: &[&str]) -> String {
    let o = galmass(args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Runs galmass and asserts exit status 2, no panic, and a message naming each of `names`.
pub fn exit2(args: &[&str], names: &[&str]) {
    let o = galmass(args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    for n in names {
        assert!(err.contains(n), "{args:?}: stderr should name {n}: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

/// Deterministic pseudo-random numbers in [0, 1) (SplitMix64), so tests need no RNG crate.
pub struct Seq(pub u64);

impl Seq {
    pub fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn range(&mut self, lo: f64, hi: f64) -> f32 {
        (lo + (hi - lo) * self.next()) as f32
    }
    pub fn vec3(&mut self, scale: f64) -> [f32; 3] {
        [0, 1, 2].map(|_| self.range(-scale, scale))
    }
}

/// A hand-built galaxy with every particle type, a dust slab and an analytic gas profile.
/// Positions reach ±300 kpc so they wrap around a box face when centred near it.
pub fn hand_built_galaxy() -> Galaxy {
    let mut s = Seq(7);
    let n = 400;
    let stars = Stars {
        pos: (0..n)
            .map(|i| s.vec3(if i < 300 { 5.0 } else { 300.0 }))
            .collect(),
        vel: (0..n).map(|_| s.vec3(250.0)).collect(),
        mass: (0..n).map(|_| s.range(1e5, 3e6)).collect(),
        mass_init: (0..n).map(|_| s.range(3e6, 6e6)).collect(),
        age: (0..n)
            .map(|i| if i == 0 { 0.0005 } else { s.range(0.001, 13.5) })
            .collect(),
        metallicity: (0..n).map(|_| s.range(1e-4, 0.04)).collect(),
        lum_g: (0..n).map(|_| s.range(1e4, 1e7)).collect(),
        lum_r: (0..n).map(|_| s.range(1e4, 1e7)).collect(),
    };
    let nd = 500;
    let dm = DarkMatter {
        pos: (0..nd).map(|_| s.vec3(300.0)).collect(),
        vel: (0..nd).map(|_| s.vec3(400.0)).collect(),
        mass: (0..nd).map(|_| s.range(1e6, 1e9)).collect(),
    };
    let ng = 80;
    let gas = Gas {
        pos: (0..ng).map(|_| s.vec3(30.0)).collect(),
        vel: (0..ng).map(|_| s.vec3(200.0)).collect(),
        mass: (0..ng).map(|_| s.range(1e5, 1e7)).collect(),
        sfr: (0..ng).map(|_| s.range(0.0, 0.1)).collect(),
        metallicity: (0..ng).map(|_| s.range(0.001, 0.03)).collect(),
        neutral_fraction: (0..ng).map(|_| s.range(0.0, 1.0)).collect(),
        temperature_k: (0..ng).map(|_| s.range(5e3, 1e6)).collect(),
    };
    let bh = BlackHoles {
        pos: vec![[0.01, -0.02, 0.0]],
        vel: vec![[3.0, 1.0, -2.0]],
        mass: vec![1.3e8],
    };
    let dust = Dust::AnalyticSlab(SlabDust {
        rotation: [[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]],
        sigma_g0: 3.2e7,
        r_g: 6.5,
        r_m: 1.5,
        z_g: 0.3,
        zg_rel: 1.1,
        f_d: 0.4,
    });
    let analytic_gas = Some(AnalyticGas {
        r_kpc: vec![0.5, 1.0, 10.0],
        mass_enclosed: vec![1e7, 5e7, 2e9],
    });
    Galaxy {
        stars,
        dm,
        gas,
        bh,
        analytic_gas,
        dust,
    }
}

/// Writes an f64 dataset of `shape` under `group`.
pub fn dataset_f64(g: &hdf5::Group, name: &str, v: &[f64], shape: &[usize]) {
    g.new_dataset::<f64>()
        .shape(shape)
        .create(name)
        .unwrap()
        .write_raw(v)
        .unwrap();
}

/// Writes an f32 dataset of `shape` under `group`.
pub fn dataset_f32(g: &hdf5::Group, name: &str, v: &[f32], shape: &[usize]) {
    g.new_dataset::<f32>()
        .shape(shape)
        .create(name)
        .unwrap()
        .write_raw(v)
        .unwrap();
}

/// Writes a scalar f64 attribute.
pub fn attr_scalar(g: &hdf5::Group, name: &str, v: f64) {
    g.new_attr::<f64>()
        .create(name)
        .unwrap()
        .write_scalar(&v)
        .unwrap();
}

/// Description of a hand-made TNG-like cutout (file units: ckpc/h, km/s √a, 1e10 M☉/h).
pub struct HandCutout {
    /// Scale factor.
    pub a: f64,
    /// Hubble parameter.
    pub h: f64,
    /// Box side, ckpc/h.
    pub box_size: f64,
    /// Galaxy centre, ckpc/h.
    pub centre: [f64; 3],
    /// Bulk (systemic) peculiar velocity of everything, km/s.
    pub bulk: [f64; 3],
    /// DM particle mass in MassTable[1], 1e10 M☉/h.
    pub m_dm: f64,
}

impl Default for HandCutout {
    fn default() -> Self {
        Self {
            a: 0.8,
            h: 0.7,
            box_size: 10_000.0,
            centre: [9_999.0, 0.5, 100.0],
            bulk: [120.0, -60.0, 35.0],
            m_dm: 0.0005,
        }
    }
}

/// Offsets (ckpc/h) of the 2·12 stars: symmetric pairs ±d, so shrinking spheres find the
/// centre exactly and the mass-weighted mean velocity of each pair is the bulk velocity.
pub fn star_offsets() -> Vec<[f64; 3]> {
    let mut s = Seq(11);
    let half: Vec<[f64; 3]> = (0..12)
        .map(|_| [0, 1, 2].map(|_| 8.0 * (s.next() - 0.5)))
        .collect();
    half.iter().flat_map(|d| [*d, d.map(|x| -x)]).collect()
}

/// Writes the hand-made cutout: 24 stars (pairs with velocities bulk ± u), 3 wind cells
/// (a_f = 0 and −0.3, −1), 10 DM particles without a Masses dataset (MassTable only), no
/// gas group. Star masses 0.01 (1e10 M☉/h), wind masses 0.002 each; star magnitudes
/// M_g = 5.11 − 2.5·8 and M_r = 4.65 − 2.5·8 (L = 1e8 L☉); a_f = 0.5 for every star.
/// `skip` names one field to leave out; `tamper` may modify (group, name, values) before
/// writing.
pub fn write_hand_cutout(
    path: &Path,
    c: &HandCutout,
    skip: &str,
    tamper: &dyn Fn(&str, &mut Vec<f64>),
) {
    let f = hdf5::File::create(path).unwrap();
    let hdr = f.create_group("Header").unwrap();
    for (name, v) in [
        ("Time", c.a),
        ("HubbleParam", c.h),
        ("BoxSize", c.box_size),
        ("Redshift", 1.0 / c.a - 1.0),
    ] {
        if skip != format!("Header.{name}") {
            attr_scalar(&hdr, name, v);
        }
    }
    if skip != "Header.MassTable" {
        let mt = [0.0, c.m_dm, 0.0, 0.0, 0.0, 0.0];
        hdr.new_attr::<f64>()
            .shape(6)
            .create("MassTable")
            .unwrap()
            .write_raw(&mt[..])
            .unwrap();
    }
    let wrap = |x: f64| x.rem_euclid(c.box_size);
    let sqrt_a = c.a.sqrt();
    let stars = star_offsets();
    let mut s = Seq(5);
    let mut pos = Vec::new();
    let mut vel = Vec::new();
    let mut u = [0.0; 3];
    for (i, d) in stars.iter().enumerate() {
        // Pairs: star 2j moves with bulk + u_j, star 2j+1 with bulk − u_j.
        let sign = if i % 2 == 0 {
            u = [0, 1, 2].map(|_| 200.0 * (s.next() - 0.5));
            1.0
        } else {
            -1.0
        };
        for k in 0..3 {
            pos.push(wrap(c.centre[k] + d[k]));
            vel.push((c.bulk[k] + sign * u[k]) / sqrt_a);
        }
    }
    let winds = [[1.0, 0.0, 0.0], [0.0, -2.0, 0.5], [3.0, 3.0, -3.0]];
    for w in winds {
        for k in 0..3 {
            pos.push(wrap(c.centre[k] + w[k]));
            vel.push(c.bulk[k] / sqrt_a);
        }
    }
    let n4 = stars.len() + winds.len();
    let mut cols: Vec<(&str, Vec<f64>, Vec<usize>)> = vec![
        ("Coordinates", pos, vec![n4, 3]),
        ("Velocities", vel, vec![n4, 3]),
        (
            "Masses",
            (0..n4)
                .map(|i| if i < stars.len() { 0.01 } else { 0.002 })
                .collect(),
            vec![n4],
        ),
        ("GFM_InitialMass", vec![0.015; n4], vec![n4]),
        (
            "GFM_StellarFormationTime",
            (0..n4).map(|i| a_form(i, stars.len())).collect(),
            vec![n4],
        ),
        ("GFM_Metallicity", vec![0.02; n4], vec![n4]),
        (
            "GFM_StellarPhotometrics",
            (0..n4)
                .flat_map(|_| [-1.0, -1.0, -1.0, -1.0, 5.11 - 20.0, 4.65 - 20.0, -1.0, -1.0])
                .collect(),
            vec![n4, 8],
        ),
    ];
    let g4 = f.create_group("PartType4").unwrap();
    for (name, v, shape) in cols.iter_mut() {
        if skip == format!("PartType4/{name}") {
            continue;
        }
        tamper(&format!("PartType4/{name}"), v);
        let shape = if v.len() == shape.iter().product::<usize>() {
            shape.clone()
        } else {
            vec![v.len()]
        };
        dataset_f64(&g4, name, v, &shape);
    }
    let g1 = f.create_group("PartType1").unwrap();
    let mut dpos = Vec::new();
    let mut dvel = Vec::new();
    for i in 0..10 {
        let d = [i as f64 - 4.5, 0.3 * i as f64, -1.0];
        for k in 0..3 {
            dpos.push(wrap(c.centre[k] + d[k]));
            dvel.push(c.bulk[k] / sqrt_a);
        }
    }
    for (name, mut v) in [("Coordinates", dpos), ("Velocities", dvel)] {
        if skip == format!("PartType1/{name}") {
            continue;
        }
        tamper(&format!("PartType1/{name}"), &mut v);
        dataset_f64(&g1, name, &v, &[v.len() / 3, 3]);
    }
}

/// Formation scale factor of entry `i` of the hand-made cutout: 0.5 for the `n_star` stars,
/// then 0, −0.3, −1 for the wind cells.
pub fn a_form(i: usize, n_star: usize) -> f64 {
    if i < n_star {
        0.5
    } else {
        [0.0, -0.3, -1.0][i - n_star]
    }
}

/// |a − b| within `rel` of the larger magnitude, plus `abs`.
pub fn close(a: f64, b: f64, rel: f64, abs: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()) + abs
}

/// f32 precision after two roundings (write and read).
pub const F32_REL: f64 = 2.5e-7;

/// Asserts that `got` (read back, systemic velocity `vsys` removed) holds the particles of
/// `galaxy` to f32 precision: positions, velocities (+ v_sys), masses, ages, metallicities,
/// luminosities, gas properties.
pub fn assert_same_particles(galaxy: &Galaxy, got: &Galaxy, vsys: [f64; 3]) {
    let vscale = vsys.iter().map(|v| v.abs()).fold(0.0, f64::max);

    let check_pos = |w: &[[f32; 3]], g: &[[f32; 3]], what: &str| {
        assert_eq!(w.len(), g.len(), "{what}");
        for (p, q) in w.iter().zip(g) {
            for k in 0..3 {
                assert!(
                    close(p[k] as f64, q[k] as f64, F32_REL, 1e-9),
                    "{what} pos {p:?} vs {q:?}"
                );
            }
        }
    };
    let check_vel = |w: &[[f32; 3]], g: &[[f32; 3]], what: &str| {
        for (p, q) in w.iter().zip(g) {
            for k in 0..3 {
                let back = q[k] as f64 + vsys[k];
                assert!(
                    close(p[k] as f64, back, F32_REL, 2e-7 * vscale + 1e-9),
                    "{what} vel {p:?} vs {q:?}"
                );
            }
        }
    };
    let check_col = |w: &[f32], g: &[f32], rel: f64, what: &str| {
        assert_eq!(w.len(), g.len(), "{what}");
        for (x, y) in w.iter().zip(g) {
            assert!(close(*x as f64, *y as f64, rel, 0.0), "{what}: {x} vs {y}");
        }
    };
    let (ws, gs) = (&galaxy.stars, &got.stars);
    check_pos(&ws.pos, &gs.pos, "stars");
    check_vel(&ws.vel, &gs.vel, "stars");
    check_col(&ws.mass, &gs.mass, F32_REL, "star mass");
    check_col(&ws.mass_init, &gs.mass_init, F32_REL, "initial mass");
    check_col(&ws.metallicity, &gs.metallicity, 0.0, "metallicity");
    // Magnitudes are f32: ~1e-6 mag → 1e-6 relative in L.
    check_col(&ws.lum_g, &gs.lum_g, 2e-6, "L_g");
    check_col(&ws.lum_r, &gs.lum_r, 2e-6, "L_r");
    for (x, y) in ws.age.iter().zip(&gs.age) {
        // a_f in f32: δt ≈ δa/(aH) ≲ 1e-6 Gyr.
        assert!((x - y).abs() < 1e-5, "age {x} vs {y}");
    }
    check_pos(&galaxy.dm.pos, &got.dm.pos, "dm");
    check_vel(&galaxy.dm.vel, &got.dm.vel, "dm");
    check_col(&galaxy.dm.mass, &got.dm.mass, F32_REL, "dm mass");
    check_pos(&galaxy.gas.pos, &got.gas.pos, "gas");
    check_vel(&galaxy.gas.vel, &got.gas.vel, "gas");
    check_col(&galaxy.gas.mass, &got.gas.mass, F32_REL, "gas mass");
    check_col(&galaxy.gas.sfr, &got.gas.sfr, 0.0, "sfr");
    check_col(
        &galaxy.gas.neutral_fraction,
        &got.gas.neutral_fraction,
        0.0,
        "neutral fraction",
    );
    // Through ElectronAbundance and InternalEnergy in f32 (5.4).
    check_col(
        &galaxy.gas.temperature_k,
        &got.gas.temperature_k,
        1e-6,
        "temperature",
    );
    check_pos(&galaxy.bh.pos, &got.bh.pos, "bh");
    check_col(&galaxy.bh.mass, &got.bh.mass, F32_REL, "bh mass");
}

/// An isotropic Hernquist sphere of `n` particles of mass `m` (M☉) and scale `a` (kpc),
/// velocities Gaussian-like with 1D dispersion `sigma` (km/s, sum of 3 uniforms scaled).
fn hernquist(s: &mut Seq, n: usize, a: f64, sigma: f64) -> (Vec<[f32; 3]>, Vec<[f32; 3]>) {
    let mut pos = Vec::with_capacity(n);
    let mut vel = Vec::with_capacity(n);
    for _ in 0..n {
        // M(<r)/M = r²/(r+a)² truncated at u = 0.98.
        let u = (0.98 * s.next()).sqrt();
        let r = a * u / (1.0 - u);
        let ct = 2.0 * s.next() - 1.0;
        let st = (1.0 - ct * ct).sqrt();
        let ph = std::f64::consts::TAU * s.next();
        pos.push([
            (r * st * ph.cos()) as f32,
            (r * st * ph.sin()) as f32,
            (r * ct) as f32,
        ]);
        // Sum of three U(−1,1) has variance 1.
        vel.push(
            [0, 1, 2].map(|_| (sigma * (0..3).map(|_| 2.0 * s.next() - 1.0).sum::<f64>()) as f32),
        );
    }
    (pos, vel)
}

/// A measurable test galaxy without the mock generator: 4000 star particles of 1e6 M☉ in a
/// Hernquist sphere (a = 2 kpc, σ = 120 km/s, ages 5 Gyr, M*/L_r = 2, g − r = 0.66) inside
/// 4000 DM particles of 1e8 M☉ (Hernquist a = 25 kpc), no gas, no dust.
pub fn hernquist_galaxy() -> Galaxy {
    let mut s = Seq(99);
    let n = 4000;
    let (pos, vel) = hernquist(&mut s, n, 2.0, 120.0);
    let stars = Stars {
        pos,
        vel,
        mass: vec![1e6; n],
        mass_init: vec![1.6e6; n],
        age: vec![5.0; n],
        metallicity: vec![0.0127; n],
        lum_g: vec![5e5 * 10f32.powf(-0.4 * 0.2); n],
        lum_r: vec![5e5; n],
    };
    let (pos, vel) = hernquist(&mut s, n, 25.0, 150.0);
    let dm = DarkMatter {
        pos,
        vel,
        mass: vec![1e8; n],
    };
    Galaxy {
        stars,
        dm,
        ..Galaxy::default()
    }
}

/// Builds (in a kept temporary directory) a dataset of `galaxies` small mock galaxies × 3
/// projections at 60² light maps, split per sample so every split is populated; returns
/// its path.
pub fn small_dataset(galaxies: u32, seed: u64) -> std::path::PathBuf {
    let dir = tempfile::tempdir().unwrap().keep();
    let out = dir.join("ds.h5");
    let (g, s) = (galaxies.to_string(), seed.to_string());
    let mut a = vec![
        "dataset",
        "build",
        "--source",
        "mock",
        "--galaxies",
        &g,
        "--seed",
        &s,
        "--image-size",
        "60",
        "--split-by",
        "sample",
        "--out",
        out.to_str().unwrap(),
    ];
    a.extend(SMALL);
    ok(&a);
    out
}

/// The physics probes of issue 13 (`galmass probe`) for the ensemble `bundles` on `galaxies`,
/// medians over the galaxies: [Δ log M* and Δ log Mtot for light ×10, Δ log M* and Δ log Mtot
/// for R_hsm ×2].
pub fn physics_probes(
    bundles: &[galmass_core::bundle::Bundle],
    galaxies: &[galmass_core::bundle::cnn_input::GalaxyInputs],
) -> [f64; 4] {
    use galmass_core::bundle::probe::Probe;
    let ens = galmass_core::bundle::ensemble::Ensemble::new(bundles.to_vec()).unwrap();
    let rs = galmass::bundle_io::probe::responses(
        &ens,
        galaxies,
        &[Probe::Light(10.0), Probe::Radius(2.0)],
    )
    .unwrap();
    let get = |probe: Probe, target: &str| {
        rs.iter()
            .find(|r| r.probe == probe.label() && r.target == target)
            .map(|r| r.median_dex)
            .unwrap()
    };
    [
        get(Probe::Light(10.0), "mstar"),
        get(Probe::Light(10.0), "mtot"),
        get(Probe::Radius(2.0), "mstar"),
        get(Probe::Radius(2.0), "mtot"),
    ]
}

/// `galmass dataset build --source mock` of `galaxies` galaxies of `seed` at 60² with the
/// small particle numbers ([`SMALL`]) and `extra` flags, into `out`.
pub fn mock_build(out: &Path, galaxies: usize, seed: u64, extra: &[&str]) {
    let out = out.display().to_string();
    let (galaxies, seed) = (galaxies.to_string(), seed.to_string());
    let mut args = vec![
        "dataset",
        "build",
        "--source",
        "mock",
        "--galaxies",
        &galaxies,
        "--seed",
        &seed,
        "--image-size",
        "60",
        "--out",
        &out,
    ];
    args.extend_from_slice(&SMALL);
    args.extend_from_slice(extra);
    ok(&args);
}

/// A string (variable-length UTF-8) attribute of an HDF5 file.
pub fn str_attr(f: &hdf5::File, name: &str) -> String {
    f.attr(name)
        .unwrap()
        .read_scalar::<hdf5::types::VarLenUnicode>()
        .unwrap()
        .as_str()
        .to_string()
}
