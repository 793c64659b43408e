//! galaxy-model.md test 22 on real mock galaxies: mock → TNG layout → reader reproduces the
//! particles to f32 precision, and the measurements of the read-back galaxy equal those of
//! the in-memory mock.

use crate::common;

use galmass::tng::{
    CentreSource, ReadOptions, WriteOptions, box_position, read_cutout, write_cutout,
};
use galmass_core::measure::{MeasureOptions, measure};
use galmass_core::mock::{MockOptions, generate, selected_indices};

#[test]
fn mock_round_trip_through_the_tng_layout() {
    let opts = MockOptions {
        n_star: 3000,
        n_dm: 3000,
        n_gas: 500,
        ..MockOptions::default()
    };
    let dir = tempfile::tempdir().unwrap();
    for index in selected_indices(21, 2, &opts) {
        let mg = generate(21, index, &opts).unwrap();
        let path = dir.path().join(format!("cutout_{index}.hdf5"));
        let wo = WriteOptions {
            centre_ckpc_h: box_position(index, 75_000.0),
            ..WriteOptions::default()
        };
        write_cutout(&path, &mg.galaxy, &wo).unwrap();
        let ro = ReadOptions {
            centre: CentreSource::Catalog(wo.centre_ckpc_h),
            ..ReadOptions::default()
        };
        let cut = read_cutout(&path, &ro).unwrap();
        common::assert_same_particles(&mg.galaxy, &cut.galaxy, cut.v_sys_kms);
        assert_eq!(mg.galaxy.dust, cut.galaxy.dust);
        assert_eq!(mg.galaxy.analytic_gas, cut.galaxy.analytic_gas);

        // Same measurements: masses to f32 precision (1e-6 dex), photometry likewise.
        let mo = MeasureOptions::default();
        let (a, b) = (
            measure(&mg.galaxy, &mo).unwrap(),
            measure(&cut.galaxy, &mo).unwrap(),
        );
        assert!(
            common::close(a.rhsm_kpc, b.rhsm_kpc, 1e-5, 0.0),
            "{} vs {}",
            a.rhsm_kpc,
            b.rhsm_kpc
        );
        for (p, q) in a.projections.iter().zip(&b.projections) {
            let (s, t) = (&p.targets, &q.targets);
            for (x, y) in [
                (s.mstar, t.mstar),
                (s.mtot, t.mtot),
                (s.mdm, t.mdm),
                (s.mstar_2r, t.mstar_2r),
            ] {
                assert!((x - y).abs() < 1e-4, "{x} vs {y}");
            }
            assert!((p.features.mr - q.features.mr).abs() < 1e-4);
            assert!((p.features.g_r - q.features.g_r).abs() < 1e-4);
        }
    }
}
