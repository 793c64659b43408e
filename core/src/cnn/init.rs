//! torchvision's weight initialisation, drawn on the host from a seeded ChaCha8 stream so the
//! same seed gives the same network on every device and target (Burn's own initialisers draw
//! lazily on the device, from the device's generator).
//!
//! * convolutions: `kaiming_normal_(mode="fan_out", nonlinearity="relu")`, i.e.
//!   N(0, σ²) with σ = √(2 / fan_out), fan_out = C_out · k²;
//! * batch norm: γ = 1, β = 0 (running mean 0, running variance 1);
//! * the final `nn.Linear(F, O)`: weight and bias U(−1/√F, 1/√F) (PyTorch's default
//!   `kaiming_uniform_(a=√5)` bound, and its bias bound).

use burn::module::Param;
use burn::tensor::{Device, Tensor, TensorData};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

/// A conv weight (C_out, C_in, k, k) drawn from N(0, 2 / (C_out k²)).
pub(crate) fn kaiming_conv(
    rng: &mut ChaCha8Rng,
    c_out: usize,
    c_in: usize,
    k: usize,
    device: &Device,
) -> Param<Tensor<4>> {
    let fan_out = (c_out * k * k) as f64;
    let std = (2.0 / fan_out).sqrt();
    let n = c_out * c_in * k * k;
    let values: Vec<f32> = (0..n)
        .map(|_| (std * rng.sample::<f64, _>(StandardNormal)) as f32)
        .collect();
    Param::from_data(TensorData::new(values, [c_out, c_in, k, k]), device)
}

/// PyTorch's `nn.Linear(fan_in, fan_out)` default: weight (stored by Burn as
/// (fan_in, fan_out)) and bias U(−1/√fan_in, 1/√fan_in).
pub(crate) fn linear_default(
    rng: &mut ChaCha8Rng,
    fan_in: usize,
    fan_out: usize,
    device: &Device,
) -> (Param<Tensor<2>>, Param<Tensor<1>>) {
    let bound = 1.0 / (fan_in as f64).sqrt();
    let mut draw = |n: usize| -> Vec<f32> { (0..n).map(|_| uniform(rng, bound)).collect() };
    // Drawn in PyTorch's (out, in) order, then transposed to Burn's (in, out) layout.
    let w_out_in = draw(fan_out * fan_in);
    let mut w_in_out = vec![0.0f32; fan_in * fan_out];
    for o in 0..fan_out {
        for i in 0..fan_in {
            w_in_out[i * fan_out + o] = w_out_in[o * fan_in + i];
        }
    }
    let bias = draw(fan_out);
    (
        Param::from_data(TensorData::new(w_in_out, [fan_in, fan_out]), device),
        Param::from_data(TensorData::new(bias, [fan_out]), device),
    )
}

/// One draw from U(−bound, bound).
fn uniform(rng: &mut ChaCha8Rng, bound: f64) -> f32 {
    (bound * (2.0 * rng.random::<f64>() - 1.0)) as f32
}
