//! Per-galaxy parameters of the physics variants (beyond the spec and the paper;
//! galaxy-model.md §9): an IMF offset, a halo contraction efficiency and more frequent
//! starbursts, and the size offset.
//!
//! Reproducibility: the variant draws come from a ChaCha8 stream of their own, seeded by one
//! `u64` taken from the galaxy's stream after the spec's draws 1–13, and only when an option
//! asks for them ([`MockOptions::draws_variants`]). With the default options nothing is taken,
//! so default galaxies are bit-identical to the spec's generator. The variant stream always
//! draws the same numbers in the same order (IMF, efficiency, burst), whichever options are
//! on, so a galaxy has the same IMF offset under `ml-scatter` and `hard`.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use super::stellar_pops::ComponentPopulation;
use super::{Bursts, HaloResponse, MockOptions};

/// Range of the per-galaxy contraction efficiency ν ~ U(0, 2) of `gnedin04_scatter`: from a
/// halo that does not respond (ν = 0; outflows can cancel the contraction, Dutton et al.
/// 2016, MNRAS 461, 2658) through the Gnedin+2004 response (ν = 1) to a contraction twice as
/// displaced, toward the standard adiabatic model (Blumenthal et al. 1986), which Gnedin et
/// al. (2004) found to overpredict the average; the response varies from system to system in
/// hydrodynamic simulations (Gnedin et al. 2011, arXiv:1108.5736; Tissera et al. 2010,
/// MNRAS 406, 922). Mean 1, so the population's median response stays the spec's.
pub const CONTRACTION_EFFICIENCY_RANGE: (f64, f64) = (0.0, 2.0);
/// Probability of a disc starburst with `bursts = frequent`: (star-forming, quenched) hosts.
/// Twice and three times the spec's 0.3 and 0.1: bursts in the last 1–2 Gyr are common among
/// SDSS galaxies below ~3·10¹⁰ M☉ (Kauffmann et al. 2003, MNRAS 341, 33; Hδ_A–D4000n).
pub const FREQUENT_BURST_PROBABILITY: (f64, f64) = (0.6, 0.3);
/// log10 range of the burst's fraction of the disc's formed mass with `bursts = frequent`
/// (1–20 %, the spec's 1–10 % extended).
pub const FREQUENT_BURST_LOG_FRACTION: (f64, f64) = (-2.0, -0.7);
/// Look-back range in Gyr of the burst peak with `bursts = frequent` (the spec: 0.05–3 Gyr):
/// recent bursts move a galaxy furthest off the colour–M/L relation (Bell & de Jong 2001,
/// ApJ 550, 212).
pub const FREQUENT_BURST_LOOKBACK_GYR: (f64, f64) = (0.02, 2.0);

/// Factor 10^size_offset_dex applied to the drawn disc scale length and spheroid size (exactly
/// 1 without an offset).
pub fn size_factor(opts: &MockOptions) -> f64 {
    if opts.size_offset_dex == 0.0 {
        1.0
    } else {
        10f64.powf(opts.size_offset_dex)
    }
}

/// The variant parameters of one galaxy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VariantDraws {
    /// IMF offset δ = Δlog10(M*/L) in dex (0 without `imf_scatter_dex`).
    pub imf_offset_dex: f64,
    /// Halo contraction efficiency ν (1 unless `halo_response = gnedin04_scatter`).
    pub contraction_efficiency: f64,
    /// With `bursts = frequent`, the disc burst replacing the spec's: `Some(Some((look-back
    /// Gyr, fraction of the disc's formed mass)))`, or `Some(None)` for no burst; `None` keeps
    /// the spec's burst.
    pub burst: Option<Option<(f64, f64)>>,
}

/// Draws the variant parameters of a galaxy (`quenched`: its flag Q) after the spec's draws
/// 1–13 of `rng`: the IMF offset δ = σ_IMF N(0,1) dex, the contraction efficiency
/// ν ~ U(0, 2), and with frequent bursts a new burst (probability, look-back, mass fraction).
/// `None`, taking nothing from `rng`, unless `opts` asks for a variant.
pub fn draw<R: Rng + ?Sized>(
    rng: &mut R,
    quenched: bool,
    opts: &MockOptions,
) -> Option<VariantDraws> {
    if !opts.draws_variants() {
        return None;
    }
    let mut v = ChaCha8Rng::seed_from_u64(rng.random::<u64>());
    let g: f64 = StandardNormal.sample(&mut v);
    let u_nu: f64 = v.random();
    let (u_burst, u_lookback, u_frac): (f64, f64, f64) = (v.random(), v.random(), v.random());
    let (lo, hi) = CONTRACTION_EFFICIENCY_RANGE;
    let (sf, q) = FREQUENT_BURST_PROBABILITY;
    let (l0, l1) = FREQUENT_BURST_LOOKBACK_GYR;
    let (f0, f1) = FREQUENT_BURST_LOG_FRACTION;
    let burst = (u_burst < if quenched { q } else { sf }).then(|| {
        (
            l0 + (l1 - l0) * u_lookback,
            10f64.powf(f0 + (f1 - f0) * u_frac),
        )
    });
    Some(VariantDraws {
        imf_offset_dex: if opts.imf_scatter_dex > 0.0 {
            opts.imf_scatter_dex * g
        } else {
            0.0
        },
        contraction_efficiency: if opts.halo_response == HaloResponse::Gnedin04Scatter {
            lo + (hi - lo) * u_nu
        } else {
            1.0
        },
        burst: (opts.bursts == Bursts::Frequent).then_some(burst),
    })
}

/// Applies an IMF offset of `offset_dex` to a component: L_g and L_r of every star × 10^−δ,
/// masses and colours unchanged, so log M*/L rises by δ at fixed g − r. A heavier IMF adds
/// mass in faint dwarfs or remnants that emit little light (Cappellari et al. 2012, Nature
/// 484, 485; Conroy & van Dokkum 2012, ApJ 760, 71); its effect on g − r (≲ 0.02 mag) is
/// neglected. No change for δ = 0.
pub fn apply_imf_offset(pop: &mut ComponentPopulation, offset_dex: f64) {
    if offset_dex == 0.0 {
        return;
    }
    let f = 10f64.powf(-offset_dex);
    for l in pop.lum_g.iter_mut().chain(pop.lum_r.iter_mut()) {
        *l *= f;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imf_offset_scales_light_only() {
        let mut pop = ComponentPopulation {
            mass: vec![1.0, 2.0],
            lum_g: vec![1.0, 4.0],
            lum_r: vec![2.0, 3.0],
            ..Default::default()
        };
        let before = pop.clone();
        apply_imf_offset(&mut pop, 0.0);
        assert_eq!(pop, before);
        apply_imf_offset(&mut pop, 0.1);
        for k in 0..2 {
            let dml = (before.lum_r[k] / pop.lum_r[k]).log10();
            assert!((dml - 0.1).abs() < 1e-12);
            assert!(
                (pop.lum_g[k] / pop.lum_r[k] - before.lum_g[k] / before.lum_r[k]).abs() < 1e-12
            );
        }
        assert_eq!(pop.mass, before.mass);
    }
}
