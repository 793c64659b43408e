//! The CNN ensemble the page runs, shared by every card: the bundled models
//! (`www/models/cnn*.bundle`, compiled into the page) or the user's own, loaded through
//! galmass-core's one ensemble loader ([`Ensemble::from_bytes`], as `galmass predict` loads
//! bundle files), and the backend that runs them — Burn's wgpu over WebGPU when the browser
//! has a hardware adapter, else Burn's flex CPU backend compiled to WebAssembly.

use std::rc::Rc;

use burn::tensor::Device;
use galmass_core::bundle::cnn_input::{GalaxyInputs, PreparedInputs};
use galmass_core::bundle::ensemble::{Ensemble, EnsembleValue};
use galmass_core::bundle::{Bundle, BundleError, ModelKind};
use galmass_core::cnn::MultiBranchResNet;
use galmass_core::telescope::MapScale;
use leptos::prelude::*;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen::JsCast;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_futures::spawn_local;

use super::Shown;
use crate::assets::CNN_BUNDLES;
#[cfg(target_arch = "wasm32")]
use crate::browser::query_param;
use crate::worker::client::Client;
use crate::worker::{FORWARD, LOAD, pack};

/// Which backend runs the network, as shown on the page.
pub const BACKEND: &str = "CPU (Burn flex, WebAssembly)";

/// A CNN ensemble ready to run: the checked bundles and their networks on the flex device.
pub struct CnnEnsemble {
    /// The members (same inputs and targets; galmass-core's one loader).
    pub ensemble: Ensemble,
    /// Their networks on the CPU.
    pub nets: Vec<MultiBranchResNet>,
}

impl CnnEnsemble {
    /// The first member's bundle: the inputs and targets every member shares.
    pub fn lead(&self) -> &Bundle {
        self.ensemble.lead()
    }
}

/// The bundled CNN ensemble, or why it cannot be loaded.
pub type LoadedCnn = Result<Rc<CnnEnsemble>, String>;

/// The networks on a WebGPU device.
type GpuNets = Option<(Device, Rc<Vec<MultiBranchResNet>>)>;

/// The bundled CNN ensemble shared by the page's cards, and where it runs: loaded once by
/// [`provide_cnn`] at the root, which also picks the backend (asynchronously: WebGPU when the
/// browser has a hardware adapter, else flex on the CPU). Copy: arena handles only.
#[derive(Clone, Copy)]
pub struct SharedCnn {
    model: StoredValue<LoadedCnn, LocalStorage>,
    gpu: StoredValue<GpuNets, LocalStorage>,
    /// Which backend runs the network, in words (shown on the page).
    pub label: ReadSignal<String>,
    /// True once the backend is chosen.
    pub ready: ReadSignal<bool>,
}

impl SharedCnn {
    /// The ensemble, or why the bundles cannot be loaded.
    pub fn loaded(&self) -> LoadedCnn {
        self.model.with_value(Clone::clone)
    }

    /// Runs every member on one galaxy's inputs on the chosen backend and combines them
    /// (`galmass_core::bundle::ensemble`): per target the mean, the members' spread and the
    /// quoted σ = √(σ_test² + spread²).
    pub async fn predict_ensemble(
        &self,
        g: &GalaxyInputs,
    ) -> Result<Vec<(String, EnsembleValue)>, String> {
        let e = self.loaded()?;
        // The members read the same inputs (checked when the ensemble was made): the maps
        // are checked, resampled and normalised once.
        let prepared = e.lead().manifest.prepare(g).map_err(|err| match err {
            BundleError::Scale { .. } => format!(
                "{err}: the maps card loaded {} — choose \"ideal maps\" under its models to \
                 predict the gallery's and the Classroom's galaxies",
                if e.lead().manifest.training.scale == MapScale::Re {
                    "the observed-conditions CNN"
                } else {
                    "other models"
                }
            ),
            err => err.to_string(),
        })?;
        let preds: Vec<Vec<f64>> = self
            .run_batch(std::slice::from_ref(&prepared))
            .await?
            .into_iter()
            .map(|mut m| m.pop().unwrap_or_default())
            .collect();
        let values = e.ensemble.combine(&preds);
        Ok(e.lead()
            .manifest
            .targets
            .iter()
            .map(|t| t.name.clone())
            .zip(values)
            .collect())
    }

    /// The ensemble's mean log10 prediction per target for each galaxy of `inputs` (each
    /// given only the maps the model reads), as `galmass explain` computes it.
    pub async fn mean_batch(&self, inputs: &[GalaxyInputs]) -> Result<Vec<Vec<f64>>, String> {
        let e = self.loaded()?;
        let m = &e.lead().manifest;
        let prepared = inputs
            .iter()
            .map(|g| m.prepare(&m.keep_read_maps(g)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        let members = self.run_batch(&prepared).await?;
        Ok((0..prepared.len())
            .map(|k| {
                let preds: Vec<Vec<f64>> = members.iter().map(|m| m[k].clone()).collect();
                e.ensemble
                    .combine(&preds)
                    .into_iter()
                    .map(|v| v.mean)
                    .collect()
            })
            .collect())
    }

    /// Every member on a batch of prepared galaxies: per member, per galaxy, log10 per
    /// target. On WebGPU when chosen; else on flex in the page's worker, or on the page when
    /// there is no worker.
    pub async fn run_batch(&self, batch: &[PreparedInputs]) -> Result<Vec<Vec<Vec<f64>>>, String> {
        let e = self.loaded()?;
        if let Some((device, nets)) = self.gpu.with_value(Clone::clone) {
            let mut out = Vec::with_capacity(nets.len());
            for net in nets.iter() {
                out.push(run_net(batch, net, &device).await?);
            }
            return Ok(out);
        }
        if let Some(worker) = Client::get() {
            let (shape, values) = pack(batch);
            let json = serde_json::to_string(&shape).map_err(|e| e.to_string())?;
            let data = js_sys::Float32Array::from(values.as_slice());
            if let Ok(reply) = worker.request(FORWARD, &json, Some(&data), None).await {
                return serde_json::from_str(&reply.json).map_err(|e| e.to_string());
            }
        }
        forward_flex(&e, batch)
    }

    /// Replaces the ensemble (the user's own bundles `files`, or the bundled ones again when
    /// `files` is empty), on the chosen backend: with WebGPU running, the new networks are
    /// loaded there too; the worker loads the same files before its next run.
    pub fn replace(&self, e: Rc<CnnEnsemble>, files: &[(String, Vec<u8>)]) -> Result<(), String> {
        let device = self.gpu.with_value(|g| g.as_ref().map(|(d, _)| d.clone()));
        if let Some(device) = device {
            let nets = e
                .ensemble
                .cnn_models(&device)
                .map_err(|err| format!("the CNN could not be loaded on WebGPU: {err}"))?;
            self.gpu.set_value(Some((device, Rc::new(nets))));
        }
        self.model.set_value(Ok(e));
        if let Some(worker) = Client::get() {
            let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
            let json = serde_json::to_string(&names).unwrap_or_default();
            let bytes: js_sys::Array = files
                .iter()
                .map(|f| js_sys::Uint8Array::from(f.1.as_slice()))
                .collect();
            // Posted now, so the worker loads before any run requested after this.
            let loading = worker.request(LOAD, &json, None, Some(&bytes));
            spawn_local(async move {
                if let Err(e) = loading.await {
                    leptos::logging::warn!("the worker could not load the bundles: {e}");
                }
            });
        }
        Ok(())
    }

    /// [`Self::predict_ensemble`] as (target, mean, quoted σ).
    pub async fn predict(&self, g: &GalaxyInputs) -> Result<Vec<Shown>, String> {
        Ok(self
            .predict_ensemble(g)
            .await?
            .into_iter()
            .map(|(t, v)| (t, v.mean, v.sigma))
            .collect())
    }
}

/// Loads the bundled CNN once, starts choosing its backend, and provides both to every card
/// below the caller.
pub fn provide_cnn() {
    let cnn = new_shared_cnn();
    provide_context(cnn);
}

/// The CNN provided by [`provide_cnn`] (loaded here if no ancestor provided it).
pub fn shared_cnn() -> SharedCnn {
    use_context::<SharedCnn>().unwrap_or_else(new_shared_cnn)
}

fn new_shared_cnn() -> SharedCnn {
    let model = StoredValue::new_local(load_cnn());
    let gpu = StoredValue::new_local(None);
    let (label, set_label) = signal(BACKEND.to_string());
    let (ready, set_ready) = signal(false);
    spawn_local(async move {
        if let Ok(e) = model.with_value(Clone::clone) {
            match webgpu_nets(&e.ensemble).await {
                Ok((device, nets, name)) => {
                    gpu.set_value(Some((device, Rc::new(nets))));
                    set_label.set(name);
                }
                Err(why) => set_label.set(format!("{BACKEND} — {why}")),
            }
        }
        set_ready.set(true);
    });
    SharedCnn {
        model,
        gpu,
        label,
        ready,
    }
}

/// Loads the bundled CNN ensemble.
pub fn load_cnn() -> LoadedCnn {
    let named: Vec<(String, &[u8])> = CNN_BUNDLES
        .iter()
        .enumerate()
        .map(|(k, b)| (format!("bundled CNN {}", k + 1), *b))
        .collect();
    ensemble_from_bytes(&named)
}

/// An ensemble of CNN bundles from (name, bytes): each read and checked as `galmass predict`
/// reads a bundle file (format version, lengths, checksum, manifest), CNNs only, the members
/// agreeing on inputs and targets; errors name the file.
pub fn ensemble_from_bytes(files: &[(String, &[u8])]) -> LoadedCnn {
    let ensemble = Ensemble::from_bytes(files.iter().map(|(n, b)| (n.as_str(), *b)))
        .map_err(|e| e.to_string())?;
    if ensemble.kind() != ModelKind::Cnn {
        let name = files.first().map_or("the bundle", |f| f.0.as_str());
        return Err(format!(
            "{name}: a {} bundle; this card runs CNN bundles (the GBDT reads numbers: use \
             \"Predict from numbers\")",
            ensemble.kind().name()
        ));
    }
    let nets = ensemble
        .cnn_models(&Device::flex())
        .map_err(|e| e.to_string())?;
    Ok(Rc::new(CnnEnsemble { ensemble, nets }))
}

/// Runs one network on a batch of prepared galaxies on `device`: per galaxy, log10 per
/// target. The result is read asynchronously (WebGPU cannot block).
async fn run_net(
    batch: &[PreparedInputs],
    net: &MultiBranchResNet,
    device: &Device,
) -> Result<Vec<Vec<f64>>, String> {
    let (maps, side) = PreparedInputs::batch_tensors(batch, device);
    let out = net.try_forward(maps, side).map_err(|e| e.to_string())?;
    let t = out.dims()[1];
    let data = out.into_data_async().await.map_err(|e| format!("{e:?}"))?;
    let v = data.try_to_vec::<f32>().map_err(|e| format!("{e:?}"))?;
    Ok(per_galaxy(&v, t))
}

/// Every member of `e` on a batch on flex, here (the worker's work, or the page's without
/// one): per member, per galaxy, log10 per target.
pub fn forward_flex(
    e: &CnnEnsemble,
    batch: &[PreparedInputs],
) -> Result<Vec<Vec<Vec<f64>>>, String> {
    let device = Device::flex();
    e.nets
        .iter()
        .map(|net| {
            let (maps, side) = PreparedInputs::batch_tensors(batch, &device);
            let out = net.try_forward(maps, side).map_err(|e| e.to_string())?;
            let t = out.dims()[1];
            let v = out
                .into_data()
                .try_to_vec::<f32>()
                .map_err(|e| format!("{e:?}"))?;
            Ok(per_galaxy(&v, t))
        })
        .collect()
}

/// A network's output, N × T values, as N rows of T.
fn per_galaxy(v: &[f32], t: usize) -> Vec<Vec<f64>> {
    v.chunks(t.max(1))
        .map(|c| c.iter().map(|&x| f64::from(x)).collect())
        .collect()
}

/// `?backend=` of the page's address: `webgpu` or `cpu` forces a backend.
#[cfg(target_arch = "wasm32")]
fn forced_backend() -> Option<String> {
    query_param("backend")
}

/// The network on a WebGPU adapter: (device, network, label), or why the CPU runs it. A
/// software fallback adapter (SwiftShader, with no GPU) is seconds per inference where flex
/// takes milliseconds, so it is used only when `?backend=webgpu` asks for it.
#[cfg(target_arch = "wasm32")]
async fn webgpu_nets(
    ensemble: &Ensemble,
) -> Result<(Device, Vec<MultiBranchResNet>, String), String> {
    use js_sys::Reflect;
    let forced = forced_backend();
    if forced.as_deref() == Some("cpu") {
        return Err("chosen by ?backend=cpu".into());
    }
    let gpu = web_sys::window()
        .and_then(|w| Reflect::get(&w.navigator(), &"gpu".into()).ok())
        .filter(|g| !g.is_undefined())
        .ok_or("this browser has no WebGPU")?;
    let request = Reflect::get(&gpu, &"requestAdapter".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call0(&gpu).ok())
        .and_then(|p| p.dyn_into::<js_sys::Promise>().ok())
        .ok_or("WebGPU cannot be asked for an adapter")?;
    let adapter = JsFuture::from(request)
        .await
        .ok()
        .filter(|a| !a.is_null() && !a.is_undefined())
        .ok_or("no WebGPU adapter found")?;
    let flag = |obj: &wasm_bindgen::JsValue| {
        Reflect::get(obj, &"isFallbackAdapter".into())
            .ok()
            .and_then(|v| v.as_bool())
    };
    let info = Reflect::get(&adapter, &"info".into()).ok();
    let fallback = info.as_ref().and_then(flag).or_else(|| flag(&adapter)) == Some(true);
    let arch = info
        .as_ref()
        .and_then(|i| Reflect::get(i, &"architecture".into()).ok())
        .and_then(|v| v.as_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "software".into());
    if fallback && forced.as_deref() != Some("webgpu") {
        return Err(format!(
            "the browser's WebGPU adapter is a software fallback ({arch}), slower than the CPU \
             path; add ?backend=webgpu to the address to use it anyway"
        ));
    }
    let device = burn::tensor::wgpu::WgpuOptions::default()
        .init_async()
        .await
        .map_err(|e| format!("WebGPU could not be started: {e:?}"))?;
    let nets = ensemble
        .cnn_models(&device)
        .map_err(|e| format!("the CNN could not be loaded on WebGPU: {e}"))?;
    let kind = if fallback {
        format!(", {arch} software adapter")
    } else {
        String::new()
    };
    Ok((device, nets, format!("GPU (Burn wgpu, WebGPU{kind})")))
}

#[cfg(not(target_arch = "wasm32"))]
async fn webgpu_nets(
    _ensemble: &Ensemble,
) -> Result<(Device, Vec<MultiBranchResNet>, String), String> {
    Err("WebGPU exists only in the browser".into())
}
