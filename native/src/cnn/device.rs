//! Choosing the device: Burn's wgpu backend pinned to Vulkan on a real GPU, else the flex CPU
//! backend. A CPU adapter (llvmpipe, SwiftShader) does not count as a GPU: training there is
//! far slower than flex.
//!
//! The wgpu backend is the crate's `gpu` feature (`cargo build -p galmass --release --features
//! gpu`). Built without it, `auto` is flex and `gpu` says how to rebuild.

use anyhow::Result;
use burn::tensor::Device;

use serde::{Deserialize, Serialize};

use crate::BadInput;

/// Where a network runs (training, evaluation, benchmarks).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceChoice {
    /// wgpu (Vulkan) when a real, non-CPU adapter exists, else the flex CPU backend.
    Auto,
    /// wgpu (Vulkan) on a real GPU; an error (exit 2) when there is none.
    Gpu,
    /// Burn's flex CPU backend (multi-threaded, SIMD).
    Cpu,
}

/// The chosen device and how to name it in METRICS.json.
#[derive(Clone, Debug)]
pub struct Chosen {
    /// Where tensors live (plain, without autodiff).
    pub device: Device,
    /// `"cpu (flex)"` or `"gpu (wgpu/vulkan: <adapter>)"`.
    pub label: String,
}

/// Names of the real (non-CPU) Vulkan adapters of this machine.
#[cfg(feature = "gpu")]
pub fn gpu_adapters() -> Vec<String> {
    use burn::tensor::wgpu::wgpu;
    let instance = wgpu::Instance::new(wgpu::InstanceDescriptor {
        backends: wgpu::Backends::VULKAN,
        ..wgpu::InstanceDescriptor::new_without_display_handle()
    });
    block_on(instance.enumerate_adapters(wgpu::Backends::VULKAN))
        .into_iter()
        .map(|a| a.get_info())
        .filter(|i| i.device_type != wgpu::DeviceType::Cpu)
        .map(|i| format!("{} ({:?})", i.name, i.device_type))
        .collect()
}

/// Resolves `choice`: `cpu` → flex; `gpu` → Vulkan on the first real adapter or [`BadInput`];
/// `auto` → Vulkan when a real adapter exists, else flex.
pub fn choose(choice: DeviceChoice) -> Result<Chosen> {
    let flex = || Chosen {
        device: Device::flex(),
        label: "cpu (flex)".to_string(),
    };
    if choice == DeviceChoice::Cpu {
        return Ok(flex());
    }
    #[cfg(not(feature = "gpu"))]
    if choice == DeviceChoice::Gpu {
        return Err(BadInput(
            "--device gpu: this galmass was built without the GPU backend; rebuild with \
             `cargo build -p galmass --release --features gpu` (wgpu/Vulkan), or use --device cpu"
                .to_string(),
        )
        .into());
    }
    #[cfg(not(feature = "gpu"))]
    return Ok(flex());
    #[cfg(feature = "gpu")]
    match (gpu_adapters().first(), choice) {
        (Some(name), _) => Ok(Chosen {
            device: Device::vulkan(burn::tensor::DeviceKind::DefaultDevice),
            label: format!("gpu (wgpu/vulkan: {name})"),
        }),
        (None, DeviceChoice::Gpu) => Err(BadInput(
            "--device gpu: no GPU adapter found (wgpu/Vulkan sees only CPU adapters or none); \
             use --device cpu or auto"
                .to_string(),
        )
        .into()),
        (None, _) => Ok(flex()),
    }
}

/// Polls a future to completion on this thread (wgpu's native adapter enumeration is ready
/// at once; this only unwraps it).
#[cfg(feature = "gpu")]
fn block_on<F: std::future::Future>(f: F) -> F::Output {
    use std::task::{Context, Poll, Waker};
    let mut f = std::pin::pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::yield_now();
    }
}
