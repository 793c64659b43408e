//! `dataset build --source tng` selects the paper's sample (Chu et al. 2024 Sec. 2.1:
//! M*(<30 kpc) > 5e9 Msun, subhalo mass < 1e14 Msun), centres on a group catalogue's
//! SubhaloPos and checks R_hsm against its SubhaloHalfmassRadType[4] (galaxy-model.md 3.1,
//! 5.2); a malformed group catalogue is bad input naming the file and the field.

use crate::common;

use std::path::Path;

use common::{SMALL, exit2, galmass, ok};
use galmass::tng::{WriteOptions, box_position, write_cutout};
use galmass_core::galaxy::Galaxy;
use galmass_core::measure::half_mass_radius;
use galmass_core::mock::{MockOptions, generate, selected_indices};
use serde_json::Value;

/// h and a of the cutouts `write_cutout` writes by default (TNG100 at z = 0).
const H: f64 = 0.6774;

fn small() -> MockOptions {
    MockOptions {
        n_star: 2000,
        n_dm: 2000,
        n_gas: 400,
        ..MockOptions::default()
    }
}

/// M*(<30 kpc) of a centred galaxy, summed here independently of the library.
fn mstar30(g: &Galaxy) -> f64 {
    g.stars
        .pos
        .iter()
        .zip(&g.stars.mass)
        .filter(|(p, _)| {
            let r2: f64 = p.iter().map(|&x| (x as f64).powi(2)).sum();
            r2 < 900.0
        })
        .map(|(_, &m)| m as f64)
        .sum()
}

/// A selected mock galaxy of seed 1 with M*(<30 kpc) > 6e9 Msun (clear of the cut).
fn massive_mock() -> Galaxy {
    let opts = small();
    selected_indices(1, 20, &opts)
        .into_iter()
        .map(|i| generate(1, i, &opts).unwrap().galaxy)
        .find(|g| mstar30(g) > 6e9)
        .unwrap()
}

/// Writes `g` as `cutout_<id>.hdf5` centred at `box_position(id)`; returns that centre.
fn write(dir: &Path, id: u64, g: &Galaxy) -> [f64; 3] {
    let centre = box_position(id, 75_000.0);
    let wo = WriteOptions {
        centre_ckpc_h: centre,
        ..WriteOptions::default()
    };
    write_cutout(&dir.join(format!("cutout_{id}.hdf5")), g, &wo).unwrap();
    centre
}

fn csv_catalog(path: &Path, rows: &[(u64, [f64; 3])]) {
    let mut s = String::from("id,x,y,z\n");
    for (id, c) in rows {
        s.push_str(&format!("{id},{},{},{}\n", c[0], c[1], c[2]));
    }
    std::fs::write(path, s).unwrap();
}

/// A dataset of the `Subhalo` group: name, values, shape.
type Field<'a> = (&'a str, Vec<f64>, Vec<usize>);

/// Writes a group catalogue: each field under `Subhalo`, and a `Header` with HubbleParam and
/// Time when `header`.
fn group_catalog(path: &Path, fields: &[Field], header: bool) {
    let f = hdf5::File::create(path).unwrap();
    let g = f.create_group("Subhalo").unwrap();
    for (name, v, shape) in fields {
        common::dataset_f64(&g, name, v, shape);
    }
    if header {
        let h = f.create_group("Header").unwrap();
        common::attr_scalar(&h, "HubbleParam", H);
        common::attr_scalar(&h, "Time", 1.0);
    }
}

/// `n` rows of SubhaloPos with row `id` = `centre` and the others far away.
fn positions(n: usize, rows: &[(usize, [f64; 3])]) -> Vec<f64> {
    let mut v: Vec<f64> = (0..3 * n).map(|k| 1000.0 + k as f64).collect();
    for (id, c) in rows {
        v[3 * id..3 * id + 3].copy_from_slice(c);
    }
    v
}

/// `dataset build --source tng` of `dir` into `out` with extra flags; returns stdout.
fn build(dir: &Path, out: &Path, extra: &[&str]) -> String {
    let (d, o) = (dir.display().to_string(), out.display().to_string());
    let mut args = vec![
        "dataset",
        "build",
        "--source",
        "tng",
        "--cutouts",
        &d,
        "--image-size",
        "60",
        "--out",
        &o,
    ];
    args.extend_from_slice(extra);
    ok(&args)
}

fn ids(out: &Path) -> Vec<u64> {
    let f = hdf5::File::open(out).unwrap();
    f.dataset("meta/galaxy_id").unwrap().read_raw().unwrap()
}

fn rhsm(out: &Path) -> Vec<f64> {
    let f = hdf5::File::open(out).unwrap();
    f.dataset("meta/rhsm_kpc").unwrap().read_raw().unwrap()
}

/// A galaxy whose stars are scaled to M*(<30 kpc) = 3e9 Msun is below the paper's 5e9 and is
/// skipped, counted with its reason; the untouched galaxy is kept; `--cuts none` keeps both.
/// Without a catalogue the summary says centres come from shrinking spheres.
#[test]
fn stellar_mass_cut_skips_with_reason_and_cuts_none_keeps() {
    let dir = tempfile::tempdir().unwrap();
    let cut = dir.path().join("cutouts");
    std::fs::create_dir(&cut).unwrap();
    let g = massive_mock();
    let mut low = g.clone();
    let f = (3e9 / mstar30(&g)) as f32;
    low.stars.mass.iter_mut().for_each(|m| *m *= f);
    low.stars.mass_init.iter_mut().for_each(|m| *m *= f);
    assert!((mstar30(&low) / 3e9 - 1.0).abs() < 1e-4);
    let c1 = write(&cut, 1, &g);
    let c2 = write(&cut, 2, &low);
    let cat = dir.path().join("catalog.csv");
    csv_catalog(&cat, &[(1, c1), (2, c2)]);
    let cat_s = cat.display().to_string();

    let out = dir.path().join("paper.h5");
    let s = build(&cut, &out, &["--catalog", &cat_s]);
    assert!(s.contains("written 1 (3 samples), skipped 1"), "{s}");
    assert!(
        s.contains("skipped     1 × below the paper's stellar-mass cut (e.g. galaxy 2:"),
        "{s}"
    );
    assert!(s.contains("M*(<30 kpc) = 3.00e9 Msun ≤ 5e9"), "{s}");
    assert!(s.contains("centres: x,y,z of the CSV catalogue"), "{s}");
    assert!(s.contains("M_sub from all particles in the cutout"), "{s}");
    assert_eq!(ids(&out), vec![1, 1, 1]);

    let out = dir.path().join("none.h5");
    let s = build(&cut, &out, &["--catalog", &cat_s, "--cuts", "none"]);
    assert!(s.contains("written 2 (6 samples), skipped 0"), "{s}");
    assert!(s.contains("cuts: none"), "{s}");
    assert_eq!(ids(&out), vec![1, 1, 1, 2, 2, 2]);
    // The file records the selection, and every sample its dust: these cutouts are written
    // mocks, which keep their own slab (1) whatever --tng-dust says.
    let sel = |p: &std::path::Path| -> serde_json::Value {
        serde_json::from_str(&crate::common::str_attr(
            &hdf5::File::open(p).unwrap(),
            "selection",
        ))
        .unwrap()
    };
    let none = sel(&out);
    assert_eq!(none["cuts"], "none");
    assert_eq!(none["tng_dust"], "gas-column");
    assert_eq!(sel(&dir.path().join("paper.h5"))["cuts"], "paper");
    let f = galmass::dataset::DatasetReader::open(&out).unwrap();
    assert_eq!(f.column::<u8>("meta/dust_model").unwrap(), vec![1; 6]);

    // No catalogue: shrinking spheres, said so; the same selection.
    let out = dir.path().join("ss.h5");
    let s = build(&cut, &out, &[]);
    assert!(s.contains("centres: shrinking spheres"), "{s}");
    assert!(s.contains("R_hsm check: off (no group catalogue)"), "{s}");
    assert_eq!(ids(&out), vec![1, 1, 1]);
}

/// M_sub < 1e14 Msun: from all particles without a group catalogue, from the catalogue's
/// SubhaloMassType (summed, 1e10 Msun/h) when it has one, whatever the particles hold.
#[test]
fn subhalo_mass_cut_from_particles_or_the_group_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    let cut = dir.path().join("cutouts");
    std::fs::create_dir(&cut).unwrap();
    let g = massive_mock();
    // cutout_3's dark matter is scaled so all its particles weigh 2e14 Msun.
    let mut heavy = g.clone();
    let m_other: f64 = heavy.stellar_mass()
        + heavy.gas.mass.iter().map(|&m| m as f64).sum::<f64>()
        + heavy.bh.mass.iter().map(|&m| m as f64).sum::<f64>()
        + heavy
            .analytic_gas
            .as_ref()
            .map_or(0.0, |a| *a.mass_enclosed.last().unwrap());
    let m_dm: f64 = heavy.dm.mass.iter().map(|&m| m as f64).sum();
    let f = ((2e14 - m_other) / m_dm) as f32;
    heavy.dm.mass.iter_mut().for_each(|m| *m *= f);
    let c1 = write(&cut, 1, &g);
    let c3 = write(&cut, 3, &heavy);

    let out = dir.path().join("particles.h5");
    let s = build(&cut, &out, &[]);
    assert!(
        s.contains("above the paper's subhalo-mass cut (e.g. galaxy 3:"),
        "{s}"
    );
    assert!(s.contains("(all particles in the cutout) ≥ 1e14"), "{s}");
    assert_eq!(ids(&out), vec![1, 1, 1]);

    // The catalogue says subhalo 1 weighs 2e14 Msun and subhalo 3 1e12 Msun.
    let units = H / 1e10;
    let mut types = vec![0.1; 4 * 6];
    types[6..12].copy_from_slice(&[0.0, 1.5e14 * units, 0.0, 0.0, 0.5e14 * units, 0.0]);
    types[18..24].copy_from_slice(&[1e11 * units, 8e11 * units, 0.0, 0.0, 1e11 * units, 0.0]);
    let cat = dir.path().join("groups.hdf5");
    group_catalog(
        &cat,
        &[
            ("SubhaloPos", positions(4, &[(1, c1), (3, c3)]), vec![4, 3]),
            ("SubhaloMassType", types, vec![4, 6]),
        ],
        true,
    );
    let out = dir.path().join("catalog.h5");
    let s = build(&cut, &out, &["--catalog", &cat.display().to_string()]);
    assert!(
        s.contains("above the paper's subhalo-mass cut (e.g. galaxy 1:"),
        "{s}"
    );
    assert!(
        s.contains("M_sub = 2.00e14 Msun (the sum of SubhaloMassType"),
        "{s}"
    );
    assert!(
        s.contains("R_hsm check: off (the catalogue has no SubhaloHalfmassRadType)"),
        "{s}"
    );
    assert_eq!(ids(&out), vec![3, 3, 3]);
}

/// Adds the stars and dark matter of `s`, moved by `offset` kpc, to `g`: a cutout that holds
/// a second, more massive galaxy beside the catalogue's subhalo (a parent-halo cutout).
fn with_neighbour(g: &Galaxy, s: &Galaxy, offset: [f32; 3]) -> Galaxy {
    let mut out = g.clone();
    let mv = |p: &[f32; 3]| std::array::from_fn(|k| p[k] + offset[k]);
    let (a, b) = (&mut out.stars, &s.stars);
    a.pos.extend(b.pos.iter().map(mv));
    a.vel.extend(&b.vel);
    a.mass.extend(b.mass.iter().map(|m| 2.0 * m));
    a.mass_init.extend(b.mass_init.iter().map(|m| 2.0 * m));
    a.age.extend(&b.age);
    a.metallicity.extend(&b.metallicity);
    a.lum_g.extend(&b.lum_g);
    a.lum_r.extend(&b.lum_r);
    out.dm.pos.extend(s.dm.pos.iter().map(mv));
    out.dm.vel.extend(&s.dm.vel);
    out.dm.mass.extend(&s.dm.mass);
    out
}

fn centre_of(doc: &str) -> [f64; 3] {
    let v: Value = serde_json::from_str(doc).unwrap();
    std::array::from_fn(|k| v["centre_ckpc_h"][k].as_f64().unwrap())
}

/// A cutout holding the galaxy and a twice as massive neighbour 40 kpc away, where shrinking
/// spheres settle on the neighbour: a group catalogue centres it on SubhaloPos (the written
/// R_hsm is the half-mass radius about that point), a catalogue R_hsm 3× the measured one or
/// the galaxy's own R_hsm (the parent-halo case) skips it with the reason, and
/// `--rhsm-tolerance` sets the tolerance.
#[test]
fn group_catalogue_centres_and_checks_rhsm() {
    let dir = tempfile::tempdir().unwrap();
    let cut = dir.path().join("cutouts");
    std::fs::create_dir(&cut).unwrap();
    let g = massive_mock();
    let both = with_neighbour(&g, &g, [40.0, 0.0, 0.0]);
    let p = write(&cut, 4, &both);
    let file = cut.join("cutout_4.hdf5").display().to_string();
    // Shrinking spheres pick the neighbour (the premise of the test).
    let ss = centre_of(&ok(&["measure", &file, "--json"]));
    let d = (0..3).map(|k| (ss[k] - p[k]).powi(2)).sum::<f64>().sqrt();
    assert!(d > 20.0, "shrinking spheres at {ss:?}, SubhaloPos {p:?}");
    // R_hsm about SubhaloPos (a = 1: kpc = ckpc/h / h).
    let r_about_p = half_mass_radius(&both.stars).unwrap();
    let r_own = half_mass_radius(&g.stars).unwrap();
    let cat = |name: &str, r_kpc: f64| {
        let path = dir.path().join(name);
        let mut rad = vec![1.0; 5 * 6];
        rad[6 * 4 + 4] = r_kpc * H;
        group_catalog(
            &path,
            &[
                ("SubhaloPos", positions(5, &[(4, p)]), vec![5, 3]),
                ("SubhaloHalfmassRadType", rad, vec![5, 6]),
                ("SubhaloMass", vec![100.0; 5], vec![5]),
            ],
            false,
        );
        path.display().to_string()
    };

    // measure: the centre is SubhaloPos, and a consistent catalogue draws no warning. The
    // name does not say HDF5: the content does.
    let good = cat("groups.bin", r_about_p);
    let o = galmass(&["measure", &file, "--json", "--catalog", &good]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(centre_of(&String::from_utf8_lossy(&o.stdout)), p);
    assert!(!String::from_utf8_lossy(&o.stderr).contains("warning"));

    let out = dir.path().join("good.h5");
    let s = build(&cut, &out, &["--catalog", &good]);
    assert!(
        s.contains("centres: Subhalo/SubhaloPos of the group catalogue"),
        "{s}"
    );
    assert!(s.contains("M_sub from SubhaloMass in the catalogue"), "{s}");
    assert!(s.contains("tolerance 10 %"), "{s}");
    assert_eq!(ids(&out), vec![4, 4, 4]);
    for r in rhsm(&out) {
        assert!((r / r_about_p - 1.0).abs() < 1e-4, "{r} vs {r_about_p}");
    }
    // Without the catalogue the same cutout is centred elsewhere, with another R_hsm.
    let out = dir.path().join("ss.h5");
    build(&cut, &out, &[]);
    assert!((rhsm(&out)[0] / r_about_p - 1.0).abs() > 0.2);

    // The catalogue's R_hsm three times the measured one: skipped, with the reason.
    let wide = cat("wide.hdf5", 3.0 * r_about_p);
    let out = dir.path().join("wide.h5");
    let o = galmass(&[
        "dataset",
        "build",
        "--source",
        "tng",
        "--cutouts",
        &cut.display().to_string(),
        "--catalog",
        &wide,
        "--image-size",
        "60",
        "--out",
        &out.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(2), "nothing usable");
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.contains("1 × R_hsm disagrees with the catalogue"), "{s}");
    assert!(s.contains("(-67 %, tolerance 10 %)"), "{s}");
    // The galaxy's own R_hsm in the catalogue, its neighbour in the cutout: parent-halo.
    let own = cat("own.hdf5", r_own);
    let o = galmass(&["measure", &file, "--catalog", &own]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("warning") && err.contains("parent-halo"),
        "{err}"
    );
    let out = dir.path().join("own.h5");
    let s = build(&cut, &out, &["--catalog", &own, "--rhsm-tolerance", "off"]);
    assert!(s.contains("R_hsm check: off (--rhsm-tolerance off)"), "{s}");
    assert_eq!(ids(&out), vec![4, 4, 4]);
    // 5 % off passes the default 10 % and fails a 1 % tolerance.
    let near = cat("near.hdf5", 1.05 * r_about_p);
    let out = dir.path().join("near.h5");
    build(&cut, &out, &["--catalog", &near]);
    assert_eq!(ids(&out), vec![4, 4, 4]);
    let o = galmass(&[
        "dataset",
        "build",
        "--source",
        "tng",
        "--cutouts",
        &cut.display().to_string(),
        "--catalog",
        &near,
        "--rhsm-tolerance",
        "0.01",
        "--out",
        &out.with_extension("tight.h5").display().to_string(),
    ]);
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(
        s.contains("R_hsm disagrees") && s.contains("tolerance 1 %"),
        "{s}"
    );
}

/// A group catalogue without SubhaloPos, of the wrong shape, with too few rows, NaN or
/// negative values in a galaxy's row, or not HDF5 at all exits 2 naming the file and the
/// field, without panicking and without writing the output.
#[test]
fn bad_group_catalogues_exit_2_naming_file_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let cut = dir.path().join("cutouts");
    std::fs::create_dir(&cut).unwrap();
    let c1 = write(&cut, 1, &massive_mock());
    let cut_s = cut.display().to_string();
    let out = dir.path().join("x.h5");
    let out_s = out.display().to_string();
    let pos = positions(3, &[(1, c1)]);
    let cases: Vec<(&str, Vec<Field>, Vec<&str>)> = vec![
        (
            "nopos.hdf5",
            vec![("SubhaloMass", vec![1.0; 3], vec![3])],
            vec!["missing Subhalo/SubhaloPos"],
        ),
        (
            "shape.hdf5",
            vec![("SubhaloPos", vec![0.0; 6], vec![3, 2])],
            vec!["Subhalo/SubhaloPos", "expected (N, 3)"],
        ),
        (
            "rows.hdf5",
            vec![
                ("SubhaloPos", pos.clone(), vec![3, 3]),
                ("SubhaloHalfmassRadType", vec![1.0; 12], vec![2, 6]),
            ],
            vec!["Subhalo/SubhaloHalfmassRadType", "2 rows"],
        ),
        (
            "nan.hdf5",
            vec![(
                "SubhaloPos",
                {
                    let mut v = pos.clone();
                    v[4] = f64::NAN;
                    v
                },
                vec![3, 3],
            )],
            vec!["Subhalo/SubhaloPos", "non-finite", "row 1"],
        ),
        (
            "negative.hdf5",
            vec![
                ("SubhaloPos", pos.clone(), vec![3, 3]),
                ("SubhaloMass", vec![1.0, -2.0, 1.0], vec![3]),
            ],
            vec!["Subhalo/SubhaloMass", "negative"],
        ),
        (
            "short.hdf5",
            vec![("SubhaloPos", vec![0.0; 3], vec![1, 3])],
            vec!["Subhalo/SubhaloPos", "no row 1", "1 subhaloes"],
        ),
    ];
    for (name, fields, names) in cases {
        let path = dir.path().join(name);
        group_catalog(&path, &fields, false);
        let p = path.display().to_string();
        let mut want = vec![p.as_str()];
        want.extend(&names);
        exit2(
            &[
                "dataset",
                "build",
                "--source",
                "tng",
                "--cutouts",
                &cut_s,
                "--catalog",
                &p,
                "--out",
                &out_s,
            ],
            &want,
        );
        assert!(!out.exists() && !out.with_extension("h5.partial").exists());
        let file = cut.join("cutout_1.hdf5").display().to_string();
        exit2(&["measure", &file, "--catalog", &p], &want);
    }
    // Not HDF5 although named so: the HDF5 reader says it cannot open it.
    let fake = dir.path().join("fake.hdf5");
    std::fs::write(&fake, "id,x,y,z\n1,0,0,0\n").unwrap();
    let f = fake.display().to_string();
    exit2(
        &[
            "dataset",
            "build",
            "--source",
            "tng",
            "--cutouts",
            &cut_s,
            "--catalog",
            &f,
            "--out",
            &out_s,
        ],
        &[&f, "cannot open as an HDF5 file"],
    );
}

/// `--help` shows the thresholds; the flags are refused for mock galaxies (which the
/// generator selects).
#[test]
fn help_shows_the_cuts_and_mock_refuses_them() {
    let h = ok(&["dataset", "build", "--help"]);
    for s in ["--cuts", "5e9", "1e14", "M*(<30", "--rhsm-tolerance", "0.1"] {
        assert!(h.contains(s), "{s}: {h}");
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.h5").display().to_string();
    let mut args = vec![
        "dataset",
        "build",
        "--source",
        "mock",
        "--galaxies",
        "1",
        "--cuts",
        "none",
        "--out",
        &out,
    ];
    args.extend_from_slice(&SMALL);
    exit2(&args, &["--cuts", "--source tng"]);
}
