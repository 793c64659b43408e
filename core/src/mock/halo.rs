//! The dark-matter halo (galaxy-model.md 2.3): an NFW profile truncated at r200, realised with
//! importance-sampled particle masses, optionally contracted by the baryons following Gnedin et
//! al. (2004). Units: kpc, M☉.

use super::HaloResponse;
use super::profiles::Baryons;
use super::special::lambert_w0;
use super::stratified::isotropic_direction;
use crate::units::{OMEGA_B, OMEGA_M, RHO_CRIT};
use rand::Rng;
use std::f64::consts::PI;

/// Exponent k of the DM importance sampling: enclosed-mass fraction μ_i = v_i^k (2.3).
pub const IMPORTANCE_K: i32 = 3;
/// Gnedin+2004 contraction parameter A0.
pub const GNEDIN_A0: f64 = 0.85;
/// Gnedin+2004 contraction exponent w.
pub const GNEDIN_W: f64 = 0.8;
/// Nodes of the contraction table.
pub const CONTRACTION_NODES: usize = 600;

/// Radius r200 in kpc inside which the mean density is 200 ρcrit, for a halo mass M200c `m200`
/// (M☉): (3 M200 / (4π · 200 ρcrit))^{1/3}.
pub fn r200(m200: f64) -> f64 {
    (3.0 * m200 / (4.0 * PI * 200.0 * RHO_CRIT)).cbrt()
}

/// Dark-matter mass (M☉) of a halo of mass M200: (1 − Ωb/Ωm) M200 = 0.8427 M200.
pub fn dm_mass(m200: f64) -> f64 {
    (1.0 - OMEGA_B / OMEGA_M) * m200
}

/// The NFW mass function m(x) = ln(1+x) − x/(1+x) (series below x = 0.01, no cancellation).
pub fn nfw_m(x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x < 1e-2 {
        // Σ_{n≥2} (−1)^n (n−1) xⁿ / n
        let mut s = 0.0;
        let mut p = x * x;
        for n in 2..12 {
            let sign = if n % 2 == 0 { 1.0 } else { -1.0 };
            s += sign * (n - 1) as f64 * p / n as f64;
            p *= x;
        }
        return s;
    }
    x.ln_1p() - x / (1.0 + x)
}

/// Inverse of [`nfw_m`]: the x with m(x) = q (q ≥ 0), x = −1/W₀(−exp(−1 − q)) − 1 (Robotham &
/// Howlett 2018), polished by two Newton steps in x so that m(x) = q to ~1e-14 relative even at
/// tiny q.
pub fn nfw_x_of_m(q: f64) -> f64 {
    if q <= 0.0 {
        return 0.0;
    }
    let mut x = if q < 1e-8 {
        // m(x) ≈ x²/2 − 2x³/3: start from the series inverse.
        let s = (2.0 * q).sqrt();
        s + 4.0 / 3.0 * q
    } else {
        let w = lambert_w0(-(-1.0 - q).exp());
        -1.0 / w - 1.0
    };
    for _ in 0..2 {
        if x <= 0.0 || !x.is_finite() {
            break;
        }
        let f = nfw_m(x) - q;
        let d = x / ((1.0 + x) * (1.0 + x));
        x -= f / d;
    }
    x.max(0.0)
}

/// An NFW halo of mass M200c and concentration c; its dark matter is (1 − Ωb/Ωm) M200.
#[derive(Clone, Debug, PartialEq)]
pub struct Nfw {
    /// Halo mass M200c in M☉ (dark + baryons).
    pub m200: f64,
    /// Concentration c = r200/r_s.
    pub c: f64,
    /// r200 in kpc.
    pub r200: f64,
    /// Scale radius r_s = r200/c in kpc.
    pub r_s: f64,
    /// Dark-matter mass inside r200, M_DM = 0.8427 M200, in M☉.
    pub m_dm: f64,
    /// m(c), the normalisation of the enclosed-mass fraction.
    pub m_c: f64,
}

impl Nfw {
    /// The halo of mass `m200` (M☉) and concentration `c`.
    pub fn new(m200: f64, c: f64) -> Self {
        let r200 = r200(m200);
        Self {
            m200,
            c,
            r200,
            r_s: r200 / c,
            m_dm: dm_mass(m200),
            m_c: nfw_m(c),
        }
    }

    /// Uncontracted dark-matter mass in M☉ inside radius `r` kpc: M_DM m(r/r_s)/m(c)
    /// (untruncated, so it keeps growing beyond r200).
    pub fn enclosed_dm(&self, r: f64) -> f64 {
        self.m_dm * nfw_m(r / self.r_s) / self.m_c
    }

    /// Initial total (dark + baryon) mass M_i(<r) = M200 m(r/r_s)/m(c) of the contraction model.
    pub fn enclosed_total(&self, r: f64) -> f64 {
        self.m200 * nfw_m(r / self.r_s) / self.m_c
    }

    /// Dark-matter density in M☉ kpc⁻³ of the untruncated NFW profile.
    pub fn density(&self, r: f64) -> f64 {
        let x = r / self.r_s;
        self.m_dm / (4.0 * PI * self.r_s.powi(3) * self.m_c) / (x * (1.0 + x) * (1.0 + x))
    }

    /// Radius (kpc) enclosing the dark-matter fraction `mu` ∈ \[0, 1\] of the truncated halo.
    pub fn radius_of_fraction(&self, mu: f64) -> f64 {
        self.r_s * nfw_x_of_m(mu.clamp(0.0, 1.0) * self.m_c)
    }
}

/// The Gnedin+2004 contracted halo as a table: dark-matter fraction μ inside the final radius r_f.
#[derive(Clone, Debug, PartialEq)]
pub struct Contraction {
    /// ln r_f (kpc) at the nodes, increasing.
    pub ln_rf: Vec<f64>,
    /// ln μ at the nodes (μ = m(r_i/r_s)/m(c), the DM fraction inside r_f).
    pub ln_mu: Vec<f64>,
    /// Local logarithmic slope dln μ/dln r_f at the nodes.
    pub slope: Vec<f64>,
}

impl Contraction {
    /// Contract `nfw` in response to `baryons` with galaxy mass fraction `f_gal` = (M* + M_gas)/M200:
    /// on a 600-node log grid r_i from `r_min` to r200, r_f is the fixed point of
    /// r_f = r_i M_i(r̄(r_i)) / [M_bar(r̄(r_f)) + (1 − f_gal) M_i(r̄(r_i))], r̄(r) = A0 r200 (r/r200)^w,
    /// solved per node to 1e-13 in ln r_f.
    pub fn new(nfw: &Nfw, baryons: &Baryons, f_gal: f64, r_min: f64) -> Self {
        Self::with_efficiency(nfw, baryons, f_gal, r_min, 1.0)
    }

    /// [`Contraction::new`] with the radial displacement of every node scaled by the
    /// efficiency ν: r_f → r_i (r_f/r_i)^ν (the generalised response of Dutton et al. 2007,
    /// ApJ 654, 27, applied to the Gnedin+2004 solution). ν = 1 is the Gnedin+2004 halo
    /// exactly, ν = 0 the uncontracted NFW, ν > 1 a stronger contraction. Halo responses differ
    /// from galaxy to galaxy in hydrodynamic simulations (Gnedin et al. 2011, arXiv:1108.5736;
    /// Tissera et al. 2010, MNRAS 406, 922), down to none or expansion where outflows
    /// dominate (Dutton et al. 2016, MNRAS 461, 2658).
    pub fn with_efficiency(
        nfw: &Nfw,
        baryons: &Baryons,
        f_gal: f64,
        r_min: f64,
        efficiency: f64,
    ) -> Self {
        let n = CONTRACTION_NODES;
        let r200 = nfw.r200;
        let lo = r_min.min(1e-3 * r200).ln();
        let hi = r200.ln();
        let ri: Vec<f64> = (0..n)
            .map(|i| (lo + (hi - lo) * i as f64 / (n - 1) as f64).exp())
            .collect();
        let rbar = |r: f64| GNEDIN_A0 * r200 * (r / r200).powf(GNEDIN_W);
        let mi_bar: Vec<f64> = ri.iter().map(|&r| nfw.enclosed_total(rbar(r))).collect();
        // The fixed point r_f of the Gnedin iteration is the root of the increasing function
        // g(y) = y + ln[M_bar(r̄(e^y)) + (1 − f_gal) M_i(r̄(r_i))] − ln[r_i M_i(r̄(r_i))], y = ln r_f.
        // The plain iteration r_f ← … oscillates and diverges where M_bar(r̄) rises faster than
        // r̄^{1/w} (baryon-dominated centres, e.g. a Hernquist bulge with M ∝ r²), so each node is
        // solved by bracketed false position (Illinois), starting from the previous node's ratio.
        let f_gal = f_gal.clamp(0.0, 0.999);
        let mut rf = Vec::with_capacity(n);
        let mut prev_ratio = 0.0; // ln(r_f/r_i) of the previous node
        for i in 0..n {
            let (lr, k) = (ri[i].ln(), (1.0 - f_gal) * mi_bar[i]);
            let target = lr + mi_bar[i].ln();
            let g = |y: f64| y + (baryons.enclosed_mass(rbar(y.exp())) + k).ln() - target;
            let y_max = lr - (1.0 - f_gal).ln();
            rf.push(solve_increasing(g, (lr + prev_ratio).min(y_max), y_max).exp());
            prev_ratio = rf[i].ln() - lr;
        }
        if efficiency != 1.0 {
            for (f, &r) in rf.iter_mut().zip(&ri) {
                *f = r * (*f / r).powf(efficiency);
            }
        }
        // Guard the table against non-monotone nodes (it should be monotone physically).
        for i in 1..n {
            if rf[i] <= rf[i - 1] {
                rf[i] = rf[i - 1] * (1.0 + 1e-12);
            }
        }
        let ln_rf: Vec<f64> = rf.iter().map(|r| r.ln()).collect();
        let ln_mu: Vec<f64> = ri
            .iter()
            .map(|&r| (nfw_m(r / nfw.r_s) / nfw.m_c).ln())
            .collect();
        // dln μ/dln r_f = (dln μ/dln r_i) / (dln r_f/dln r_i): the first factor analytic,
        // x²/((1+x)² m(x)), the second by central differences on the uniform ln r_i grid.
        let dlri = (hi - lo) / (n - 1) as f64;
        let slope = (0..n)
            .map(|i| {
                let x = ri[i] / nfw.r_s;
                let g = x * x / ((1.0 + x) * (1.0 + x) * nfw_m(x));
                let (a, b) = (i.saturating_sub(1), (i + 1).min(n - 1));
                let h = (ln_rf[b] - ln_rf[a]) / ((b - a) as f64 * dlri);
                g / h
            })
            .collect();
        Self {
            ln_rf,
            ln_mu,
            slope,
        }
    }

    /// Index j and weight t with ln r between nodes j and j+1 (None outside the table).
    fn locate(&self, ln_r: f64) -> Option<(usize, f64)> {
        let n = self.ln_rf.len();
        if ln_r < self.ln_rf[0] || ln_r > self.ln_rf[n - 1] {
            return None;
        }
        let j = self.ln_rf.partition_point(|&x| x <= ln_r).clamp(1, n - 1) - 1;
        let t = (ln_r - self.ln_rf[j]) / (self.ln_rf[j + 1] - self.ln_rf[j]);
        Some((j, t))
    }

    /// DM fraction μ(<r) inside `r` kpc for r up to the last node (cubic Hermite in ln–ln;
    /// power law μ ∝ r^{slope₀} below the first node); None beyond the table.
    pub fn fraction(&self, r: f64) -> Option<f64> {
        if r <= 0.0 {
            return Some(0.0);
        }
        let lr = r.ln();
        if lr < self.ln_rf[0] {
            return Some((self.ln_mu[0] + self.slope[0] * (lr - self.ln_rf[0])).exp());
        }
        let (j, t) = self.locate(lr)?;
        let len = self.ln_rf[j + 1] - self.ln_rf[j];
        Some(
            hermite(
                t,
                len,
                self.ln_mu[j],
                self.ln_mu[j + 1],
                self.slope[j],
                self.slope[j + 1],
            )
            .exp(),
        )
    }

    /// dln μ/dln r at `r` (linear interpolation of the node slopes); None beyond the table.
    pub fn log_slope(&self, r: f64) -> Option<f64> {
        let lr = r.ln();
        if lr < self.ln_rf[0] {
            return Some(self.slope[0]);
        }
        let (j, t) = self.locate(lr)?;
        Some(self.slope[j] + t * (self.slope[j + 1] - self.slope[j]))
    }

    /// Final radius (kpc) enclosing the DM fraction `mu` ∈ (0,1] (cubic Hermite ln–ln
    /// interpolation of the inverted table).
    pub fn radius_of_fraction(&self, mu: f64) -> f64 {
        if mu <= 0.0 {
            return 0.0;
        }
        let lm = mu.min(1.0).ln();
        let n = self.ln_mu.len();
        if lm <= self.ln_mu[0] {
            return (self.ln_rf[0] + (lm - self.ln_mu[0]) / self.slope[0]).exp();
        }
        let j = self.ln_mu.partition_point(|&x| x <= lm).clamp(1, n - 1) - 1;
        self.radius_in_segment(j, lm)
    }

    /// Like [`Contraction::radius_of_fraction`] for an increasing sequence of fractions: `hint`
    /// is the segment of the previous call and only moves forward (amortised O(1) lookup).
    pub(crate) fn radius_of_fraction_walk(&self, mu: f64, hint: &mut usize) -> f64 {
        if mu <= 0.0 {
            return 0.0;
        }
        let lm = mu.min(1.0).ln();
        if lm <= self.ln_mu[0] {
            return (self.ln_rf[0] + (lm - self.ln_mu[0]) / self.slope[0]).exp();
        }
        let n = self.ln_mu.len();
        while *hint + 2 < n && self.ln_mu[*hint + 1] <= lm {
            *hint += 1;
        }
        if self.ln_mu[*hint] > lm {
            return self.radius_of_fraction(mu);
        }
        self.radius_in_segment(*hint, lm)
    }

    /// Cubic Hermite inverse inside segment j at ln μ = `lm`.
    fn radius_in_segment(&self, j: usize, lm: f64) -> f64 {
        let len = self.ln_mu[j + 1] - self.ln_mu[j];
        let t = (lm - self.ln_mu[j]) / len;
        hermite(
            t,
            len,
            self.ln_rf[j],
            self.ln_rf[j + 1],
            1.0 / self.slope[j],
            1.0 / self.slope[j + 1],
        )
        .exp()
    }
}

/// Cubic Hermite interpolation at fraction `t` of an interval of length `len` between values
/// (y0, y1) with derivatives (d0, d1).
fn hermite(t: f64, len: f64, y0: f64, y1: f64, d0: f64, d1: f64) -> f64 {
    let (t2, t3) = (t * t, t * t * t);
    (2.0 * t3 - 3.0 * t2 + 1.0) * y0
        + (t3 - 2.0 * t2 + t) * len * d0
        + (-2.0 * t3 + 3.0 * t2) * y1
        + (t3 - t2) * len * d1
}

/// Root of an increasing function `g` with g(y_max) ≥ 0, from the start `y0` ≤ y_max: bracket by
/// stepping outwards, then Illinois false position to |Δy| < 1e-13 (≤ 100 evaluations).
fn solve_increasing(g: impl Fn(f64) -> f64, y0: f64, y_max: f64) -> f64 {
    let g0 = g(y0);
    if g0 == 0.0 {
        return y0;
    }
    let (mut a, mut ga, mut b, mut gb);
    if g0 > 0.0 {
        (b, gb) = (y0, g0);
        let mut step = 0.05;
        a = y0 - step;
        ga = g(a);
        while ga > 0.0 && step < 1e3 {
            (b, gb) = (a, ga);
            step *= 2.0;
            a = y0 - step;
            ga = g(a);
        }
    } else {
        (a, ga) = (y0, g0);
        let mut step = 0.05;
        b = (y0 + step).min(y_max);
        gb = g(b);
        while gb < 0.0 && b < y_max {
            (a, ga) = (b, gb);
            step *= 2.0;
            b = (y0 + step).min(y_max);
            gb = g(b);
        }
        if gb < 0.0 {
            return y_max;
        }
    }
    if ga > 0.0 {
        return a;
    }
    let mut side = 0i32;
    let mut y = b;
    for _ in 0..100 {
        y = (a * gb - b * ga) / (gb - ga);
        if !y.is_finite() {
            y = 0.5 * (a + b);
        }
        let gy = g(y);
        // g' ≥ 1, so |g(y)| bounds the distance to the root.
        if gy.abs() < 1e-13 || (b - a).abs() < 1e-13 * (1.0 + y.abs()) {
            break;
        }
        if gy > 0.0 {
            (b, gb) = (y, gy);
            if side == 1 {
                ga *= 0.5;
            }
            side = 1;
        } else {
            (a, ga) = (y, gy);
            if side == -1 {
                gb *= 0.5;
            }
            side = -1;
        }
    }
    y
}

/// The galaxy's dark halo: NFW, optionally contracted.
#[derive(Clone, Debug, PartialEq)]
pub struct DarkHalo {
    /// The uncontracted NFW halo.
    pub nfw: Nfw,
    /// The contraction table (None for `halo_response = none`).
    pub contraction: Option<Contraction>,
}

impl DarkHalo {
    /// The halo of mass `m200` (M☉) and concentration `c`, contracted (Gnedin+2004) by `baryons`
    /// with f_gal = (M* + M_gas)/M200 when `response` is `Gnedin04`. The contraction grid starts
    /// at 1e-3 · min(a, R_d) of the baryons.
    pub fn new(m200: f64, c: f64, response: HaloResponse, baryons: &Baryons, f_gal: f64) -> Self {
        Self::with_efficiency(m200, c, response, baryons, f_gal, 1.0)
    }

    /// [`DarkHalo::new`] with the contraction's efficiency ν
    /// ([`Contraction::with_efficiency`]; 1 for the spec's Gnedin+2004 halo) when `response`
    /// contracts (`Gnedin04` or `Gnedin04Scatter`).
    pub fn with_efficiency(
        m200: f64,
        c: f64,
        response: HaloResponse,
        baryons: &Baryons,
        f_gal: f64,
        efficiency: f64,
    ) -> Self {
        let nfw = Nfw::new(m200, c);
        let contraction = match response {
            HaloResponse::None => None,
            HaloResponse::Gnedin04 | HaloResponse::Gnedin04Scatter => {
                let r_min = 1e-3 * baryons.smallest_scale().unwrap_or(nfw.r_s);
                Some(Contraction::with_efficiency(
                    &nfw, baryons, f_gal, r_min, efficiency,
                ))
            }
        };
        Self { nfw, contraction }
    }

    /// Dark-matter mass in M☉ inside radius `r` kpc: the (contracted) table inside r200, the
    /// untruncated NFW beyond (never below M_DM there).
    pub fn enclosed_mass(&self, r: f64) -> f64 {
        let nfw = &self.nfw;
        match &self.contraction {
            None => nfw.enclosed_dm(r),
            Some(c) => match c.fraction(r) {
                Some(mu) => nfw.m_dm * mu,
                None => nfw.m_dm * (nfw_m(r / nfw.r_s) / nfw.m_c).max(1.0),
            },
        }
    }

    /// Dark-matter density in M☉ kpc⁻³: analytic NFW, or M_DM μ (dln μ/dln r)/(4π r³) of the
    /// contracted table (NFW beyond it).
    pub fn density(&self, r: f64) -> f64 {
        let nfw = &self.nfw;
        if let Some(c) = &self.contraction
            && let (Some(mu), Some(s)) = (c.fraction(r), c.log_slope(r))
        {
            return nfw.m_dm * mu * s / (4.0 * PI * r * r * r);
        }
        nfw.density(r)
    }

    /// Radius (kpc) enclosing DM fraction `mu` ∈ \[0, 1\] (W₀ inversion or the contraction table).
    pub fn radius_of_fraction(&self, mu: f64) -> f64 {
        match &self.contraction {
            None => self.nfw.radius_of_fraction(mu),
            Some(c) => c.radius_of_fraction(mu),
        }
    }

    /// `n` importance-sampled DM particles with exponent `k` (k = [`IMPORTANCE_K`] = 3 by default;
    /// k = 1 gives equal masses): v_i stratified in (i/N, (i+1)/N), μ_i = v_i^k,
    /// m_i = M_DM [((i+1)/N)^k − (i/N)^k]. Returns (positions in kpc, masses in M☉); Σ m_i = M_DM.
    pub fn sample<R: Rng + ?Sized>(
        &self,
        rng: &mut R,
        n: usize,
        k: i32,
    ) -> (Vec<[f64; 3]>, Vec<f64>) {
        let nf = n as f64;
        let mut pos = Vec::with_capacity(n);
        let mut mass = Vec::with_capacity(n);
        let mut hint = 0;
        for i in 0..n {
            let lo = (i as f64 / nf).powi(k);
            let hi = ((i + 1) as f64 / nf).powi(k);
            mass.push(self.nfw.m_dm * (hi - lo));
            let v = (i as f64 + rng.random::<f64>()) / nf;
            let mu = v.powi(k);
            let r = match &self.contraction {
                None => self.nfw.radius_of_fraction(mu),
                Some(c) => c.radius_of_fraction_walk(mu, &mut hint),
            };
            let d = isotropic_direction(rng);
            pos.push([r * d[0], r * d[1], r * d[2]]);
        }
        (pos, mass)
    }
}

#[cfg(test)]
#[path = "halo_tests.rs"]
mod tests;
