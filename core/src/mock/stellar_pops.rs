//! Per-particle stellar populations of one component (galaxy-model.md 2.1 and 2.7): formation
//! times from the component's SFH, current masses after mass loss (rescaled so the component
//! holds exactly its stellar mass), metallicities with age and radial trends, and dust-free
//! g, r luminosities from the SSP table.

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

use super::sfh::{Sfh, f_loss};
use super::ssp::luminosities;
use crate::units::{T0_GYR, Z_SUN};

/// Lower and upper clip of particle metallicities [Z/H] in dex.
pub const ZH_CLIP: (f64, f64) = (-2.0, 0.5);

/// Stellar-population attributes of the particles of one component, in particle order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ComponentPopulation {
    /// Current masses in M☉ (sum equals the component's stellar mass).
    pub mass: Vec<f64>,
    /// Initial (formed) masses in M☉.
    pub mass_init: Vec<f64>,
    /// Ages in Gyr.
    pub age: Vec<f64>,
    /// Metallicities [Z/H] in dex.
    pub zh: Vec<f64>,
    /// Dust-free g-band luminosities in L☉,g.
    pub lum_g: Vec<f64>,
    /// Dust-free r-band luminosities in L☉,r.
    pub lum_r: Vec<f64>,
}

impl ComponentPopulation {
    /// Metal mass fractions Z = Z☉ 10^{[Z/H]}.
    pub fn metallicity(&self) -> impl Iterator<Item = f64> + '_ {
        self.zh.iter().map(|z| Z_SUN * 10f64.powf(*z))
    }
}

/// Radial metallicity offset of a bulge star at 3D radius `r` (kpc) in a bulge of effective
/// radius `re_b`: Δ_rad = −0.2 log10(r/R_e,b) (Kuntschner+2010-like). Radii below 10⁻⁴ R_e,b
/// are treated as 10⁻⁴ R_e,b (the final [Z/H] is clipped anyway).
pub fn bulge_gradient(r: f64, re_b: f64) -> f64 {
    -0.2 * (r / re_b).max(1e-4).log10()
}

/// Radial metallicity offset of a disc star at cylindrical radius `r_cyl` (kpc) in a disc of
/// scale length `r_d`: Δ_rad = −0.06 (R/R_d − 1.5) (≈ −0.1 dex per R_e).
pub fn disc_gradient(r_cyl: f64, r_d: f64) -> f64 {
    -0.06 * (r_cyl / r_d - 1.5)
}

/// Realises the populations of one component: particle i forms at t_f(u_t\[i\]) of `sfh`
/// (age = T0 − t_f), has initial mass `m0` and current mass m0 (1 − f_loss(age)); then masses
/// and initial masses are rescaled together so that Σ m equals `m_target` exactly. Metallicity
/// [Z/H]_i = zh_gal + max(0.3 (log F_i + 0.434), −1) + Δ_rad,i + 0.1 N(0,1), clipped to
/// [−2, 0.5], with F_i = (rank of t_f + 0.5)/N (earliest smallest). One normal deviate is drawn
/// from `rng` per particle, in particle order.
pub fn realise_component<R: Rng + ?Sized>(
    sfh: &Sfh,
    u_t: &[f64],
    delta_rad: &[f64],
    zh_gal: f64,
    m0: f64,
    m_target: f64,
    rng: &mut R,
) -> ComponentPopulation {
    let n = u_t.len();
    let t_f: Vec<f64> = u_t.iter().map(|&u| sfh.formation_time(u)).collect();
    let age: Vec<f64> = t_f.iter().map(|t| (T0_GYR - t).max(0.0)).collect();
    // Ranks by formation time: t_f ≥ 0, so its IEEE bits order like the values; ties are
    // broken by particle index (deterministic).
    let mut order: Vec<(u64, usize)> = t_f.iter().map(|t| t.max(0.0).to_bits()).zip(0..n).collect();
    order.sort_unstable();
    let mut rank = vec![0usize; n];
    for (k, &(_, i)) in order.iter().enumerate() {
        rank[i] = k;
    }
    let zh: Vec<f64> = (0..n)
        .map(|i| {
            let f = (rank[i] as f64 + 0.5) / n as f64;
            let g: f64 = StandardNormal.sample(rng);
            let dr = delta_rad.get(i).copied().unwrap_or(0.0);
            (zh_gal + (0.3 * (f.log10() + 0.434)).max(-1.0) + dr + 0.1 * g)
                .clamp(ZH_CLIP.0, ZH_CLIP.1)
        })
        .collect();
    let mut mass: Vec<f64> = age.iter().map(|&a| m0 * (1.0 - f_loss(a))).collect();
    let total: f64 = mass.iter().sum();
    let scale = if total > 0.0 { m_target / total } else { 0.0 };
    for m in &mut mass {
        *m *= scale;
    }
    let mass_init = vec![m0 * scale; n];
    let (mut lum_g, mut lum_r) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        let (g, r) = luminosities(mass[i], age[i], zh[i]);
        lum_g.push(g);
        lum_r.push(r);
    }
    ComponentPopulation {
        mass,
        mass_init,
        age,
        zh,
        lum_g,
        lum_r,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::galaxy_rng;
    use crate::mock::sfh::SfhShape;
    use crate::units::{MSUN_G, MSUN_R};

    fn stratified(n: usize) -> Vec<f64> {
        (0..n).map(|i| (i as f64 + 0.5) / n as f64).collect()
    }

    #[test]
    fn particle_composites_follow_bell_2003() {
        // Test 19 with particles: N = 10⁴ stratified ages, [Z/H]_gal = 0, no gradient.
        let mut rng = galaxy_rng(1, 1);
        for i in 0..=4 {
            let gamma = i as f64 / 4.0;
            let sfh = Sfh::new(&SfhShape {
                gamma,
                quench_lookback: None,
                burst: None,
            });
            let u = stratified(10_000);
            let pop = realise_component(&sfh, &u, &[], 0.0, 1.0, 1e10, &mut rng);
            let m: f64 = pop.mass.iter().sum();
            let lr: f64 = pop.lum_r.iter().sum();
            let lg: f64 = pop.lum_g.iter().sum();
            let gr = -2.5 * (lg / lr).log10() + (MSUN_G - MSUN_R);
            let d = (m / lr).log10() - (-0.399 + 1.097 * gr);
            assert!(d.abs() < 0.1, "γ={gamma}: Δ={d}");
        }
    }

    #[test]
    fn masses_are_exact_and_track_mass_loss() {
        let mut rng = galaxy_rng(2, 3);
        let sfh = Sfh::new(&SfhShape {
            gamma: 0.3,
            quench_lookback: Some(3.0),
            burst: None,
        });
        let u: Vec<f64> = (0..5000).map(|_| rng.random::<f64>()).collect();
        let pop = realise_component(&sfh, &u, &[], 0.0, 7.0, 3.3e9, &mut rng);
        let m: f64 = pop.mass.iter().sum();
        assert!((m / 3.3e9 - 1.0).abs() < 1e-12);
        for i in 0..u.len() {
            let want = 1.0 - f_loss(pop.age[i]);
            assert!((pop.mass[i] / pop.mass_init[i] - want).abs() < 1e-12);
        }
        // Equal initial masses ≈ M_target/⟨1 − f_loss⟩/N.
        let m0 = 3.3e9 / sfh.mean_surviving_fraction() / 5000.0;
        assert!((pop.mass_init[0] / m0 - 1.0).abs() < 0.01);
    }

    #[test]
    fn metallicity_has_the_mean_and_trends_of_the_spec() {
        let mut rng = galaxy_rng(4, 0);
        let sfh = Sfh::new(&SfhShape {
            gamma: 0.2,
            quench_lookback: None,
            burst: None,
        });
        let n = 20_000;
        let u = stratified(n);
        let pop = realise_component(&sfh, &u, &[], -0.3, 1.0, 1.0, &mut rng);
        // max(0.3 (log F + 0.434), −1) has zero mean for uniform F (clip at F < 10^-3.77 aside).
        let mean = pop.zh.iter().sum::<f64>() / n as f64;
        assert!((mean + 0.3).abs() < 0.01, "{mean}");
        // Older stars (small u) are more metal-poor.
        let old = pop.zh[..n / 10].iter().sum::<f64>() / (n / 10) as f64;
        let young = pop.zh[n - n / 10..].iter().sum::<f64>() / (n / 10) as f64;
        assert!(young - old > 0.3, "{old} {young}");
        assert!(pop.zh.iter().all(|z| (ZH_CLIP.0..=ZH_CLIP.1).contains(z)));
        // Gradients.
        assert!((bulge_gradient(10.0, 1.0) + 0.2).abs() < 1e-12);
        assert!((disc_gradient(2.5, 1.0) + 0.06).abs() < 1e-12);
        let z: Vec<f64> = pop.metallicity().take(1).collect();
        assert!((z[0] / Z_SUN - 10f64.powf(pop.zh[0])).abs() < 1e-12);
    }
}
