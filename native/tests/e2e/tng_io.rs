//! TNG-layout I/O: the units round trip (galaxy-model.md test 22), a hand-made cutout with
//! wind cells, MassTable-only dark matter and a bulk velocity, and refusal of bad files.

use crate::common;

use common::{HandCutout, hand_built_galaxy, star_offsets, write_hand_cutout};
use galmass::tng::{
    CentreSource, ReadOptions, TngError, WriteOptions, box_position, read_cutout, write_cutout,
};
use galmass_core::units::{MSUN_R, cosmic_time_gyr, lum_from_mag};

use common::close;

fn round_trip(a: f64, h: f64) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cutout_0.hdf5");
    let mut galaxy = hand_built_galaxy();
    // Stars cannot be older than the universe at a.
    let t_max = 0.95 * cosmic_time_gyr(a) as f32;
    galaxy.stars.age.iter_mut().for_each(|t| *t = t.min(t_max));
    let opts = WriteOptions {
        time: a,
        hubble: h,
        ..WriteOptions::default()
    };
    write_cutout(&path, &galaxy, &opts).unwrap();
    // No partial file is left beside the result.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");

    let ro = ReadOptions {
        centre: CentreSource::Catalog(opts.centre_ckpc_h),
        ..ReadOptions::default()
    };
    let cut = read_cutout(&path, &ro).unwrap();
    let got = &cut.galaxy;
    assert_eq!(cut.header.time, a);
    assert_eq!(cut.header.hubble, h);
    assert_eq!(cut.n_wind, 0);
    common::assert_same_particles(&galaxy, got, cut.v_sys_kms);
    assert_eq!(galaxy.dust, got.dust);
    assert_eq!(galaxy.analytic_gas, got.analytic_gas);
}

#[test]
fn units_round_trip_at_z0_reproduces_particles_to_f32_precision() {
    round_trip(1.0, 0.6774);
}

#[test]
fn units_round_trip_at_half_scale_factor() {
    round_trip(0.5, 0.7);
}

#[test]
fn written_positions_wrap_around_the_box() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cutout_0.hdf5");
    let opts = WriteOptions::default();
    write_cutout(&path, &hand_built_galaxy(), &opts).unwrap();
    let f = hdf5::File::open(&path).unwrap();
    let x = f
        .dataset("PartType4/Coordinates")
        .unwrap()
        .read_raw::<f64>()
        .unwrap();
    assert!(x.iter().all(|&v| (0.0..opts.box_size).contains(&v)));
    // Galaxy 0 sits 10 ckpc/h from the x = BoxSize face: some stars lie across it.
    assert!(x.chunks(3).any(|p| p[0] < 1000.0) && x.chunks(3).any(|p| p[0] > 74_000.0));
    assert_eq!(box_position(0, 75_000.0), opts.centre_ckpc_h);
}

#[test]
fn hand_made_cutout_with_wind_masstable_dm_and_bulk_velocity() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cutout_3.hdf5");
    let c = HandCutout::default();
    write_hand_cutout(&path, &c, "", &|_, _| {});
    // Centre from shrinking spheres (no catalogue): the star pairs are symmetric about it.
    let cut = read_cutout(&path, &ReadOptions::default()).unwrap();
    for k in 0..3 {
        let d = common_wrap(cut.centre_ckpc_h[k] - c.centre[k], c.box_size);
        assert!(
            d.abs() < 1e-9,
            "centre {:?} vs {:?}",
            cut.centre_ckpc_h,
            c.centre
        );
    }
    let g = &cut.galaxy;
    let (len, munit) = (c.a / c.h, 1e10 / c.h);
    // Wind cells are not stars; their mass is gas.
    assert_eq!(cut.n_wind, 3);
    assert_eq!(g.stars.mass.len(), 24);
    let gas: f64 = g.gas.mass.iter().map(|&m| m as f64).sum();
    assert!(close(gas, 3.0 * 0.002 * munit, 1e-6, 0.0), "gas {gas}");
    assert!(close(g.stellar_mass(), 24.0 * 0.01 * munit, 1e-6, 0.0));
    // DM masses from MassTable[1].
    assert_eq!(g.dm.mass.len(), 10);
    for &m in &g.dm.mass {
        assert!(close(m as f64, c.m_dm * munit, 1e-6, 0.0), "dm {m}");
    }
    // Positions: Δ (wrapped) · a/h.
    for (p, d) in g.stars.pos.iter().zip(star_offsets()) {
        for k in 0..3 {
            assert!(close(p[k] as f64, d[k] * len, 1e-6, 1e-9), "{p:?} vs {d:?}");
        }
    }
    // Bulk velocity is the systemic velocity (file V·√a), and it is removed from everything.
    for k in 0..3 {
        // (Velocities are f32 in memory: the mean is exact to f32 precision.)
        assert!(
            close(cut.v_sys_kms[k], c.bulk[k], 1e-7, 1e-5),
            "{:?}",
            cut.v_sys_kms
        );
    }
    for v in g.dm.vel.iter().chain(&g.gas.vel) {
        assert!(v.iter().all(|x| x.abs() < 1e-4), "{v:?}");
    }
    for pair in g.stars.vel.chunks(2) {
        for k in 0..3 {
            assert!((pair[0][k] + pair[1][k]).abs() < 1e-3, "{pair:?}");
        }
    }
    // Ages from a_f = 0.5 at a = 0.8, luminosities from the magnitudes (L = 1e8 L☉).
    let age = cosmic_time_gyr(0.8) - cosmic_time_gyr(0.5);
    for (&t, &l) in g.stars.age.iter().zip(&g.stars.lum_r) {
        assert!(close(t as f64, age, 1e-6, 0.0), "age {t} vs {age}");
        assert!(close(
            l as f64,
            lum_from_mag(MSUN_R - 20.0, MSUN_R),
            1e-6,
            0.0
        ));
        assert!(close(l as f64, 1e8, 1e-6, 0.0));
    }
    // The catalogue centre gives the same galaxy.
    let ro = ReadOptions {
        centre: CentreSource::Catalog(c.centre),
        ..ReadOptions::default()
    };
    let cut2 = read_cutout(&path, &ro).unwrap();
    assert_eq!(cut2.galaxy.stars.pos.len(), 24);
    for (p, q) in cut2.galaxy.stars.pos.iter().zip(&g.stars.pos) {
        for k in 0..3 {
            assert!((p[k] - q[k]).abs() < 1e-5);
        }
    }
}

fn common_wrap(d: f64, b: f64) -> f64 {
    d - b * (d / b).round()
}

/// Reads a hand-made cutout with one field left out or tampered with, expecting bad input
/// whose message names the file and `field`.
fn refused(skip: &str, tamper: &dyn Fn(&str, &mut Vec<f64>), field: &str) -> TngError {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cutout_9.hdf5");
    write_hand_cutout(&path, &HandCutout::default(), skip, tamper);
    let err = read_cutout(&path, &ReadOptions::default()).expect_err(field);
    let msg = err.to_string();
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    assert!(msg.contains(field), "{msg} should name {field}");
    err
}

#[test]
fn bad_files_are_refused_naming_file_and_field() {
    let none = |_: &str, _: &mut Vec<f64>| {};
    refused("Header.HubbleParam", &none, "Header.HubbleParam");
    refused("Header.BoxSize", &none, "Header.BoxSize");
    refused("PartType4/Masses", &none, "PartType4/Masses");
    refused(
        "PartType4/GFM_StellarPhotometrics",
        &none,
        "PartType4/GFM_StellarPhotometrics",
    );
    refused("PartType1/Velocities", &none, "PartType1/Velocities");
    refused(
        "Header.MassTable",
        &none,
        "PartType1/Masses and Header.MassTable[1]",
    );
    let nan = |f: &str, v: &mut Vec<f64>| {
        if f == "PartType4/Velocities" {
            v[4] = f64::NAN;
        }
    };
    refused("", &nan, "PartType4/Velocities");
    let negative = |f: &str, v: &mut Vec<f64>| {
        if f == "PartType4/GFM_InitialMass" {
            v[2] = -1.0;
        }
    };
    refused("", &negative, "PartType4/GFM_InitialMass");
    let short = |f: &str, v: &mut Vec<f64>| {
        if f == "PartType4/GFM_Metallicity" {
            v.pop();
        }
    };
    refused("", &short, "PartType4/GFM_Metallicity");
    let flat = |f: &str, v: &mut Vec<f64>| {
        if f == "PartType4/Coordinates" {
            v.pop();
        }
    };
    refused("", &flat, "PartType4/Coordinates");
    let inf_mag = |f: &str, v: &mut Vec<f64>| {
        if f == "PartType4/GFM_StellarPhotometrics" {
            v[8 + 5] = f64::INFINITY;
        }
    };
    refused("", &inf_mag, "PartType4/GFM_StellarPhotometrics");
    let all_wind = |f: &str, v: &mut Vec<f64>| {
        if f == "PartType4/GFM_StellarFormationTime" {
            v.iter_mut().for_each(|x| *x = 0.0);
        }
    };
    assert!(matches!(
        refused("", &all_wind, "GFM_StellarFormationTime"),
        TngError::NoStars { .. }
    ));
}

#[test]
fn missing_and_non_hdf5_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.hdf5");
    let msg = read_cutout(&missing, &ReadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("nope.hdf5") && msg.contains("no such file"),
        "{msg}"
    );
    let text = dir.path().join("text.hdf5");
    std::fs::write(&text, "not hdf5").unwrap();
    let err = read_cutout(&text, &ReadOptions::default()).unwrap_err();
    assert!(matches!(err, TngError::Open { .. }) && err.to_string().contains("text.hdf5"));
}

#[test]
fn header_overrides_stand_in_for_missing_attributes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cutout_4.hdf5");
    let c = HandCutout::default();
    write_hand_cutout(&path, &c, "Header.HubbleParam", &|_, _| {});
    let mut ro = ReadOptions::default();
    ro.header.hubble = Some(c.h);
    ro.header.mass_dm = Some(2.0 * c.m_dm);
    let cut = read_cutout(&path, &ro).unwrap();
    assert_eq!(cut.header.hubble, c.h);
    let m = cut.galaxy.dm.mass[0] as f64;
    assert!(close(m, 2.0 * c.m_dm * 1e10 / c.h, 1e-6, 0.0), "{m}");
}

#[test]
fn writing_is_byte_reproducible() {
    // No modification times in the file: the same galaxy written a second later gives the
    // same bytes (so `generate` output does not depend on when or on how many threads).
    let dir = tempfile::tempdir().unwrap();
    let (p1, p2) = (
        dir.path().join("cutout_1.hdf5"),
        dir.path().join("cutout_2.hdf5"),
    );
    let g = hand_built_galaxy();
    write_cutout(&p1, &g, &WriteOptions::default()).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    write_cutout(&p2, &g, &WriteOptions::default()).unwrap();
    assert!(std::fs::read(&p1).unwrap() == std::fs::read(&p2).unwrap());
}
