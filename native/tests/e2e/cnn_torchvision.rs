//! The multi-branch ResNet-18 against torchvision (issue 6): parameter count of a w = 1
//! branch, the forward pass of one reduced-width branch against PyTorch with the same weights
//! (fixture from `core/tests/fixtures/cnn/make_fixture.py`), shapes of the multi-branch network, and the
//! seeded initialisation's statistics. Runs on Burn's flex (CPU) backend. (It lives in the
//! native crate, which has a Burn backend, so that galmass-core needs none, not even in its
//! wasm32 test builds; the fixture stays beside the core.)

use std::collections::HashMap;

use burn::module::{Module, Param, RunningState};
use burn::nn::conv::Conv2d;
use burn::tensor::{Device, Tensor, TensorData};
use galmass_core::cnn::batch_norm::BatchNorm2d;
use galmass_core::cnn::{
    BranchSpec, CnnConfig, CnnInput, CnnInputError, MultiBranchResNet, ResNetTrunk,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn device() -> Device {
    Device::flex()
}

/// ResNet-18 has 11,689,512 parameters, 513,000 of them in its fc (512·1000 + 1000): a w = 1
/// RGB trunk must have the other 11,176,512 (the batch-norm running statistics are buffers,
/// not parameters, and are not counted).
#[test]
fn full_width_trunk_has_resnet18_conv_trunk_parameter_count() {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let trunk = ResNetTrunk::new(&mut rng, 3, 1.0, &device());
    let running: usize = 2 * (64 + 2 * 2 * (64 + 128 + 256 + 512) + 128 + 256 + 512);
    assert_eq!(trunk.num_params() - running, 11_689_512 - 513_000);
    assert_eq!(trunk.out_channels(), 512);
}

struct Fixture {
    width: f64,
    c_in: usize,
    tensors: HashMap<String, (Vec<usize>, Vec<f32>)>,
}

fn load_fixture() -> Fixture {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/fixtures/cnn");
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}/fixture.json")).unwrap())
            .unwrap();
    let bytes = std::fs::read(format!("{dir}/fixture.bin")).unwrap();
    let floats: Vec<f32> = bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    let mut tensors = HashMap::new();
    for t in index["tensors"].as_array().unwrap() {
        let shape: Vec<usize> = t["shape"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as usize)
            .collect();
        let n: usize = shape.iter().product();
        let off = t["offset"].as_u64().unwrap() as usize;
        tensors.insert(
            t["name"].as_str().unwrap().to_string(),
            (shape, floats[off..off + n].to_vec()),
        );
    }
    Fixture {
        width: index["width"].as_f64().unwrap(),
        c_in: index["c_in"].as_u64().unwrap() as usize,
        tensors,
    }
}

impl Fixture {
    fn tensor<const D: usize>(&self, name: &str, dev: &Device) -> Tensor<D> {
        let (shape, values) = self
            .tensors
            .get(name)
            .unwrap_or_else(|| panic!("fixture has no {name}"));
        Tensor::from_data(TensorData::new(values.clone(), shape.clone()), dev)
    }

    fn load_conv(&self, conv: &mut Conv2d, name: &str, dev: &Device) {
        let w: Tensor<4> = self.tensor(&format!("{name}.weight"), dev);
        assert_eq!(w.dims(), conv.weight.val().dims(), "{name}");
        conv.weight = Param::from_tensor(w);
    }

    fn load_bn(&self, bn: &mut BatchNorm2d, name: &str, dev: &Device) {
        bn.gamma = Param::from_tensor(self.tensor(&format!("{name}.weight"), dev));
        bn.beta = Param::from_tensor(self.tensor(&format!("{name}.bias"), dev));
        bn.running_mean = RunningState::new(self.tensor(&format!("{name}.running_mean"), dev));
        bn.running_var = RunningState::new(self.tensor(&format!("{name}.running_var"), dev));
    }

    /// Copies torchvision's state_dict (names `conv1`, `bn1`, `layer{i}.{j}.conv1`, …,
    /// `layer{i}.0.downsample.{0,1}`) into the trunk.
    fn load_trunk(&self, trunk: &mut ResNetTrunk, dev: &Device) {
        self.load_conv(&mut trunk.conv1, "conv1", dev);
        self.load_bn(&mut trunk.bn1, "bn1", dev);
        for (i, stage) in trunk.layers.iter_mut().enumerate() {
            for (j, block) in stage.iter_mut().enumerate() {
                let p = format!("layer{}.{j}", i + 1);
                self.load_conv(&mut block.conv1, &format!("{p}.conv1"), dev);
                self.load_bn(&mut block.bn1, &format!("{p}.bn1"), dev);
                self.load_conv(&mut block.conv2, &format!("{p}.conv2"), dev);
                self.load_bn(&mut block.bn2, &format!("{p}.bn2"), dev);
                let has_ds = self
                    .tensors
                    .contains_key(&format!("{p}.downsample.0.weight"));
                assert_eq!(has_ds, block.downsample.is_some(), "{p} downsample");
                if let Some(ds) = block.downsample.as_mut() {
                    self.load_conv(&mut ds.conv, &format!("{p}.downsample.0"), dev);
                    self.load_bn(&mut ds.bn, &format!("{p}.downsample.1"), dev);
                }
            }
        }
    }
}

/// One branch at w = 1/16 (channels 4, 8, 16, 32) on a (2, 3, 48, 48) input, evaluation mode
/// (running statistics), reproduces torchvision's pooled features to 1e-4.
#[test]
fn reduced_width_trunk_matches_torchvision() {
    let dev = device();
    let fx = load_fixture();
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut trunk = ResNetTrunk::new(&mut rng, fx.c_in, fx.width, &dev);
    fx.load_trunk(&mut trunk, &dev);
    let x: Tensor<4> = fx.tensor("input", &dev);
    let expected: Tensor<2> = fx.tensor("expected", &dev);
    let got = trunk.valid().forward(x);
    assert_eq!(got.dims(), expected.dims());
    let got = got.into_data().try_to_vec::<f32>().unwrap();
    let want = expected.into_data().try_to_vec::<f32>().unwrap();
    let mut worst = 0.0f32;
    for (g, w) in got.iter().zip(&want) {
        worst = worst.max((g - w).abs());
    }
    assert!(worst < 1e-4, "max |burn − torch| = {worst}");
    // The features are not trivially small: the comparison means something.
    let scale = want.iter().map(|v| v.abs()).fold(0.0f32, f32::max);
    assert!(scale > 0.1, "features too small to test ({scale})");
}

fn config(side_input: bool, outputs: usize) -> CnnConfig {
    CnnConfig {
        branches: vec![
            BranchSpec {
                input: CnnInput::R,
                size: 60,
            },
            BranchSpec {
                input: CnnInput::Vel,
                size: 48,
            },
        ],
        width: 0.125,
        outputs,
        side_input,
        ..Default::default()
    }
}

/// r 60² + vel 48² at w = 1/8 with the side input: (N, 1, 60, 60) and (N, 3, 48, 48) and
/// (N, 1) give (N, 2); wrong shapes and a missing side input are errors, not panics.
#[test]
fn multi_branch_shapes_and_input_checks() {
    let dev = device();
    let net = MultiBranchResNet::new(&config(true, 2), 3, &dev)
        .unwrap()
        .valid();
    let r = Tensor::<4>::ones([4, 1, 60, 60], &dev);
    let v = Tensor::<4>::ones([4, 3, 48, 48], &dev);
    let side = Tensor::<2>::zeros([4, 1], &dev);
    let y = net
        .try_forward(vec![r.clone(), v.clone()], Some(side.clone()))
        .unwrap();
    assert_eq!(y.dims(), [4, 2]);
    assert!(matches!(
        net.try_forward(vec![r.clone()], Some(side.clone())),
        Err(CnnInputError::BranchCount {
            expected: 2,
            got: 1
        })
    ));
    assert!(matches!(
        net.try_forward(vec![v.clone(), r.clone()], Some(side)),
        Err(CnnInputError::Shape { branch: 0, .. })
    ));
    assert!(matches!(
        net.try_forward(vec![r, v], None),
        Err(CnnInputError::SideInput(_))
    ));
    // fc input: 2 branches × 64 channels + 1.
    assert_eq!(net.fc.weight.val().dims(), [129, 2]);
}

/// The seed fixes the weights (same seed → identical outputs, another seed → different);
/// conv weights follow kaiming_normal_(fan_out): the stem's sample variance is 2/(C_out·49)
/// within sampling error, and the fc weights lie in ±1/√F.
#[test]
fn seeded_torchvision_initialisation() {
    let dev = device();
    let cfg = config(false, 1);
    let run = |seed| {
        let net = MultiBranchResNet::new(&cfg, seed, &dev).unwrap().valid();
        let r = Tensor::<4>::full([2, 1, 60, 60], 0.5, &dev);
        let v = Tensor::<4>::full([2, 3, 48, 48], 0.25, &dev);
        let y = net.try_forward(vec![r, v], None).unwrap();
        (net, y.into_data().try_to_vec::<f32>().unwrap())
    };
    let (net, a) = run(11);
    let (_, b) = run(11);
    let (_, c) = run(12);
    assert_eq!(a, b);
    assert_ne!(a, c);

    let w = net.branches[1].conv1.weight.val().into_data();
    let w = w.try_to_vec::<f32>().unwrap();
    assert_eq!(w.len(), 8 * 3 * 49);
    let mean = w.iter().map(|&x| x as f64).sum::<f64>() / w.len() as f64;
    let var = w.iter().map(|&x| (x as f64 - mean).powi(2)).sum::<f64>() / w.len() as f64;
    let want = 2.0 / (8.0 * 49.0);
    // 1176 draws: the relative standard error of a variance is √(2/n) ≈ 4 %; allow 5σ.
    assert!((var / want - 1.0).abs() < 0.2, "var {var} vs {want}");
    let fc = net.fc.weight.val().into_data().try_to_vec::<f32>().unwrap();
    let bound = 1.0 / (128.0f32).sqrt();
    assert!(fc.iter().all(|x| x.abs() <= bound));
    let max = fc.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    assert!(max > 0.8 * bound, "fc weights do not span U(±1/√F)");
}
