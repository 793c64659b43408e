//! Dust from the measured cold-gas column (galaxy-model.md 5.4): the dust of TNG cutouts.
//!
//! Cold gas is every cell with StarFormationRate > 0 or T < 10^4.5 K. Its hydrogen mass is
//! m_H = X_H m · f_HI (star-forming cells, on TNG's effective equation of state: X_H m), with
//! X_H = 0.76. Stars and cold gas are binned on square cells of side [`ColumnDust::cell_kpc`]
//! (0.25 R_hsm) across the line of sight; the observer sits at −∞ on the projection axis, so
//! the gas in front of a star is the gas of its cell at a smaller line-of-sight coordinate:
//!
//! ```text
//! N_H,front(i) = Σ_{j in cell, s_j < s_i} m_H,j / (m_p · cell area)          [cm⁻²]
//! Z̄_i          = Σ m_H,j Z_j / Σ m_H,j  over the same cells                  (hydrogen-mass weighted)
//! τ_V,i        = f_d (Z̄_i/Z☉)^1.35 N_H,front(i) / 2.1·10²¹ cm⁻² + τ_BC [age < 10 Myr]
//! ```
//!
//! the same normalisation as the mock's slab (2.8): 22.1 M☉ pc⁻² of solar-metallicity gas is
//! N_H = 2.1·10²¹ cm⁻², τ_V = f_d. The grid is not clipped at ±3 R_hsm: stars beyond it see
//! the column of their own cell, like those inside (the spec bins only the image; a star
//! outside it would otherwise count as dust-free in M_r and g−r).

use std::collections::HashMap;

use crate::galaxy::{Axis, ColumnDust, Gas, Stars};
use crate::measure::frame::half_mass_radius;
use crate::units::Z_SUN;

use super::{BIRTH_CLOUD_AGE_GYR, TAU_BIRTH_CLOUD};

/// Hydrogen mass fraction X_H of TNG's gas (and of the mock's).
pub const X_H: f64 = 0.76;
/// Cells colder than this are cold, dust-bearing gas, K (10^4.5).
pub const COLD_T_K: f64 = 31_622.776_601_683_792;
/// Hydrogen column that gives τ_V = 1 at solar metallicity and f_d = 1, cm⁻².
pub const N_H_TAU_ONE: f64 = 2.1e21;
/// Hydrogen atoms per cm² for a column of 1 M☉ of hydrogen per kpc²:
/// M☉/(m_p kpc²) = 1.98847e33 g / (1.67262e-24 g × (3.08568e21 cm)²).
pub const N_H_PER_MSUN_KPC2: f64 = 1.248_60e14;
/// Dust normalisation of the gas column, the slab's f_d (5.4: "f_d = 0.4 fixed").
pub const F_D_COLUMN: f64 = 0.4;
/// Cell side in units of R_hsm (5.4: 0.25 R_hsm, a 24 × 24 grid over ±3 R_hsm).
pub const CELL_RHSM: f64 = 0.25;

/// Gas temperature in K from TNG's specific internal energy `u` [(km/s)²] and electron
/// abundance `x_e` (n_e/n_H) (5.4, TNG FAQ): T = (2/3) u μ m_p/k_B = 80.8 μ u with
/// μ = 4/(1 + 3X_H + 4X_H x_e).
pub fn gas_temperature_k(u: f64, x_e: f64) -> f64 {
    80.8 * mean_molecular_weight(x_e) * u
}

/// Mean molecular weight μ = 4/(1 + 3X_H + 4X_H x_e) of gas with electron abundance `x_e`.
pub fn mean_molecular_weight(x_e: f64) -> f64 {
    4.0 / (1.0 + 3.0 * X_H + 4.0 * X_H * x_e)
}

impl ColumnDust {
    /// The spec's gas-column dust for a galaxy whose stars are `stars`: cells of 0.25 R_hsm,
    /// f_d = 0.4. `None` when the stars have no half-mass radius (no stars of positive mass).
    pub fn for_stars(stars: &Stars) -> Option<Self> {
        let rhsm = half_mass_radius(stars)?;
        (rhsm > 0.0).then_some(ColumnDust {
            cell_kpc: CELL_RHSM * rhsm,
            f_d: F_D_COLUMN,
        })
    }
}

/// Hydrogen mass of gas cell `i` that carries dust, M☉: X_H m for star-forming cells,
/// X_H m f_HI for other cells colder than 10^4.5 K (or of unknown temperature), 0 for hot
/// cells.
pub fn cold_hydrogen_mass(gas: &Gas, i: usize) -> f64 {
    let m = f64::from(gas.mass[i]);
    let sfr = gas.sfr.get(i).map_or(0.0, |&x| f64::from(x));
    if sfr > 0.0 {
        return X_H * m;
    }
    let t = gas.temperature_k.get(i).map_or(f64::NAN, |&x| f64::from(x));
    if t >= COLD_T_K {
        return 0.0;
    }
    let f_hi = gas
        .neutral_fraction
        .get(i)
        .map_or(0.0, |&x| f64::from(x).clamp(0.0, 1.0));
    X_H * m * f_hi
}

/// Indices (first, second image axis) of a line-of-sight cell.
type CellKey = (i64, i64);

/// One line-of-sight cell: the cold gas sorted by line-of-sight coordinate with running
/// sums of hydrogen mass and of hydrogen mass × metallicity.
#[derive(Default)]
struct Cell {
    s: Vec<f64>,
    cum_mh: Vec<f64>,
    cum_mhz: Vec<f64>,
}

/// V-band optical depth of every star for projection `axis` through the cold gas in front
/// of it (module documentation), birth clouds included.
pub fn column_tau_v(stars: &Stars, gas: &Gas, dust: &ColumnDust, axis: Axis) -> Vec<f64> {
    let (a, b) = axis.image_axes();
    let k = axis.los();
    let cell = dust.cell_kpc;
    let key = |p: &[f32; 3]| -> Option<CellKey> {
        let (u, v) = (f64::from(p[a]) / cell, f64::from(p[b]) / cell);
        (u.is_finite() && v.is_finite()).then(|| (u.floor() as i64, v.floor() as i64))
    };
    // (line-of-sight coordinate, m_H, m_H Z) of the cold gas of each cell.
    let mut by_cell: HashMap<CellKey, Vec<[f64; 3]>> = HashMap::new();
    let n_gas = gas.pos.len().min(gas.mass.len());
    for i in 0..n_gas {
        let mh = cold_hydrogen_mass(gas, i);
        let s = f64::from(gas.pos[i][k]);
        if !(mh > 0.0) || !s.is_finite() {
            continue;
        }
        if let Some(c) = key(&gas.pos[i]) {
            let z = gas.metallicity.get(i).map_or(0.0, |&x| f64::from(x));
            by_cell.entry(c).or_default().push([s, mh, mh * z]);
        }
    }
    let cells: HashMap<CellKey, Cell> = by_cell
        .into_iter()
        .map(|(c, mut v)| {
            v.sort_by(|x, y| x[0].total_cmp(&y[0]));
            let mut cell = Cell::default();
            let (mut mh, mut mhz) = (0.0, 0.0);
            for [s, m, mz] in v {
                mh += m;
                mhz += mz;
                cell.s.push(s);
                cell.cum_mh.push(mh);
                cell.cum_mhz.push(mhz);
            }
            (c, cell)
        })
        .collect();
    let per_column = N_H_PER_MSUN_KPC2 / (cell * cell) / N_H_TAU_ONE;
    stars
        .pos
        .iter()
        .zip(&stars.age)
        .map(|(p, &age)| {
            let bc = if f64::from(age) < BIRTH_CLOUD_AGE_GYR {
                TAU_BIRTH_CLOUD
            } else {
                0.0
            };
            let Some(c) = key(p).and_then(|c| cells.get(&c)) else {
                return bc;
            };
            let front = c.s.partition_point(|&s| s < f64::from(p[k]));
            if front == 0 {
                return bc;
            }
            let (mh, mhz) = (c.cum_mh[front - 1], c.cum_mhz[front - 1]);
            let z_rel = (mhz / mh / Z_SUN).max(0.0);
            dust.f_d * z_rel.powf(1.35) * mh * per_column + bc
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 5.4: T = 80.8 μ u; neutral gas (x_e = 0) has μ = 4/(1 + 3X_H) = 1.2195, gas with
    /// its hydrogen ionised (x_e = 1) μ = 4/6.32 = 0.6329.
    #[test]
    fn temperature_from_internal_energy() {
        assert!((mean_molecular_weight(0.0) - 4.0 / 3.28).abs() < 1e-12);
        assert!((mean_molecular_weight(1.0) - 4.0 / 6.32).abs() < 1e-12);
        // u = 100 (km/s)² of neutral gas: T = 80.8 × 1.2195 × 100 ≈ 9854 K.
        assert!((gas_temperature_k(100.0, 0.0) - 9853.66).abs() < 0.1);
    }

    /// 1 M☉ pc⁻² of gas with X_H = 0.76 is N_H = 9.49e19 cm⁻² (2.8), and 22.1 M☉ pc⁻² gives
    /// τ_V = 1 at solar metallicity with f_d = 1.
    #[test]
    fn column_normalisation_matches_the_slab() {
        let n_h = X_H * 1e6 * N_H_PER_MSUN_KPC2;
        assert!((n_h / 9.49e19 - 1.0).abs() < 1e-3, "{n_h}");
        let tau = X_H * 22.1e6 * N_H_PER_MSUN_KPC2 / N_H_TAU_ONE;
        assert!((tau - 1.0).abs() < 2e-3, "{tau}");
    }

    fn one_gas_cell(pos: [f32; 3], m: f32, sfr: f32, t: f32, f_hi: f32, z: f32) -> Gas {
        Gas {
            pos: vec![pos],
            vel: vec![[0.0; 3]],
            mass: vec![m],
            sfr: vec![sfr],
            metallicity: vec![z],
            neutral_fraction: vec![f_hi],
            temperature_k: vec![t],
        }
    }

    /// Which gas carries dust: star-forming cells all their hydrogen, cold cells their
    /// neutral hydrogen, hot cells none.
    #[test]
    fn cold_gas_selection() {
        let g = one_gas_cell([0.0; 3], 1e6, 0.1, 1e6, 0.0, 0.01);
        assert!((cold_hydrogen_mass(&g, 0) - 0.76e6).abs() < 1e-6);
        let g = one_gas_cell([0.0; 3], 1e6, 0.0, 8e3, 0.5, 0.01);
        assert!((cold_hydrogen_mass(&g, 0) - 0.38e6).abs() < 1e-6);
        let g = one_gas_cell([0.0; 3], 1e6, 0.0, 1e5, 1.0, 0.01);
        assert_eq!(cold_hydrogen_mass(&g, 0), 0.0);
    }

    /// A star behind one gas cell (seen along z, the observer at −∞) sees exactly its
    /// column; a star in front of it, or in another cell, sees none.
    #[test]
    fn a_star_sees_the_gas_in_front_of_it_in_its_cell() {
        let cell = 0.5;
        let gas = one_gas_cell([0.1, 0.1, 0.0], 1e6, 1.0, 1e4, 1.0, Z_SUN as f32);
        let stars = Stars {
            pos: vec![[0.2, 0.2, 1.0], [0.2, 0.2, -1.0], [0.7, 0.2, 1.0]],
            vel: vec![[0.0; 3]; 3],
            mass: vec![1.0; 3],
            mass_init: vec![1.0; 3],
            age: vec![5.0, 5.0, 5.0],
            metallicity: vec![0.02; 3],
            lum_g: vec![1.0; 3],
            lum_r: vec![1.0; 3],
        };
        let dust = ColumnDust {
            cell_kpc: cell,
            f_d: 0.4,
        };
        let tau = column_tau_v(&stars, &gas, &dust, Axis::Z);
        let expect = 0.4 * X_H * 1e6 / (cell * cell) * N_H_PER_MSUN_KPC2 / N_H_TAU_ONE;
        // Z☉ passed through f32: 1e-7.
        assert!((tau[0] / expect - 1.0).abs() < 1e-6, "{tau:?} vs {expect}");
        assert_eq!(tau[1], 0.0);
        assert_eq!(tau[2], 0.0);
    }
}
