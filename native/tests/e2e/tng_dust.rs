//! TNG dust from the gas column (galaxy-model.md 5.4) on a hand-made cutout whose cold-gas
//! column is known analytically: a uniform layer of gas cells, |x|, |y| < 2.5 kpc and |z| <
//! 1 kpc, mixing star-forming cells (all their hydrogen counts), cold cells at 8000 K (their
//! neutral hydrogen counts) and hot cells at 10⁶ K (none counts), at twice solar
//! metallicity. A star at height z sees, observed along z from −∞, the column
//! N_H(z) = Σ_H (clamp(z, −1, 1) + 1)/2 with Σ_H = X_H (M_SF + f_HI M_cold)/area, so
//! τ_V = 0.4 · 2^1.35 · N_H/2.1e21 cm⁻². The reader must find it to 2 % (the layer's 1.6·10⁵
//! cells leave ≈ 0.5 % of Poisson noise on the stars' mean; measured when written: mean τ_V
//! 1.6402 against 1.6408, M_r dimmed by 1.0487 mag against 1.0500), through InternalEnergy
//! and ElectronAbundance as TNG stores them; `galmass measure` must dim M_r by the matching
//! amount; and `--tng-dust none` must leave the catalogue's photometry untouched.

use crate::common::{attr_scalar, dataset_f64, galmass};
use galmass::tng::{CentreSource, ReadOptions, TngDust, read_cutout};
use galmass_core::galaxy::{Axis, Dust};
use galmass_core::measure::dust::column::{N_H_PER_MSUN_KPC2, N_H_TAU_ONE, X_H};
use galmass_core::measure::dust::{TAU_R_OVER_V, tau_v};
use galmass_core::units::Z_SUN;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const CENTRE: [f64; 3] = [5000.0, 6000.0, 7000.0];
/// Half-side of the gas layer and its half-thickness, kpc.
const LAYER: f64 = 2.5;
const HALF_THICK: f64 = 1.0;
/// Gas cells of each phase.
const N_PHASE: usize = 55_000;
/// Mass of a gas cell, M☉ (a = h = 1: file masses are 1e10 M☉).
const M_CELL: f64 = 2.0e4;
const F_HI_COLD: f64 = 0.6;
const N_STAR: usize = 20_000;

/// Writes the cutout (a = 1, h = 1: file units are kpc, km/s and 1e10 M☉) and returns the
/// stars' heights z (kpc).
fn write_layer_cutout(path: &std::path::Path) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(54);
    let f = hdf5::File::create(path).unwrap();
    let hdr = f.create_group("Header").unwrap();
    for (name, v) in [("Time", 1.0), ("HubbleParam", 1.0), ("BoxSize", 75_000.0)] {
        attr_scalar(&hdr, name, v);
    }
    let pos = |rng: &mut ChaCha8Rng, half: [f64; 3]| -> [f64; 3] {
        std::array::from_fn(|k| CENTRE[k] + half[k] * (2.0 * rng.random::<f64>() - 1.0))
    };
    // Stars: a uniform cube |x|, |y|, |z| < 1.5 kpc, old, L_r = 1e6 L☉ each, random motions
    // of ±150 km/s (enough stars and motion for every kinematic feature `measure` computes).
    let (mut coords, mut vel, mut heights) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..N_STAR {
        let p = pos(&mut rng, [1.5; 3]);
        heights.push(p[2] - CENTRE[2]);
        coords.extend(p);
        vel.extend([0; 3].map(|_| 300.0 * (rng.random::<f64>() - 0.5)));
    }
    let g4 = f.create_group("PartType4").unwrap();
    dataset_f64(&g4, "Coordinates", &coords, &[N_STAR, 3]);
    dataset_f64(&g4, "Velocities", &vel, &[N_STAR, 3]);
    dataset_f64(&g4, "Masses", &vec![1e-4; N_STAR], &[N_STAR]);
    dataset_f64(&g4, "GFM_InitialMass", &vec![1.2e-4; N_STAR], &[N_STAR]);
    dataset_f64(
        &g4,
        "GFM_StellarFormationTime",
        &vec![0.5; N_STAR],
        &[N_STAR],
    );
    dataset_f64(&g4, "GFM_Metallicity", &vec![0.02; N_STAR], &[N_STAR]);
    let phot: Vec<f64> = (0..N_STAR)
        .flat_map(|_| [0.0, 0.0, 0.0, 0.0, 5.11 - 15.0, 4.65 - 15.0, 0.0, 0.0])
        .collect();
    dataset_f64(&g4, "GFM_StellarPhotometrics", &phot, &[N_STAR, 8]);
    // Dark matter: 2000 particles in a cube |x|, |y|, |z| < 4 kpc.
    let g1 = f.create_group("PartType1").unwrap();
    let dm: Vec<f64> = (0..2000).flat_map(|_| pos(&mut rng, [4.0; 3])).collect();
    dataset_f64(&g1, "Coordinates", &dm, &[2000, 3]);
    dataset_f64(&g1, "Velocities", &[0.0; 6000], &[2000, 3]);
    dataset_f64(&g1, "Masses", &[1e-3; 2000], &[2000]);
    // Gas: three phases of N_PHASE cells each.
    let n = 3 * N_PHASE;
    let (mut gpos, mut sfr, mut f_hi, mut u, mut x_e) = (vec![], vec![], vec![], vec![], vec![]);
    for i in 0..n {
        gpos.extend(pos(&mut rng, [LAYER, LAYER, HALF_THICK]));
        // (SFR M☉/yr, f_HI, u (km/s)², x_e): u from T = 80.8 μ u, μ = 4/(1 + 3X_H + 4X_H x_e).
        let mu = |x: f64| 4.0 / (1.0 + 3.0 * 0.76 + 4.0 * 0.76 * x);
        let (s, h, xe, t) = match i % 3 {
            0 => (1e-4, 0.1, 0.05, 1e4),
            1 => (0.0, F_HI_COLD, 0.4, 8e3),
            _ => (0.0, 1e-3, 1.16, 1e6),
        };
        sfr.push(s);
        f_hi.push(h);
        x_e.push(xe);
        u.push(t / (80.8 * mu(xe)));
    }
    let g0 = f.create_group("PartType0").unwrap();
    dataset_f64(&g0, "Coordinates", &gpos, &[n, 3]);
    dataset_f64(&g0, "Velocities", &vec![0.0; 3 * n], &[n, 3]);
    dataset_f64(&g0, "Masses", &vec![M_CELL / 1e10; n], &[n]);
    dataset_f64(&g0, "StarFormationRate", &sfr, &[n]);
    dataset_f64(&g0, "GFM_Metallicity", &vec![2.0 * Z_SUN; n], &[n]);
    dataset_f64(&g0, "NeutralHydrogenAbundance", &f_hi, &[n]);
    dataset_f64(&g0, "InternalEnergy", &u, &[n]);
    dataset_f64(&g0, "ElectronAbundance", &x_e, &[n]);
    heights
}

/// τ_V of a star at height `z` (kpc) seen along z (the observer at −∞).
fn analytic_tau(z: f64) -> f64 {
    let area = (2.0 * LAYER).powi(2);
    let sigma_h = X_H * N_PHASE as f64 * M_CELL * (1.0 + F_HI_COLD) / area;
    let front = (z.clamp(-HALF_THICK, HALF_THICK) + HALF_THICK) / (2.0 * HALF_THICK);
    0.4 * 2f64.powf(1.35) * sigma_h * front * N_H_PER_MSUN_KPC2 / N_H_TAU_ONE
}

#[test]
fn gas_column_dust_matches_the_analytic_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cutout_3.hdf5");
    let heights = write_layer_cutout(&path);
    let ro = ReadOptions {
        centre: CentreSource::Catalog(CENTRE),
        ..ReadOptions::default()
    };
    let cut = read_cutout(&path, &ro).unwrap();
    assert!(
        matches!(cut.galaxy.dust, Dust::GasColumn(_)),
        "{:?}",
        cut.galaxy.dust
    );
    // Temperatures through InternalEnergy and ElectronAbundance.
    let t = &cut.galaxy.gas.temperature_k;
    assert!((t[1] / 8e3 - 1.0).abs() < 1e-5 && (t[2] / 1e6 - 1.0).abs() < 1e-5);
    let tau = tau_v(&cut.galaxy, Axis::Z);
    // The reader keeps the star order: compare star by star where the column is non-zero.
    let (mut sum_got, mut sum_want) = (0.0, 0.0);
    for (&got, &z) in tau.iter().zip(&heights) {
        let want = analytic_tau(z);
        sum_got += got;
        sum_want += want;
        if z > 0.5 {
            assert!(
                (got / want - 1.0).abs() < 0.3,
                "star at z = {z:.2}: τ_V {got:.4} vs analytic {want:.4}"
            );
        }
    }
    let ratio = sum_got / sum_want;
    eprintln!(
        "mean τ_V {:.4} vs analytic {:.4}: ratio {ratio:.4}",
        sum_got / N_STAR as f64,
        sum_want / N_STAR as f64
    );
    assert!(
        (ratio - 1.0).abs() < 0.02,
        "mean column off by {:.2} %",
        100.0 * (ratio - 1.0)
    );

    // `galmass measure`: M_r dimmed by the analytic attenuation of the total light; none
    // with --tng-dust none.
    let measure_mr = |extra: &[&str]| -> f64 {
        let catalog = dir.path().join("catalog.csv");
        std::fs::write(&catalog, "id,x,y,z\n3,5000,6000,7000\n").unwrap();
        let mut args = vec![
            "measure",
            path.to_str().unwrap(),
            "--json",
            "--catalog",
            catalog.to_str().unwrap(),
        ];
        args.extend(extra);
        let out = galmass(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let z = doc["projections"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["axis"] == "z")
            .unwrap()
            .clone();
        z["features"]["mr"].as_f64().unwrap()
    };
    let dimming = measure_mr(&[]) - measure_mr(&["--tng-dust", "none"]);
    let want = -2.5
        * (heights
            .iter()
            .map(|&z| (-TAU_R_OVER_V * analytic_tau(z)).exp())
            .sum::<f64>()
            / N_STAR as f64)
            .log10();
    eprintln!("M_r dimming {dimming:.4} mag vs analytic {want:.4}");
    assert!((dimming / want - 1.0).abs() < 0.02, "{dimming} vs {want}");
    let none = read_cutout(
        &path,
        &ReadOptions {
            dust: TngDust::None,
            ..ro
        },
    )
    .unwrap();
    assert_eq!(none.galaxy.dust, Dust::None);
}
