//! The cuts and the R_hsm check on hand-placed particles: the paper's thresholds (Chu et al.
//! 2024 Sec. 2.1), the 30 kpc sphere, the unit conversions of catalogue values (5.2).

use std::collections::HashMap;

use galmass_core::galaxy::{AnalyticGas, Galaxy};

use super::*;
use crate::tng::header::Header;
use crate::tng::subhalo::{CatalogCosmology, CatalogKind};

/// Stars of mass `m` (M☉) at the given distances (kpc) along the three axes in turn.
fn stars_at(radii: &[(f64, f32)]) -> Galaxy {
    let mut g = Galaxy::default();
    for (i, &(r, m)) in radii.iter().enumerate() {
        let mut p = [0.0f32; 3];
        p[i % 3] = if i % 2 == 0 { r as f32 } else { -r as f32 };
        g.stars.pos.push(p);
        g.stars.mass.push(m);
    }
    g
}

fn values(mstar30: f64, msub: f64) -> Values {
    Values {
        mstar30_msun: mstar30,
        msub_msun: msub,
        msub_origin: MassOrigin::Particles,
        rhsm_kpc: Some(3.0),
        rhsm_catalog_kpc: None,
    }
}

fn key(r: &Rejection) -> String {
    r.to_string().split(':').next().unwrap_or("").to_string()
}

/// Only stars strictly inside the 3-D sphere of 30 kpc count, in whichever direction.
#[test]
fn stellar_mass_inside_thirty_kpc() {
    let g = stars_at(&[
        (1.0, 1e9),
        (29.9, 2e9),
        (30.1, 4e9),
        (100.0, 8e9),
        (29.0, 16e9),
    ]);
    assert_eq!(stellar_mass_within(&g, APERTURE_KPC), 1e9 + 2e9 + 16e9);
    // Off-axis: (20, 20, 10) is at 30 kpc exactly, outside a strict sphere; (17, 17, 17) at 29.4.
    let mut h = Galaxy::default();
    h.stars.pos = vec![[20.0, 20.0, 10.0], [17.0, -17.0, 17.0]];
    h.stars.mass = vec![1e10, 3e9];
    assert_eq!(stellar_mass_within(&h, 30.0), 3e9);
}

/// M_sub of the particles counts every type and a mock's analytic gas (its outermost
/// enclosed mass).
#[test]
fn particle_mass_counts_every_type() {
    let mut g = stars_at(&[(1.0, 1e9)]);
    g.gas.mass = vec![2e8, 3e8];
    g.dm.mass = vec![1e11; 4];
    g.bh.mass = vec![5e7];
    g.analytic_gas = Some(AnalyticGas {
        r_kpc: vec![1.0, 10.0],
        mass_enclosed: vec![1e8, 7e8],
    });
    let want = 1e9 + 5e8 + 4e11 + 5e7 + 7e8;
    assert!((particle_mass(&g) - want).abs() < 1e-6 * want);
}

/// The paper keeps M*(<30 kpc) > 5e9 and M_sub < 1e14 (both strict); `Cuts::None` keeps all.
#[test]
fn paper_thresholds() {
    let paper = Selection::default();
    assert_eq!(paper.evaluate(&values(5.1e9, 1e12)), Ok(()));
    assert_eq!(
        paper.evaluate(&values(4.9e9, 1e12)),
        Err(Rejection::StellarMass {
            mstar30_msun: 4.9e9
        })
    );
    assert!(
        paper.evaluate(&values(5e9, 1e12)).is_err(),
        "5e9 is not > 5e9"
    );
    assert!(paper.evaluate(&values(f64::NAN, 1e12)).is_err());
    assert_eq!(paper.evaluate(&values(1e11, 9.9e13)), Ok(()));
    assert!(matches!(
        paper.evaluate(&values(1e11, 1e14)),
        Err(Rejection::SubhaloMass { .. })
    ));
    let none = Selection {
        cuts: Cuts::None,
        ..paper
    };
    assert_eq!(none.evaluate(&values(1e8, 1e15)), Ok(()));
}

/// Measured R_hsm within the tolerance of the catalogue's passes; 3× off or beyond a tight
/// tolerance fails; no tolerance, no check; a catalogue radius of 0 always fails.
#[test]
fn rhsm_tolerance() {
    let sel = Selection::default();
    let with = |measured: f64, catalog: f64| Values {
        rhsm_kpc: Some(measured),
        rhsm_catalog_kpc: Some(catalog),
        ..values(1e11, 1e12)
    };
    assert_eq!(sel.evaluate(&with(4.2, 4.0)), Ok(()));
    assert_eq!(sel.evaluate(&with(3.7, 4.0)), Ok(()));
    let r = sel.evaluate(&with(12.0, 4.0)).unwrap_err();
    assert!(matches!(r, Rejection::Rhsm { .. }));
    let msg = r.to_string();
    assert!(msg.contains("measured 12.000 kpc"), "{msg}");
    assert!(msg.contains("SubhaloHalfmassRadType[4] 4.000 kpc"), "{msg}");
    assert!(
        msg.contains("+200 %") && msg.contains("tolerance 10 %"),
        "{msg}"
    );
    assert!(msg.contains("parent-halo"), "{msg}");
    assert!(sel.evaluate(&with(4.0, 12.0)).is_err());
    let tight = Selection {
        rhsm_tolerance: Some(0.01),
        ..sel
    };
    assert!(tight.evaluate(&with(4.2, 4.0)).is_err());
    let off = Selection {
        rhsm_tolerance: None,
        ..sel
    };
    assert_eq!(off.evaluate(&with(12.0, 4.0)), Ok(()));
    assert!(sel.evaluate(&with(1.0, 0.0)).is_err());
    // The check runs with the cuts off too (it is a check of the input, not a cut).
    let no_cuts = Selection {
        cuts: Cuts::None,
        ..sel
    };
    assert!(no_cuts.evaluate(&with(12.0, 4.0)).is_err());
}

/// Each reason has its own key (text before the first `:`) in the build report.
#[test]
fn reasons_have_distinct_keys() {
    let all = [
        Rejection::Snapshot {
            field: "Time",
            catalog: 1.0,
            cutout: 0.5,
        },
        Rejection::Rhsm {
            measured_kpc: 3.0,
            catalog_kpc: 1.0,
            tolerance: 0.1,
        },
        Rejection::StellarMass { mstar30_msun: 3e9 },
        Rejection::SubhaloMass {
            msub_msun: 2e14,
            origin: MassOrigin::Catalog("SubhaloMass"),
        },
    ];
    let keys: Vec<String> = all.iter().map(key).collect();
    for (i, k) in keys.iter().enumerate() {
        assert!(!k.is_empty());
        assert!(keys[..i].iter().all(|o| o != k), "{keys:?}");
    }
    assert_eq!(keys[2], "below the paper's stellar-mass cut");
    assert_eq!(keys[3], "above the paper's subhalo-mass cut");
    let s = all[2].to_string();
    assert!(s.contains("M*(<30 kpc) = 3.00e9 Msun ≤ 5e9"), "{s}");
    let s = all[3].to_string();
    assert!(
        s.contains("2.00e14 Msun (SubhaloMass in the catalogue) ≥ 1e14"),
        "{s}"
    );
}

fn header(a: f64, h: f64) -> Header {
    Header {
        time: a,
        redshift: None,
        hubble: h,
        mass_table: None,
        box_size: 75_000.0,
    }
}

fn cutout(galaxy: Galaxy, a: f64, h: f64) -> Cutout {
    Cutout {
        header: header(a, h),
        galaxy,
        centre_ckpc_h: [0.0; 3],
        v_sys_kms: [0.0; 3],
        n_wind: 0,
    }
}

fn group(rhsm_ckpc_h: f64, mass_1e10_h: f64, cosmology: CatalogCosmology) -> (Catalog, SubhaloRow) {
    let row = SubhaloRow {
        pos_ckpc_h: [0.0; 3],
        rhsm_star_ckpc_h: Some(rhsm_ckpc_h),
        mass_1e10_h: Some(mass_1e10_h),
    };
    let cat = Catalog {
        file: "groups.hdf5".into(),
        kind: CatalogKind::Group,
        cosmology,
        mass_field: Some("SubhaloMass"),
        has_rhsm: true,
        rows: HashMap::from([(0, row)]),
    };
    (cat, row)
}

/// Catalogue values are converted with a and h (R·a/h kpc, M·1e10/h M☉) — the catalogue's
/// own header if it has one, else the cutout's — and its M_sub replaces the particles'.
#[test]
fn catalogue_values_in_physical_units() {
    // Four stars of 2e9 M☉ at 1, 2, 3, 4 kpc: R_hsm = 2 kpc, M*(<30) = 8e9, no other mass.
    let g = stars_at(&[(1.0, 2e9), (2.0, 2e9), (3.0, 2e9), (4.0, 2e9)]);
    let (a, h) = (0.5, 0.7);
    let cut = cutout(g, a, h);
    let sel = Selection::default();
    assert_eq!(sel.check(&cut, None), Ok(()));
    // R_hsm = 2 kpc is 2.8 ckpc/h at a = 0.5, h = 0.7; M_sub 1e12 M☉ is 70 (1e10 M☉/h).
    let (cat, row) = group(2.0 * h / a, 1e12 * h / 1e10, CatalogCosmology::default());
    assert_eq!(sel.check(&cut, Some((&cat, &row))), Ok(()));
    // Three times the radius: the check fails.
    let (cat, row) = group(3.0 * 2.0 * h / a, 70.0, CatalogCosmology::default());
    let r = sel.check(&cut, Some((&cat, &row))).unwrap_err();
    match r {
        Rejection::Rhsm {
            measured_kpc,
            catalog_kpc,
            ..
        } => {
            assert!((measured_kpc - 2.0).abs() < 1e-6);
            assert!((catalog_kpc - 6.0).abs() < 1e-9);
        }
        other => panic!("{other}"),
    }
    // The catalogue's M_sub of 2e14 M☉ fails the cut although the particles hold 8e9.
    let (cat, row) = group(2.8, 2e14 * h / 1e10, CatalogCosmology::default());
    let r = sel.check(&cut, Some((&cat, &row))).unwrap_err();
    assert!(matches!(
        r,
        Rejection::SubhaloMass {
            origin: MassOrigin::Catalog("SubhaloMass"),
            ..
        }
    ));
    assert!(
        matches!(r, Rejection::SubhaloMass { msub_msun, .. } if (msub_msun / 2e14 - 1.0).abs() < 1e-12)
    );
    // A catalogue of another snapshot is refused before anything else.
    let other = CatalogCosmology {
        time: Some(1.0),
        hubble: Some(h),
    };
    let (cat, row) = group(2.8, 70.0, other);
    assert!(matches!(
        sel.check(&cut, Some((&cat, &row))),
        Err(Rejection::Snapshot { field: "Time", .. })
    ));
    // The same snapshot in the catalogue's header: its own a and h convert.
    let same = CatalogCosmology {
        time: Some(a),
        hubble: Some(h),
    };
    let (cat, row) = group(2.8, 70.0, same);
    assert_eq!(sel.check(&cut, Some((&cat, &row))), Ok(()));
}

/// The summary says where centres, M_sub and the R_hsm check come from.
#[test]
fn summary_in_words() {
    let sel = Selection::default();
    let lines = sel.summary(None, true, true);
    assert!(lines[0].contains("shrinking spheres"), "{lines:?}");
    assert!(
        lines[1].contains("5e9") && lines[1].contains("1e14"),
        "{lines:?}"
    );
    assert!(
        lines[1].contains("all particles in the cutout"),
        "{lines:?}"
    );
    assert!(lines[2].contains("off"), "{lines:?}");
    let (cat, _) = group(1.0, 1.0, CatalogCosmology::default());
    let lines = sel.summary(Some(&cat), true, true);
    assert!(lines[0].contains("SubhaloPos"), "{lines:?}");
    assert!(
        lines[1].contains("SubhaloMass in the catalogue"),
        "{lines:?}"
    );
    assert!(lines[2].contains("tolerance 10 %"), "{lines:?}");
    let none = Selection {
        cuts: Cuts::None,
        rhsm_tolerance: None,
    };
    let lines = none.summary(Some(&cat), false, true);
    assert!(lines[1].contains("none"), "{lines:?}");
    assert!(lines[2].contains("off"), "{lines:?}");
}
