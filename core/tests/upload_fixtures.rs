//! The upload parsers against files written by astropy and numpy
//! (`tests/fixtures/upload/make_fixtures.py`, which also stores what each file holds in
//! `expected.json`).

// Test, not the library: it may unwrap, read files and use the clock (the wasm32-safe
// rules of core/clippy.toml are for the library itself).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::too_many_lines,
    clippy::disallowed_methods,
    clippy::disallowed_types
)]

use galmass_core::upload::{
    KinematicMaps, Limits, Map2d, MapFormat, UploadError, check_kinematic_shape, check_light_shape,
    kinematic_input, light_input, read_map,
};
use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/upload/");

fn load(name: &str) -> Result<Map2d, UploadError> {
    let bytes = std::fs::read(format!("{DIR}{name}")).unwrap();
    let format = MapFormat::from_file_name(name).unwrap();
    assert_eq!(MapFormat::sniff(&bytes), Some(format), "{name}");
    read_map(&bytes, format, &Limits::default())
}

fn expected() -> Value {
    serde_json::from_str(&std::fs::read_to_string(format!("{DIR}expected.json")).unwrap()).unwrap()
}

/// Value at a numpy index (p, r, c) or (r, c).
fn at(m: &Map2d, idx: &[usize]) -> f64 {
    let (p, r, c) = match idx {
        [r, c] => (0, *r, *c),
        [p, r, c] => (*p, *r, *c),
        _ => panic!("index {idx:?}"),
    };
    m.data[(p * m.height + r) * m.width + c] as f64
}

/// Every valid fixture: numpy shape, sum and probed values as the writer stored them (f32
/// rounding of f64 sources allowed: 1e-6 relative).
#[test]
fn values_match_the_writers() {
    let exp = expected();
    for name in [
        "r_f32.fits",
        "r_i16_scaled.fits",
        "vel_cube.fits",
        "vel_be.npy",
        "r_fortran.npy",
        "r_f64.npy",
        "r_i16.npy",
    ] {
        let e = &exp[name];
        let m = load(name).unwrap_or_else(|err| panic!("{name}: {err}"));
        let shape: Vec<usize> = e["shape"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as usize)
            .collect();
        let mine = if m.planes == 1 {
            vec![m.height, m.width]
        } else {
            vec![m.planes, m.height, m.width]
        };
        assert_eq!(mine, shape, "{name}");
        let sum: f64 = m.data.iter().map(|&v| v as f64).sum();
        let want = e["sum"].as_f64().unwrap();
        let scale: f64 = m.data.iter().map(|&v| (v as f64).abs()).sum();
        assert!(
            (sum - want).abs() <= 1e-6 * scale,
            "{name}: sum {sum} vs {want}"
        );
        for probe in e["probes"].as_array().unwrap() {
            let idx: Vec<usize> = probe[0]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap() as usize)
                .collect();
            let want = probe[1].as_f64().unwrap();
            let got = at(&m, &idx);
            assert!(
                (got - want).abs() <= 1e-6 * want.abs().max(1e-30),
                "{name} {idx:?}: {got} vs {want}"
            );
        }
        assert_eq!(m.data[0] as f64, e["first"].as_f64().unwrap() as f32 as f64);
    }
}

/// Orientation: the marker written at numpy [0, 1] is at row 0, column 1 (FITS and NPY agree
/// with numpy order); BSCALE/BZERO integers are exact quarter steps.
#[test]
fn orientation_and_scaling() {
    let r = load("r_f32.fits").unwrap();
    assert_eq!(r.data[1], 3.0);
    let f = load("r_fortran.npy").unwrap();
    assert_eq!(f.data[1], -1.0);
    let s = load("r_i16_scaled.fits").unwrap();
    assert!(s.data.iter().all(|&v| (v * 4.0).fract() == 0.0));
    assert!(check_light_shape(&r, 300).is_ok());
}

/// The FITS cube (V, σ, mask) and the big-endian NPY (V, σ) hold the same maps; the mask
/// plane is read as given and the NPY's derived mask agrees with it.
#[test]
fn velocity_cube_and_npy_agree() {
    let exp = expected();
    let cube = load("vel_cube.fits").unwrap();
    let npy = load("vel_be.npy").unwrap();
    check_kinematic_shape(&cube, 48).unwrap();
    check_kinematic_shape(&npy, 48).unwrap();
    assert_eq!(&cube.data[..2 * 256], &npy.data[..]);
    let kc = KinematicMaps::from_map(&cube).unwrap();
    let kn = KinematicMaps::from_map(&npy).unwrap();
    let n_mask: usize = kc.mask.iter().map(|&m| m as usize).sum();
    assert_eq!(
        n_mask as u64,
        exp["vel_cube.fits"]["n_mask"].as_u64().unwrap()
    );
    assert_eq!(kc.mask, kn.mask);
    let r = load("r_f64.npy").unwrap();
    let e = check_kinematic_shape(&r, 48)
        .unwrap_err()
        .in_file("r_f64.npy");
    assert_eq!(
        e.to_string(),
        "r_f64.npy: shape (20, 20) but the model needs (2, 48, 48) or (3, 48, 48)"
    );
}

/// NaN/∞, truncated files and headers claiming 10⁹ pixels give the right errors.
#[test]
fn bad_files() {
    let exp = expected();
    let nan = &exp["nan"];
    for name in ["nan.npy", "nan.fits"] {
        assert_eq!(
            load(name).unwrap_err(),
            UploadError::NonFinite {
                count: nan["count"].as_u64().unwrap() as usize,
                plane: 0,
                row: nan["row"].as_u64().unwrap() as usize,
                col: nan["col"].as_u64().unwrap() as usize,
            },
            "{name}"
        );
    }
    for name in ["truncated.fits", "truncated.npy"] {
        let e = &exp[name];
        assert_eq!(
            load(name).unwrap_err(),
            UploadError::Truncated {
                expected: e["expected"].as_u64().unwrap(),
                present: e["present"].as_u64().unwrap(),
            },
            "{name}"
        );
    }
    for name in ["huge.fits", "huge.npy"] {
        let err = load(name).unwrap_err();
        assert!(matches!(err, UploadError::TooLarge { .. }), "{name}: {err}");
        assert!(err.to_string().contains("31623 × 31623"), "{err}");
    }
}

fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}{name}")).unwrap()
}

/// From file to model grid: the 40² r image on a 20² and a 48² grid keeps its luminosity
/// (Σ S·A with A ∝ 1/n²); the 16² velocity cube on a 48² grid (3× upsampling) has every
/// valid V inside the input's range, 0 where masked, and exactly 9 valid output pixels per
/// valid input pixel.
#[test]
fn inputs_on_the_model_grid() {
    let l = Limits::default();
    let r = load("r_f32.fits").unwrap();
    let lum = |img: &[f32], n: usize| img.iter().map(|&v| v as f64).sum::<f64>() / (n * n) as f64;
    let l40 = lum(&r.data, 40);
    for m in [20, 48] {
        let out = light_input(&bytes("r_f32.fits"), MapFormat::Fits, &l, m).unwrap();
        assert_eq!(out.len(), m * m);
        assert!(((lum(&out, m) - l40) / l40).abs() < 1e-6, "{m}");
    }
    let k = kinematic_input(&bytes("vel_cube.fits"), MapFormat::Fits, &l, 48).unwrap();
    let cube = KinematicMaps::from_map(&load("vel_cube.fits").unwrap()).unwrap();
    let (lo, hi) = cube
        .v
        .iter()
        .zip(&cube.mask)
        .filter(|(_, m)| **m == 1)
        .fold((f32::MAX, f32::MIN), |(a, b), (&v, _)| (a.min(v), b.max(v)));
    for (v, m) in k.v.iter().zip(&k.mask) {
        if *m == 1 {
            assert!(*v >= lo - 1e-3 && *v <= hi + 1e-3);
        } else {
            assert_eq!(*v, 0.0);
        }
    }
    // 48 = 3 × 16: each input pixel maps onto exactly 3 × 3 output pixels.
    let n_in: usize = cube.mask.iter().map(|&m| m as usize).sum();
    let n_out: usize = k.mask.iter().map(|&m| m as usize).sum();
    assert_eq!(n_out, 9 * n_in);
    assert!(matches!(
        light_input(&bytes("vel_be.npy"), MapFormat::Npy, &l, 60),
        Err(UploadError::Shape { .. })
    ));
}
