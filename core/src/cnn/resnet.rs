//! One ResNet-18 trunk in torchvision's layout (He et al. 2016; `torchvision.models.resnet18`
//! up to and including the global average pool, without its `fc`), with a width multiplier:
//!
//! ```text
//! conv1 7×7/2 pad 3 (no bias) → bn1 → ReLU → max-pool 3×3/2 pad 1
//! → layer1 … layer4: 2 BasicBlocks each, c = 64w, 128w, 256w, 512w channels,
//!   the first block of layers 2–4 with stride 2 and a 1×1/2 conv + BN downsample
//! → global average pool → (N, 512w)
//! ```
//! A BasicBlock: out = ReLU(bn2(conv2(ReLU(bn1(conv1(x))))) + shortcut(x)), both convs 3×3
//! pad 1 without bias. An (N, C, S, S) input leaves layer 4 at ⌈S/32⌉ pixels per side.

use burn::module::Module;
use burn::nn::PaddingConfig2d;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::pool::{MaxPool2d, MaxPool2dConfig};
use burn::tensor::activation::relu;
use burn::tensor::{Device, Tensor};
use rand_chacha::ChaCha8Rng;

use super::batch_norm::BatchNorm2d;
use super::config::scaled_channels;
use super::init::kaiming_conv;

/// A k×k convolution without bias, stride `stride`, symmetric zero padding `pad`, weights
/// drawn by [`kaiming_conv`].
pub(crate) fn conv(
    rng: &mut ChaCha8Rng,
    c_in: usize,
    c_out: usize,
    k: usize,
    stride: usize,
    pad: usize,
    device: &Device,
) -> Conv2d {
    let mut layer = Conv2dConfig::new([c_in, c_out], [k, k])
        .with_stride([stride, stride])
        .with_padding(PaddingConfig2d::Explicit(pad, pad, pad, pad))
        .with_bias(false)
        .with_initializer(burn::nn::Initializer::Zeros)
        .init(device);
    layer.weight = kaiming_conv(rng, c_out, c_in, k, device);
    layer
}

/// The 1×1/stride shortcut projection of a block that changes resolution or channels.
#[derive(Module, Debug)]
pub struct Downsample {
    /// 1×1 convolution, stride 2, no bias.
    pub conv: Conv2d,
    /// Batch norm after it.
    pub bn: BatchNorm2d,
}

/// torchvision's `BasicBlock` (expansion 1).
#[derive(Module, Debug)]
pub struct BasicBlock {
    /// First 3×3 convolution (carries the block's stride).
    pub conv1: Conv2d,
    /// Batch norm after `conv1`.
    pub bn1: BatchNorm2d,
    /// Second 3×3 convolution, stride 1.
    pub conv2: Conv2d,
    /// Batch norm after `conv2`.
    pub bn2: BatchNorm2d,
    /// Shortcut projection when stride ≠ 1 or the channel count changes.
    pub downsample: Option<Downsample>,
}

impl BasicBlock {
    /// A block from `c_in` to `c_out` channels with the given stride (1 or 2); weights drawn
    /// from `rng` in torchvision's module order (conv1, conv2, downsample conv).
    pub fn new(
        rng: &mut ChaCha8Rng,
        c_in: usize,
        c_out: usize,
        stride: usize,
        device: &Device,
    ) -> Self {
        let conv1 = conv(rng, c_in, c_out, 3, stride, 1, device);
        let conv2 = conv(rng, c_out, c_out, 3, 1, 1, device);
        let downsample = (stride != 1 || c_in != c_out).then(|| Downsample {
            conv: conv(rng, c_in, c_out, 1, stride, 0, device),
            bn: BatchNorm2d::new(c_out, device),
        });
        BasicBlock {
            conv1,
            bn1: BatchNorm2d::new(c_out, device),
            conv2,
            bn2: BatchNorm2d::new(c_out, device),
            downsample,
        }
    }

    /// (N, c_in, H, W) → (N, c_out, ⌈H/stride⌉, ⌈W/stride⌉).
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let identity = match &self.downsample {
            Some(d) => d.bn.forward(d.conv.forward(x.clone())),
            None => x.clone(),
        };
        let y = relu(self.bn1.forward(self.conv1.forward(x)));
        let y = self.bn2.forward(self.conv2.forward(y));
        relu(y + identity)
    }
}

/// One branch: the ResNet-18 convolutional trunk up to the pooled feature vector.
#[derive(Module, Debug)]
pub struct ResNetTrunk {
    /// Stem 7×7/2 convolution, pad 3, no bias.
    pub conv1: Conv2d,
    /// Batch norm after the stem.
    pub bn1: BatchNorm2d,
    /// 3×3/2 max-pool, pad 1.
    pub maxpool: MaxPool2d,
    /// Four stages of two BasicBlocks each (`layer1` … `layer4` in torchvision).
    pub layers: Vec<Vec<BasicBlock>>,
}

impl ResNetTrunk {
    /// A trunk for `c_in` input channels at width multiplier `width` (stage channels
    /// round(64w) … round(512w), at least 1), weights drawn from `rng` in torchvision's module
    /// order.
    pub fn new(rng: &mut ChaCha8Rng, c_in: usize, width: f64, device: &Device) -> Self {
        let stem = scaled_channels(64, width);
        let conv1 = conv(rng, c_in, stem, 7, 2, 3, device);
        let maxpool = MaxPool2dConfig::new([3, 3])
            .with_strides([2, 2])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .init();
        let mut layers = Vec::with_capacity(4);
        let mut c = stem;
        for (stage, base) in [64usize, 128, 256, 512].into_iter().enumerate() {
            let c_out = scaled_channels(base, width);
            let stride = if stage == 0 { 1 } else { 2 };
            let first = BasicBlock::new(rng, c, c_out, stride, device);
            let second = BasicBlock::new(rng, c_out, c_out, 1, device);
            layers.push(vec![first, second]);
            c = c_out;
        }
        ResNetTrunk {
            conv1,
            bn1: BatchNorm2d::new(stem, device),
            maxpool,
            layers,
        }
    }

    /// Channels of the pooled feature vector (round(512w)).
    pub fn out_channels(&self) -> usize {
        self.layers
            .last()
            .and_then(|l| l.last())
            .map(|b| {
                let [c, _, _, _] = b.conv2.weight.lazy_shape().dims();
                c
            })
            .unwrap_or(0)
    }

    /// Feature map after layer 4: (N, C, H, W) → (N, 512w, ⌈H/32⌉, ⌈W/32⌉).
    pub fn features(&self, x: Tensor<4>) -> Tensor<4> {
        let mut y = relu(self.bn1.forward(self.conv1.forward(x)));
        y = self.maxpool.forward(y);
        for stage in &self.layers {
            for block in stage {
                y = block.forward(y);
            }
        }
        y
    }

    /// Pooled features: (N, C, H, W) → (N, 512w), the spatial mean of [`Self::features`].
    pub fn forward(&self, x: Tensor<4>) -> Tensor<2> {
        let y = self.features(x);
        let [n, c, _, _] = y.dims();
        y.mean_dims(&[2, 3]).reshape([n, c])
    }
}
