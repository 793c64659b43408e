//! Times the maps of mock galaxies (default options: 10⁴ stars): per galaxy, 3D smoothing
//! lengths once, then 3 projections of 300² g and r SPH images (level scheme) + 48² NGP
//! kinematics ([`observe_all`]). Prints the median and quartiles per galaxy and per stage,
//! and the level-scheme vs brute-force render time of one projection.
//!
//! `cargo run -p galmass-core --example observe_timing --release [-- N_GALAXIES [OUT.txt]]`
//! `… --example observe_timing --release --features parallel -- single REPEATS`: only the
//! first galaxy (the one OUT.txt holds), REPEATS times: the median of one image from scratch
//! (3D kNN smoothing lengths + the g and r render of the z projection) and of `observe_all`
//! / 3 (kNN shared by the three projections, with their kinematic maps), one line each
//! (`scripts/sph_compare.sh` runs it beside pynbody).
//! With OUT.txt, writes the first galaxy's stars (x y z in kpc, attenuated L_r along z in
//! L☉, R_hsm in the header) for an external renderer (pynbody) to image the same particles,
//! and OUT.txt.maps.txt with its z-projection r flux maps (level scheme and brute force).

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

use std::io::Write;
use std::time::Instant;

use galmass_core::galaxy::Axis;
use galmass_core::measure::dust::attenuate;
use galmass_core::measure::half_mass_radius;
use galmass_core::mock::{MockOptions, generate};
use galmass_core::observe::maps::{galaxy_smoothing_lengths, observe_with_smoothing};
use galmass_core::observe::sph::{ImageGeometry, SphParticles, render, render_brute_force};
use galmass_core::observe::{ObserveOptions, observe_all};
use galmass_core::projection::project;

fn quartiles(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    let q = |f: f64| v[((v.len() - 1) as f64 * f).round() as usize];
    (q(0.25), q(0.5), q(0.75))
}

/// `single REPEATS`: see the module docs.
fn single(repeats: usize) {
    let g = (0..100_000u64)
        .find_map(|i| generate(2024, i, &MockOptions::default()))
        .expect("a selected mock galaxy")
        .galaxy;
    let rhsm = half_mass_radius(&g.stars).unwrap_or(1.0);
    let geom = ImageGeometry::for_rhsm(rhsm).expect("positive R_hsm");
    let att = attenuate(&g, Axis::Z);
    let pr = project(&g.stars.pos, &g.stars.vel, Axis::Z);
    let (mut one, mut amortised) = (Vec::new(), Vec::new());
    for _ in 0..repeats.max(1) {
        let t = Instant::now();
        let h = galaxy_smoothing_lengths(&g);
        let p = SphParticles {
            u: &pr.u,
            w: &pr.w,
            h: &h,
            lum_g: &att.lum_g,
            lum_r: &att.lum_r,
        };
        std::hint::black_box(render(&p, &geom));
        one.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        std::hint::black_box(
            observe_all(&g, rhsm, &ObserveOptions::default()).expect("observable"),
        );
        amortised.push(t.elapsed().as_secs_f64() / 3.0);
    }
    println!(
        "galmass: {} stars, one image (kNN + g,r render) median {:.2} ms; observe_all / 3 median {:.2} ms",
        g.stars.pos.len(),
        quartiles(one).1 * 1e3,
        quartiles(amortised).1 * 1e3
    );
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("single") {
        single(args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10));
        return Ok(());
    }
    let n_gal: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(20);
    let out = args.get(2);
    let mopts = MockOptions::default();
    let oopts = ObserveOptions::default();
    let galaxies: Vec<_> = (0..100_000u64)
        .filter_map(|i| generate(2024, i, &mopts))
        .take(n_gal)
        .map(|m| m.galaxy)
        .collect();
    let (mut total, mut knn, mut proj, mut lev, mut brute) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut n_stars = Vec::new();
    for g in &galaxies {
        let rhsm = half_mass_radius(&g.stars).unwrap_or(1.0);
        n_stars.push(g.stars.pos.len() as f64);
        let t0 = Instant::now();
        let maps = observe_all(g, rhsm, &oopts).expect("observable mock galaxy");
        total.push(t0.elapsed().as_secs_f64());
        assert_eq!(maps.len(), 3);

        let t = Instant::now();
        let h = galaxy_smoothing_lengths(g);
        knn.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        for axis in Axis::ALL {
            observe_with_smoothing(g, axis, rhsm, &h, &oopts).expect("observable");
        }
        proj.push(t.elapsed().as_secs_f64() / 3.0);

        let att = attenuate(g, Axis::Z);
        let pr = project(&g.stars.pos, &g.stars.vel, Axis::Z);
        let p = SphParticles {
            u: &pr.u,
            w: &pr.w,
            h: &h,
            lum_g: &att.lum_g,
            lum_r: &att.lum_r,
        };
        let geom = ImageGeometry::for_rhsm(rhsm).expect("positive R_hsm");
        let t = Instant::now();
        let a = render(&p, &geom);
        lev.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let b = render_brute_force(&p, &geom);
        brute.push(t.elapsed().as_secs_f64());
        assert_eq!(a.r.len(), b.r.len());
    }
    let show = |name: &str, v: &[f64]| {
        let (a, m, b) = quartiles(v.to_vec());
        println!(
            "{name:<46} median {:8.2} ms  (quartiles {:.2}–{:.2} ms)",
            m * 1e3,
            a * 1e3,
            b * 1e3
        );
    };
    println!(
        "{} galaxies, median {} stars",
        galaxies.len(),
        quartiles(n_stars).1
    );
    show("per galaxy: observe_all (kNN + 3 projections)", &total);
    show("  3D kNN smoothing lengths (once per galaxy)", &knn);
    show("  one projection (g+r 300², 48² kinematics)", &proj);
    show("  level-scheme render, g+r, one projection", &lev);
    show("  brute-force render, g+r, one projection", &brute);

    if let Some(path) = out {
        let g = &galaxies[0];
        let rhsm = half_mass_radius(&g.stars).unwrap_or(1.0);
        let att = attenuate(g, Axis::Z);
        let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
        writeln!(f, "# rhsm_kpc {rhsm}")?;
        writeln!(f, "# x y z (kpc)  L_r,att along z (Lsun)")?;
        for (p, l) in g.stars.pos.iter().zip(&att.lum_r) {
            writeln!(f, "{} {} {} {}", p[0], p[1], p[2], l)?;
        }
        println!("wrote {} stars to {path}", g.stars.pos.len());
        // The z-projection maps of the same galaxy: level-scheme and brute-force r flux.
        let h = galaxy_smoothing_lengths(g);
        let pr = project(&g.stars.pos, &g.stars.vel, Axis::Z);
        let p = SphParticles {
            u: &pr.u,
            w: &pr.w,
            h: &h,
            lum_g: &att.lum_g,
            lum_r: &att.lum_r,
        };
        let geom = ImageGeometry::for_rhsm(rhsm).expect("positive R_hsm");
        let maps = [render(&p, &geom).r, render_brute_force(&p, &geom).r];
        let img_path = format!("{path}.maps.txt");
        let mut f = std::io::BufWriter::new(std::fs::File::create(&img_path)?);
        writeln!(
            f,
            "# r flux per pixel (Lsun): level scheme, brute force; 300x300 row-major"
        )?;
        for (a, b) in maps[0].iter().zip(&maps[1]) {
            writeln!(f, "{a} {b}")?;
        }
        println!("wrote the z-projection r maps to {img_path}");
    }
    Ok(())
}
