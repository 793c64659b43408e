//! 2-D batch normalisation exactly as PyTorch's `nn.BatchNorm2d` (ε = 1e-5, momentum 0.1):
//! in training, y = γ (x − μ_B)/√(σ²_B + ε) + β with the batch's biased variance σ²_B, and the
//! running variance updated with the *unbiased* batch variance σ²_B · n/(n − 1)
//! (n = N·H·W values per channel); in evaluation the running mean and variance are used.
//! (Burn's `BatchNorm` updates the running variance with the biased σ²_B, which would make
//! a model trained here evaluate differently from the same model trained in PyTorch.)

use burn::module::{Flag, Module, Param, RunningState};
use burn::tensor::{Device, Tensor};

/// Momentum of the running statistics (PyTorch default).
pub const BN_MOMENTUM: f64 = 0.1;
/// ε added to the variance (PyTorch default).
pub const BN_EPSILON: f64 = 1e-5;

/// Batch normalisation over the channel axis of (N, C, H, W) tensors.
#[derive(Module, Debug)]
pub struct BatchNorm2d {
    /// Scale γ, (C,), initialised to 1.
    pub gamma: Param<Tensor<1>>,
    /// Shift β, (C,), initialised to 0.
    pub beta: Param<Tensor<1>>,
    /// Running mean, (C,), initialised to 0.
    pub running_mean: RunningState<Tensor<1>>,
    /// Running (unbiased) variance, (C,), initialised to 1.
    pub running_var: RunningState<Tensor<1>>,
    /// Whether the layer takes the training path (batch statistics) on an autodiff device.
    pub training: Param<Flag>,
}

impl BatchNorm2d {
    /// A fresh layer over `channels` channels on `device` (γ = 1, β = 0, running mean 0,
    /// running variance 1: torchvision's initialisation).
    pub fn new(channels: usize, device: &Device) -> Self {
        let ones = || Tensor::<1>::ones([channels], device);
        BatchNorm2d {
            gamma: Param::from_tensor(ones()),
            beta: Param::from_tensor(Tensor::zeros([channels], device)),
            running_mean: RunningState::new(Tensor::zeros([channels], device)),
            running_var: RunningState::new(ones()),
            training: Param::from_bool(true),
        }
    }

    /// Normalises `x` (N, C, H, W): with batch statistics (and a running-statistics update)
    /// when `x` lives on an autodiff device and the layer is in training mode, else with the
    /// running statistics. Output has the shape of `x`.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        if x.device().is_autodiff() && self.training.is_enabled() {
            self.forward_train(x)
        } else {
            let device = x.device();
            burn::tensor::module::batch_norm(
                x,
                self.gamma.val(),
                self.beta.val(),
                self.running_mean.value().to_device(&device),
                self.running_var.value().to_device(&device),
                BN_EPSILON,
            )
        }
    }

    fn forward_train(&self, x: Tensor<4>) -> Tensor<4> {
        let [n, _, h, w] = x.dims();
        let count = (n * h * w) as f64;
        let device = x.device();
        let out = burn::tensor::module::batch_norm_train(
            x,
            self.gamma.val(),
            self.beta.val(),
            BN_EPSILON,
        );
        let unbias = if count > 1.0 {
            count / (count - 1.0)
        } else {
            1.0
        };
        let mean = self.running_mean.value_sync().to_device(&device);
        let var = self.running_var.value_sync().to_device(&device);
        let mean = mean
            .mul_scalar(1.0 - BN_MOMENTUM)
            .add(out.mean.detach().mul_scalar(BN_MOMENTUM));
        let var = var
            .mul_scalar(1.0 - BN_MOMENTUM)
            .add(out.variance.detach().mul_scalar(BN_MOMENTUM * unbias));
        self.running_mean.update(mean.detach());
        self.running_var.update(var.detach());
        out.output
    }
}
