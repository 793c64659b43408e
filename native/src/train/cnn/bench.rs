//! Timing of one training step (forward + backward + Adam) of the multi-branch ResNet-18 on
//! random inputs, for `galmass bench cnn-step` and the comparison with PyTorch
//! (`scripts/cnn_step_bench.py` builds the identical network).

use std::time::Instant;

use anyhow::Result;
use burn::optim::{AdamConfig, GradientsParams};
use burn::tensor::{Device, Distribution, Tensor};
use galmass_core::cnn::{CnnConfig, MultiBranchResNet};

use super::run::ADAM_EPSILON;
use crate::BadInput;

/// Wall seconds of each of `steps` training steps after `warmup` untimed ones, batch `batch`,
/// inputs uniform in [0, 1), targets N(10, 1), on `device` (autodiff is added here).
pub fn step_times(
    config: &CnnConfig,
    batch: usize,
    warmup: usize,
    steps: usize,
    device: &Device,
) -> Result<Vec<f64>> {
    let ad = device.clone().autodiff();
    let mut model =
        MultiBranchResNet::new(config, 0, &ad).map_err(|e| BadInput(format!("network: {e}")))?;
    let mut optim = AdamConfig::new().with_epsilon(ADAM_EPSILON).init();
    let maps: Vec<Tensor<4>> = config
        .branches
        .iter()
        .map(|b| {
            Tensor::random(
                [batch, b.input.channels(), b.size, b.size],
                Distribution::Uniform(0.0, 1.0),
                &ad,
            )
        })
        .collect();
    let side = config
        .side_input
        .then(|| Tensor::<2>::random([batch, 1], Distribution::Uniform(0.0, 1.0), &ad));
    let y = Tensor::<2>::random(
        [batch, config.outputs],
        Distribution::Normal(10.0, 1.0),
        &ad,
    );
    let mut times = Vec::with_capacity(steps);
    for k in 0..warmup + steps {
        let t0 = Instant::now();
        let pred = model.try_forward(maps.clone(), side.clone())?;
        let d = pred - y.clone();
        let loss = (d.clone() * d).mean();
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        model = optim.step(1e-4, model, grads);
        // Wait for the device: read one weight back.
        let _: f32 = model.fc.weight.val().sum().into_scalar();
        if k >= warmup {
            times.push(t0.elapsed().as_secs_f64());
        }
    }
    Ok(times)
}
