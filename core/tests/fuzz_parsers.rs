//! Stable-Rust stand-in for `cargo fuzz` (core/fuzz needs nightly): each parser gets
//! ~10⁵ byte strings — seeded ChaCha8 mutations of valid files (bit flips, byte
//! substitutions, insertions, deletions, truncations, splices of "interesting" numbers into
//! header fields) and pure random bytes behind a valid magic. Errors are fine; a panic
//! (including arithmetic overflow, active in test builds) fails the test. The count and wall
//! time of each run are printed (`cargo test --test fuzz_parsers -- --nocapture`).

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

use galmass_core::bundle::Bundle;
use galmass_core::bundle::cnn_input::{GalaxyMap, PngCalibration};
use galmass_core::upload::{
    KinematicMaps, Limits, MapFormat, read_map, resample_kinematic, resample_surface_brightness,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/upload/");
const TOKENS: &[&[u8]] = &[
    b"0",
    b"1",
    b"-1",
    b"2",
    b"3",
    b"-32",
    b"-64",
    b"8",
    b"16",
    b"64",
    b"31623",
    b"4096",
    b"4097",
    b"999999999999",
    b"18446744073709551616",
    b"-9223372036854775808",
    b"1E400",
    b"NaN",
    b"T",
    b"F",
    b"'IMAGE   '",
    b"END",
    b"NAXIS",
    b"NAXIS3",
    b"BSCALE",
    b"BLANK",
    b"(",
    b")",
    b",",
    b"'",
    b"True",
    b"False",
    b"'<f4'",
    b"'>f8'",
    b"'|u1'",
    b"'<U4'",
    b"{",
    b"}",
    b"(0, 0)",
    b"(3, 2, 2)",
    b"(1, 1, 1, 1)",
    b"\xff\xff\xff\xff",
    b"\0\0\0\0",
    b"\xff\xff\xff\xff\xff\xff\xff\x7f",
];

fn mutate(rng: &mut ChaCha8Rng, seed: &[u8]) -> Vec<u8> {
    let mut b = seed.to_vec();
    let rounds = 1 + rng.random_range(0..4);
    for _ in 0..rounds {
        if b.is_empty() {
            b.push(rng.random());
            continue;
        }
        let at = rng.random_range(0..b.len());
        match rng.random_range(0..7) {
            0 => b[at] ^= 1 << rng.random_range(0..8),
            1 => b[at] = rng.random(),
            2 => {
                let t = TOKENS[rng.random_range(0..TOKENS.len())];
                let end = (at + t.len()).min(b.len());
                b.splice(at..end, t.iter().copied());
            }
            3 => {
                let t = TOKENS[rng.random_range(0..TOKENS.len())];
                b.splice(at..at, t.iter().copied());
            }
            4 => {
                let end = (at + rng.random_range(1..64)).min(b.len());
                b.drain(at..end);
            }
            5 => b.truncate(at),
            _ => {
                // Overwrite 4 or 8 bytes with a random little/big-endian integer.
                let w = if rng.random() { 4 } else { 8 };
                let end = (at + w).min(b.len());
                let v: u64 = rng.random();
                let bytes = if rng.random() {
                    v.to_le_bytes()
                } else {
                    v.to_be_bytes()
                };
                b.splice(at..end, bytes[..w].iter().copied());
            }
        }
    }
    b
}

/// Runs `n` inputs through `parse`; returns (executions, successes, seconds).
fn run(
    name: &str,
    seeds: &[Vec<u8>],
    magic: &[u8],
    n: usize,
    seed: u64,
    parse: impl Fn(&[u8]) -> bool,
) -> (usize, usize) {
    // `GALMASS_FUZZ_SEED` shifts every stream, for further runs.
    let shift: u64 = std::env::var("GALMASS_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(shift.wrapping_mul(1000)));
    let t0 = std::time::Instant::now();
    let mut ok = 0;
    for s in seeds {
        ok += usize::from(parse(s));
    }
    for i in 0..n {
        let input = if i % 10 == 9 {
            let len = rng.random_range(0..4096);
            let mut v = magic.to_vec();
            v.extend((0..len).map(|_| rng.random::<u8>()));
            v
        } else {
            let s = &seeds[rng.random_range(0..seeds.len())];
            mutate(&mut rng, s)
        };
        ok += usize::from(parse(&input));
    }
    let secs = t0.elapsed().as_secs_f64();
    eprintln!(
        "fuzz {name}: {} executions, {ok} parsed, {secs:.2} s ({:.0}/s)",
        n + seeds.len(),
        (n + seeds.len()) as f64 / secs
    );
    (n + seeds.len(), ok)
}

/// Parses an upload and, when it is accepted, runs the downstream steps a page would; a PNG
/// also goes the page's whole way as an r image with its calibration.
fn upload(bytes: &[u8], format: MapFormat) -> bool {
    if format == MapFormat::Png {
        let c = PngCalibration {
            luminosity_lsun: 1e10,
            rhsm_kpc: 3.0,
        };
        if let Ok(GalaxyMap::Light { side, sb }) =
            GalaxyMap::from_upload("fuzz.png", bytes, true, 8, Some(&c))
        {
            assert_eq!(sb.len(), side * side);
            resample_surface_brightness(&sb, side, 8).unwrap();
        }
    }
    let limits = Limits {
        max_pixels: 512 * 512,
        ..Limits::default()
    };
    match read_map(bytes, format, &limits) {
        Ok(m) => {
            if m.planes == 1 && m.width == m.height && m.width > 0 {
                let p = m.plane(0).unwrap();
                resample_surface_brightness(p, m.width, 8).unwrap();
            }
            if (m.planes == 2 || m.planes == 3)
                && m.width == m.height
                && m.width > 0
                && let Ok(k) = KinematicMaps::from_map(&m)
            {
                resample_kinematic(&k, 5).unwrap();
            }
            true
        }
        Err(e) => {
            let _ = e.to_string();
            false
        }
    }
}

fn fixtures(ext: &str) -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = std::fs::read_dir(DIR)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    v.sort();
    v
}

const N_DEFAULT: usize = 100_000;

/// Executions per parser: 10⁵, or `GALMASS_FUZZ_N` (e.g. 1000000 for a long run).
fn n_runs() -> usize {
    std::env::var("GALMASS_FUZZ_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(N_DEFAULT)
}

#[test]
fn fuzz_fits() {
    let seeds = fixtures("fits");
    let n_in = n_runs();
    let (n, ok) = run("fits", &seeds, b"SIMPLE  =", n_in, 1, |b| {
        upload(b, MapFormat::Fits)
    });
    assert!(n > n_in && ok > 0);
}

#[test]
fn fuzz_npy() {
    let seeds = fixtures("npy");
    let n_in = n_runs();
    let (n, ok) = run("npy", &seeds, b"\x93NUMPY\x01\x00", n_in, 2, |b| {
        upload(b, MapFormat::Npy)
    });
    assert!(n > n_in && ok > 0);
}

#[test]
fn fuzz_png() {
    let n_in = n_runs();
    let mut seeds = Vec::new();
    for (color, depth, ch, bps) in [
        (png::ColorType::Grayscale, png::BitDepth::Sixteen, 1, 2),
        (png::ColorType::Rgba, png::BitDepth::Eight, 4, 1),
        (png::ColorType::Grayscale, png::BitDepth::Four, 1, 1),
    ] {
        let mut out = Vec::new();
        {
            let mut e = png::Encoder::new(&mut out, 6, 6);
            e.set_color(color);
            e.set_depth(depth);
            let mut w = e.write_header().unwrap();
            let len = if depth == png::BitDepth::Four {
                18
            } else {
                36 * ch * bps
            };
            let data: Vec<u8> = (0..len).map(|i| (i * 37 % 251) as u8).collect();
            w.write_image_data(&data).unwrap();
        }
        seeds.push(out);
    }
    let (n, ok) = run("png", &seeds, b"\x89PNG\r\n\x1a\n", n_in / 4, 3, |b| {
        upload(b, MapFormat::Png)
    });
    assert!(n > n_in / 4 && ok > 0);
}

#[test]
fn fuzz_bundle() {
    let n_in = n_runs();
    let mut seeds = Vec::new();
    let m = galmass_core::bundle::Manifest {
        schema: galmass_core::bundle::SCHEMA.into(),
        kind: galmass_core::bundle::ModelKind::Cnn,
        inputs: vec![galmass_core::bundle::InputSpec {
            name: "r".into(),
            shape: vec![12, 12],
            units: String::new(),
            planes: vec![galmass_core::bundle::PlaneSpec {
                quantity: galmass_core::bundle::PlaneKind::SurfaceBrightness,
                units: "Lsun/kpc^2".into(),
                norm: galmass_core::observe::Norm::Physical,
            }],
        }],
        features: vec![],
        targets: vec![galmass_core::bundle::TargetSpec {
            name: "mstar".into(),
            units: "Msun".into(),
            log10: true,
        }],
        training: galmass_core::bundle::TrainingSummary {
            dataset: "d".into(),
            n_train: 1,
            n_test: 1,
            command: "c".into(),
            conditions: None,
            scale: Default::default(),
        },
        metrics: vec![],
        network: Some(galmass_core::cnn::CnnConfig {
            branches: vec![galmass_core::cnn::BranchSpec {
                input: galmass_core::cnn::CnnInput::R,
                size: 12,
            }],
            width: 0.0625,
            outputs: 1,
            side_input: false,
            ..Default::default()
        }),
        payload_encoding: galmass_core::bundle::PayloadEncoding::F32,
        created: "2026-11-22".into(),
    };
    let b = Bundle {
        manifest: m,
        payload: vec![1, 2, 3, 4, 5, 6, 7, 8],
    };
    seeds.push(b.to_bytes().unwrap());
    // Mutations that keep the checksum valid reach the JSON and manifest checks.
    let (n, ok) = run("bundle", &seeds, b"GALMASS\0\x01\0\0\0", n_in, 4, |bytes| {
        let fixed = refresh_crc(bytes);
        let a = Bundle::from_bytes(bytes).is_ok();
        let c = match Bundle::from_bytes(&fixed) {
            Ok(b) => {
                let _ = b.gbdt_models();
                let _ = b.manifest.check_inputs(&[("r", &[12, 12])]);
                true
            }
            Err(e) => {
                let _ = e.to_string();
                false
            }
        };
        a || c
    });
    assert!(n > n_in && ok > 0);
}

/// The bytes with their last 4 replaced by the CRC-32 of the rest.
fn refresh_crc(b: &[u8]) -> Vec<u8> {
    if b.len() < 4 {
        return b.to_vec();
    }
    let mut v = b.to_vec();
    let n = v.len() - 4;
    let crc = crc32fast::hash(&v[..n]);
    v[n..].copy_from_slice(&crc.to_le_bytes());
    v
}
