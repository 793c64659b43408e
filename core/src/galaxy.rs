//! The in-memory particle set of one galaxy (galaxy-model.md Section 5.1), shared by the mock
//! generator and the TNG reader: everything after loading runs on this one representation.
//!
//! Structure of arrays, f32 per particle (positions kpc, physical, centred on the galaxy;
//! velocities km/s, peculiar, systemic velocity removed; masses M☉). Sums over particles are
//! done in f64 by the measurement code.

use serde::{Deserialize, Serialize};

/// Star particles (TNG PartType4 with a formation time a_f > 0; wind cells are not stars).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Stars {
    /// Positions in kpc relative to the galaxy centre.
    pub pos: Vec<[f32; 3]>,
    /// Velocities in km/s relative to the systemic velocity.
    pub vel: Vec<[f32; 3]>,
    /// Current mass in M☉ (after stellar mass loss).
    pub mass: Vec<f32>,
    /// Initial (formed) mass in M☉ (TNG `GFM_InitialMass`).
    pub mass_init: Vec<f32>,
    /// Age in Gyr at the time of observation.
    pub age: Vec<f32>,
    /// Metal mass fraction Z (not [Z/H]; solar is [`crate::units::Z_SUN`]).
    pub metallicity: Vec<f32>,
    /// Dust-free g-band luminosity in L☉,g.
    pub lum_g: Vec<f32>,
    /// Dust-free r-band luminosity in L☉,r.
    pub lum_r: Vec<f32>,
}

/// Dark-matter particles. Masses may differ per particle (importance-sampled mocks) or be all
/// equal (TNG's MassTable\[1\]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DarkMatter {
    /// Positions in kpc relative to the galaxy centre.
    pub pos: Vec<[f32; 3]>,
    /// Velocities in km/s relative to the systemic velocity.
    pub vel: Vec<[f32; 3]>,
    /// Mass in M☉.
    pub mass: Vec<f32>,
}

/// Gas cells (TNG PartType0), plus wind-phase PartType4 cells, which count as gas mass.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Gas {
    /// Positions in kpc relative to the galaxy centre.
    pub pos: Vec<[f32; 3]>,
    /// Velocities in km/s relative to the systemic velocity.
    pub vel: Vec<[f32; 3]>,
    /// Mass in M☉.
    pub mass: Vec<f32>,
    /// Instantaneous star-formation rate in M☉/yr.
    pub sfr: Vec<f32>,
    /// Metal mass fraction Z.
    pub metallicity: Vec<f32>,
    /// Neutral hydrogen abundance (fraction of hydrogen that is neutral), 0..1.
    pub neutral_fraction: Vec<f32>,
    /// Temperature in K (TNG: from InternalEnergy and ElectronAbundance, galaxy-model.md
    /// 5.4; mock discs: 10⁴ K); NaN where unknown. Decides which cells are cold, dust-bearing
    /// gas for [`Dust::GasColumn`].
    #[serde(default)]
    pub temperature_k: Vec<f32>,
}

/// Black holes (TNG PartType5); mocks have none by default.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BlackHoles {
    /// Positions in kpc relative to the galaxy centre.
    pub pos: Vec<[f32; 3]>,
    /// Velocities in km/s relative to the systemic velocity.
    pub vel: Vec<[f32; 3]>,
    /// Mass in M☉.
    pub mass: Vec<f32>,
}

/// How dust attenuation is computed for each projection (galaxy-model.md 2.8 and 5.4).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum Dust {
    /// No attenuation: attenuated luminosities equal the intrinsic ones.
    #[default]
    None,
    /// The analytic slab screen of the mock generator (2.8), parametrised in the galaxy's
    /// own (disc) frame.
    AnalyticSlab(SlabDust),
    /// The measured column of cold gas in front of each star (5.4): the dust of TNG cutouts,
    /// and of mocks built with `dust = gas-column`.
    GasColumn(ColumnDust),
}

/// Parameters of the gas-column dust model (galaxy-model.md 5.4): stars and cold gas are
/// binned on square line-of-sight cells, and each star sees the cold hydrogen column in front
/// of it within its cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColumnDust {
    /// Side of a line-of-sight cell in kpc (the spec's 0.25 R_hsm).
    pub cell_kpc: f64,
    /// Dust normalisation f_d (the spec's 0.4, as the slab's).
    pub f_d: f64,
}

/// Parameters of the analytic slab dust model (galaxy-model.md 2.8). The disc frame is the
/// frame in which the disc lies in the x–y plane with angular momentum along +z.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlabDust {
    /// Rotation matrix R (row-major) that took disc-frame coordinates to the current
    /// coordinates: x_now = R x_disc. Its transpose brings particles back to the disc frame.
    pub rotation: [[f64; 3]; 3],
    /// Gas disc central normalisation Σ_g0 in M☉ kpc⁻² (Σ_gas = Σ_g0 exp(−R/R_g − R_m/R)).
    pub sigma_g0: f64,
    /// Gas disc scale length R_g in kpc.
    pub r_g: f64,
    /// Gas disc central-hole radius R_m in kpc.
    pub r_m: f64,
    /// Gas disc sech² scale height z_g in kpc.
    pub z_g: f64,
    /// Gas-phase metallicity relative to solar, Z_g/Z☉.
    pub zg_rel: f64,
    /// Dust normalisation f_d (1.12).
    pub f_d: f64,
}

/// One galaxy's particles, centred and at rest, ready to be measured and observed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Galaxy {
    /// Star particles.
    pub stars: Stars,
    /// Dark-matter particles.
    pub dm: DarkMatter,
    /// Gas cells (including wind-phase cells).
    pub gas: Gas,
    /// Black holes.
    pub bh: BlackHoles,
    /// Extra gas mass in M☉ carried analytically rather than as particles, as a function of
    /// radius (mock option `gas = analytic`); see [`AnalyticGas`].
    pub analytic_gas: Option<AnalyticGas>,
    /// Dust model used when the galaxy is projected.
    pub dust: Dust,
}

/// A gas disc carried analytically (mock option `gas = analytic`): its enclosed spherical mass
/// is added to every target and potential instead of particles.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnalyticGas {
    /// Radii in kpc of a tabulated enclosed-mass profile, increasing.
    pub r_kpc: Vec<f64>,
    /// Enclosed gas mass in M☉ at each radius.
    pub mass_enclosed: Vec<f64>,
}

impl AnalyticGas {
    /// Gas mass in M☉ inside a sphere of radius `r` kpc (linear interpolation, flat beyond
    /// the table).
    pub fn enclosed(&self, r: f64) -> f64 {
        let (rs, ms) = (&self.r_kpc, &self.mass_enclosed);
        if rs.is_empty() || r <= 0.0 {
            return 0.0;
        }
        let i = rs.partition_point(|&x| x < r);
        if i == 0 {
            return ms[0] * (r / rs[0]).min(1.0);
        }
        if i >= rs.len() {
            return ms[ms.len() - 1];
        }
        let t = (r - rs[i - 1]) / (rs[i] - rs[i - 1]);
        ms[i - 1] + t * (ms[i] - ms[i - 1])
    }
}

impl Galaxy {
    /// Total current stellar mass in M☉ (all star particles).
    pub fn stellar_mass(&self) -> f64 {
        self.stars.mass.iter().map(|&m| m as f64).sum()
    }

    /// Applies a rotation `r` (row-major, x ← R x, v ← R v) to every particle type, and
    /// records it in the dust model so the disc frame can be recovered.
    pub fn rotate(&mut self, r: &[[f64; 3]; 3]) {
        fn apply(r: &[[f64; 3]; 3], p: &mut [[f32; 3]]) {
            for x in p {
                let v = [x[0] as f64, x[1] as f64, x[2] as f64];
                for (k, out) in x.iter_mut().enumerate() {
                    *out = (r[k][0] * v[0] + r[k][1] * v[1] + r[k][2] * v[2]) as f32;
                }
            }
        }
        apply(r, &mut self.stars.pos);
        apply(r, &mut self.stars.vel);
        apply(r, &mut self.dm.pos);
        apply(r, &mut self.dm.vel);
        apply(r, &mut self.gas.pos);
        apply(r, &mut self.gas.vel);
        apply(r, &mut self.bh.pos);
        apply(r, &mut self.bh.vel);
        if let Dust::AnalyticSlab(slab) = &mut self.dust {
            slab.rotation = matmul(r, &slab.rotation);
        }
    }
}

/// Product of two row-major 3×3 matrices, a·b.
pub fn matmul(a: &[[f64; 3]; 3], b: &[[f64; 3]; 3]) -> [[f64; 3]; 3] {
    let mut c = [[0.0; 3]; 3];
    for (i, row) in c.iter_mut().enumerate() {
        for (j, cij) in row.iter_mut().enumerate() {
            *cij = (0..3).map(|k| a[i][k] * b[k][j]).sum();
        }
    }
    c
}

/// The identity rotation.
pub const IDENTITY: [[f64; 3]; 3] = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];

/// A line of sight of the paper: the three box axes (galaxy-model.md 2.9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Axis {
    /// Along x: image axes (y, z), v_los = v_x.
    X = 0,
    /// Along y: image axes (z, x), v_los = v_y.
    Y = 1,
    /// Along z: image axes (x, y), v_los = v_z.
    Z = 2,
}

impl Axis {
    /// The three projections in the paper's order.
    pub const ALL: [Axis; 3] = [Axis::X, Axis::Y, Axis::Z];

    /// Index of the line-of-sight coordinate (0, 1, 2).
    pub fn los(self) -> usize {
        self as usize
    }

    /// Indices of the (first, second) image axes: x → (y, z), y → (z, x), z → (x, y).
    pub fn image_axes(self) -> (usize, usize) {
        match self {
            Axis::X => (1, 2),
            Axis::Y => (2, 0),
            Axis::Z => (0, 1),
        }
    }

    /// Lower-case name, "x", "y" or "z".
    pub fn name(self) -> &'static str {
        ["x", "y", "z"][self as usize]
    }
}
