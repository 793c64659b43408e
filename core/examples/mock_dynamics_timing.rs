//! Times the profile/dynamics part of one mock galaxy (10⁴ stars as 2500 bulge + 7500 disc,
//! 10⁴ importance-sampled DM, 2·10³ gas; contracted halo, potential, Jeans and disc grids,
//! positions and velocities). Prints the minimum and mean per stage over 300 galaxies:
//! `cargo run -p galmass-core --example mock_dynamics_timing --release`.

// A timing example, not the library: it may unwrap, read files and use the clock (the wasm32-safe
// rules of core/clippy.toml are for the library itself).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::too_many_lines,
    clippy::disallowed_methods,
    clippy::disallowed_types
)]

use galmass_core::mock::disc_kinematics::*;
use galmass_core::mock::halo::*;
use galmass_core::mock::jeans::*;
use galmass_core::mock::potential::*;
use galmass_core::mock::profiles::*;
use galmass_core::mock::stratified::*;
use galmass_core::mock::{HaloResponse, galaxy_rng};
use std::time::Instant;

const NAMES: [&str; 11] = [
    "baryons",
    "contraction",
    "profile",
    "jeans",
    "disc grid",
    "bulge pos",
    "pairing",
    "disc pos",
    "gas pos",
    "dm pos",
    "velocities",
];

/// Runs the timing loop.
fn main() {
    let reps = 300;
    let mut mins = [f64::MAX; 12];
    let mut means = [0.0f64; 12];
    for rep in 0..reps {
        let mut t = vec![Instant::now()];
        let mut rng = galaxy_rng(7, rep);
        let (mb, md, mg) = (1e10, 3e10, 5e9);
        let rd = 3.0;
        let b = Baryons {
            bulge: Some(Hernquist::new(mb, 1.0)),
            disc: Some(ExpDisc::new(md, rd, 0.8)),
            gas: Some(GasDisc::new(mg, 1.7 * rd, rd, 0.4)),
            m_bh: 0.0,
        };
        t.push(Instant::now());
        let halo = DarkHalo::new(1e12, 8.0, HaloResponse::Gnedin04, &b, (mb + md + mg) / 1e12);
        t.push(Instant::now());
        let prof = MassProfile::new(&b, &halo);
        t.push(Instant::now());
        let jb = JeansTable::new(&prof, |r| b.bulge.as_ref().unwrap().density(r), 0.1);
        let jd = JeansTable::new(&prof, |r| halo.density(r), 0.0);
        t.push(Instant::now());
        let kin = DiscKinematics::new(b.disc.as_ref().unwrap(), &b, &halo, 0.6);
        t.push(Instant::now());
        let pb = b.bulge.as_ref().unwrap().sample_positions(&mut rng, 2500);
        t.push(Instant::now());
        let (ur, _ut) = rank_paired_uniforms(&mut rng, 7500, 0.3);
        t.push(Instant::now());
        let pd = b
            .disc
            .as_ref()
            .unwrap()
            .positions_from_quantiles(&mut rng, &ur);
        t.push(Instant::now());
        let pg = b.gas.as_ref().unwrap().sample_positions(&mut rng, 2000);
        t.push(Instant::now());
        let (ph, _mh) = halo.sample(&mut rng, 10000, IMPORTANCE_K);
        t.push(Instant::now());
        let mut vb = draw_velocities(&mut rng, &pb, &jb, &prof);
        flip_rotation(&mut rng, &pb, &mut vb, 0.3);
        let vd = kin.draw_velocities(&mut rng, &pd, &prof);
        let vg = gas_velocities(&mut rng, &pg, |r| kin.circular_speed(r), GAS_SIGMA);
        let vh = draw_velocities(&mut rng, &ph, &jd, &prof);
        t.push(Instant::now());
        std::hint::black_box((&vb, &vd, &vg, &vh));
        for k in 0..11 {
            let d = (t[k + 1] - t[k]).as_secs_f64() * 1e3;
            mins[k] = mins[k].min(d);
            means[k] += d / reps as f64;
        }
        let d = (t[11] - t[0]).as_secs_f64() * 1e3;
        mins[11] = mins[11].min(d);
        means[11] += d / reps as f64;
    }
    for k in 0..11 {
        println!(
            "{:12} min {:.3} ms mean {:.3} ms",
            NAMES[k], mins[k], means[k]
        );
    }
    println!(
        "{:12} min {:.3} ms mean {:.3} ms",
        "TOTAL", mins[11], means[11]
    );
}
