//! End-to-end checks of the profile and dynamics modules assembled into one galaxy (bulge,
//! disc, gas, contracted halo), as the generator does.

use super::HaloResponse;
use super::disc_kinematics::{DiscKinematics, GAS_SIGMA, gas_velocities};
use super::galaxy_rng;
use super::halo::{DarkHalo, IMPORTANCE_K};
use super::jeans::{JeansTable, draw_velocities, flip_rotation};
use super::potential::MassProfile;
use super::profiles::{Baryons, ExpDisc, GasDisc, Hernquist};
use super::stratified::rank_paired_uniforms;

fn norm(v: &[f64; 3]) -> f64 {
    (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt()
}

#[test]
fn assembled_galaxy_is_bound_rotating_and_in_jeans_equilibrium() {
    let (mb, md, mg, m200) = (1.5e10, 3e10, 5e9, 1e12);
    let rd = 3.0;
    let b = Baryons {
        bulge: Some(Hernquist::new(mb, 0.8)),
        disc: Some(ExpDisc::new(md, rd, 0.8)),
        gas: Some(GasDisc::new(mg, 1.7 * rd, rd, 0.4)),
        m_bh: 0.0,
    };
    let halo = DarkHalo::new(m200, 9.0, HaloResponse::Gnedin04, &b, (mb + md + mg) / m200);
    let prof = MassProfile::new(&b, &halo);
    let bulge = b.bulge.as_ref().unwrap();
    let disc = b.disc.as_ref().unwrap();
    let jb = JeansTable::new(&prof, |r| bulge.density(r), 0.2);
    let jh = JeansTable::new(&prof, |r| halo.density(r), 0.0);
    let kin = DiscKinematics::new(disc, &b, &halo, 0.6);
    let mut rng = galaxy_rng(99, 5);

    let pb = bulge.sample_positions(&mut rng, 3000);
    let mut vb = draw_velocities(&mut rng, &pb, &jb, &prof);
    flip_rotation(&mut rng, &pb, &mut vb, 0.4);
    let (ur, _ut) = rank_paired_uniforms(&mut rng, 7000, 0.3);
    let pd = disc.positions_from_quantiles(&mut rng, &ur);
    let vd = kin.draw_velocities(&mut rng, &pd, &prof);
    let pg = b.gas.as_ref().unwrap().sample_positions(&mut rng, 2000);
    let vg = gas_velocities(&mut rng, &pg, |r| kin.circular_speed(r), GAS_SIGMA);
    let (ph, mh) = halo.sample(&mut rng, 10_000, IMPORTANCE_K);
    let vh = draw_velocities(&mut rng, &ph, &jh, &prof);

    // Stars and DM are bound in the galaxy's potential.
    for (p, v) in pb
        .iter()
        .zip(&vb)
        .chain(pd.iter().zip(&vd))
        .chain(ph.iter().zip(&vh))
    {
        assert!(norm(v) < prof.escape_speed(norm(p)));
    }
    // The disc and gas rotate with +z angular momentum; the flipped bulge rotates slowly.
    let lz = |p: &[[f64; 3]], v: &[[f64; 3]]| {
        p.iter()
            .zip(v)
            .map(|(x, v)| x[0] * v[1] - x[1] * v[0])
            .sum::<f64>()
            / p.len() as f64
    };
    let ljz = |p: &[[f64; 3]], v: &[[f64; 3]]| {
        p.iter()
            .zip(v)
            .map(|(x, v)| (x[0] * v[1] - x[1] * v[0]).abs())
            .sum::<f64>()
            / p.len() as f64
    };
    assert!(lz(&pd, &vd) > 0.8 * ljz(&pd, &vd));
    assert!(lz(&pg, &vg) > 0.95 * ljz(&pg, &vg));
    let fb = lz(&pb, &vb) / ljz(&pb, &vb);
    assert!((fb - 0.4).abs() < 0.05, "bulge net rotation {fb}");
    // Importance-sampled DM: mass-weighted 1D σ² in radial shells matches the Jeans table.
    let rs = halo.nfw.r_s;
    for (lo, hi) in [(0.05 * rs, 0.15 * rs), (0.3 * rs, 0.6 * rs), (rs, 2.0 * rs)] {
        let (mut w, mut s2, mut t2) = (0.0, 0.0, 0.0);
        for ((p, v), m) in ph.iter().zip(&vh).zip(&mh) {
            let r = norm(p);
            if r >= lo && r < hi {
                w += m;
                s2 += m * (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]) / 3.0;
                t2 += m * jh.sigma_r(r).powi(2);
            }
        }
        let ratio = (s2 / t2).sqrt();
        assert!(
            w > 0.0 && (ratio - 1.0).abs() < 0.06,
            "shell {lo:.1}–{hi:.1} kpc: σ ratio {ratio}"
        );
    }
    // The contracted halo holds more DM inside the disc than the NFW halo did.
    assert!(prof.enclosed_dm(2.0 * rd) > halo.nfw.enclosed_dm(2.0 * rd));
    let total_dm: f64 = mh.iter().sum();
    assert!((total_dm / halo.nfw.m_dm - 1.0).abs() < 1e-12);
}
