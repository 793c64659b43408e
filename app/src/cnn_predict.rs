//! Predict from maps: the default CNN bundle (`www/models/cnn.bundle`, compiled into the page)
//! reads the r- and g-band images and the kinematic maps of one galaxy (FITS or NPY, any
//! square size) and its half-mass radius, and predicts log10 M* and log10 Mtot inside R_hsm. Files are
//! parsed, checked, resampled and normalised by galmass-core (`GalaxyMap::from_upload`,
//! `Manifest::prepare` — the code path of `galmass predict --r … --g … --vel …`), and the network
//! runs on Burn's wgpu backend over WebGPU when the browser has a hardware adapter, else on
//! Burn's flex CPU backend compiled to WebAssembly ([`SharedCnn`], shared by every card).
//! Nothing is uploaded anywhere.

use std::rc::Rc;

use burn::tensor::Device;
use galmass_core::bundle::cnn_input::{
    GalaxyInputs, GalaxyMap, PngCalibration, PreparedInputs, reads_map,
};
use galmass_core::bundle::ensemble::{self, EnsembleValue};
use galmass_core::bundle::{Bundle, Manifest, ModelKind};
use galmass_core::cnn::MultiBranchResNet;
use galmass_core::units::{MSUN_G, MSUN_R};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{JsFuture, spawn_local};

use crate::assets::{CNN_BUNDLES, GALLERY_JSON};

/// Which backend runs the network, as shown on the page.
pub const BACKEND: &str = "CPU (Burn flex, WebAssembly)";

/// An uploaded file: its name and bytes.
type Upload = Option<(String, Vec<u8>)>;

/// One shown prediction: target, log10 value, quoted σ (dex).
pub type Shown = (String, f64, f64);

/// Milliseconds from the page's clock (`performance.now()`).
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Lets the browser paint (one macrotask) before heavy work.
pub async fn yield_to_browser() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback(&resolve);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Median milliseconds of `n` warm predictions of the first gallery galaxy (2 untimed first).
async fn bench_runs(cnn: SharedCnn, n: usize) -> Result<(f64, usize), String> {
    let gallery: galmass_core::gallery::Gallery =
        serde_json::from_str(GALLERY_JSON).map_err(|e| e.to_string())?;
    let g = gallery
        .examples
        .first()
        .and_then(|e| e.inputs())
        .ok_or("the gallery has no usable galaxy")?;
    let mut times = Vec::with_capacity(n);
    for k in 0..n + 2 {
        let t0 = now_ms();
        cnn.predict(&g).await?;
        if k >= 2 {
            times.push(now_ms() - t0);
        }
    }
    times.sort_by(f64::total_cmp);
    Ok((times[times.len() / 2], n))
}

/// Reads every file of a file input: (name, bytes) in order.
async fn read_all(input: web_sys::HtmlInputElement) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    if let Some(files) = input.files() {
        for k in 0..files.length() {
            if let Some(file) = files.get(k)
                && let Ok(buf) = JsFuture::from(file.array_buffer()).await
            {
                out.push((file.name(), js_sys::Uint8Array::new(&buf).to_vec()));
            }
        }
    }
    out
}

/// Reads the first file of a file input into `set`.
fn read_into(ev: &leptos::ev::Event, set: WriteSignal<Upload>) {
    let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return;
    };
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        set.set(None);
        return;
    };
    spawn_local(async move {
        let name = file.name();
        if let Ok(buf) = JsFuture::from(file.array_buffer()).await {
            set.set(Some((name, js_sys::Uint8Array::new(&buf).to_vec())));
        }
    });
}

/// The bundled CNN ensemble: its bundles and their networks on the flex device.
pub struct CnnEnsemble {
    /// The members' bundles (same inputs and targets).
    pub bundles: Vec<Bundle>,
    /// Their networks on the CPU.
    pub nets: Vec<MultiBranchResNet>,
}

impl CnnEnsemble {
    /// The first member's bundle: the inputs and targets every member shares.
    pub fn lead(&self) -> &Bundle {
        &self.bundles[0]
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
        let gpu = self.gpu.with_value(Clone::clone);
        // The members read the same inputs (checked when the ensemble was made): the maps
        // are checked, resampled and normalised once.
        let prepared = e.lead().manifest.prepare(g).map_err(|e| e.to_string())?;
        let mut preds = Vec::with_capacity(e.bundles.len());
        for k in 0..e.bundles.len() {
            let p = match &gpu {
                Some((device, nets)) => run_net(&prepared, &nets[k], device).await?,
                None => run_net(&prepared, &e.nets[k], &Device::flex()).await?,
            };
            preds.push(p);
        }
        let manifests: Vec<&Manifest> = e.bundles.iter().map(|b| &b.manifest).collect();
        let values = ensemble::combine(&preds, &ensemble::test_sigma(&manifests));
        Ok(e.lead()
            .manifest
            .targets
            .iter()
            .map(|t| t.name.clone())
            .zip(values)
            .collect())
    }

    /// Replaces the ensemble (the user's own bundles, or the bundled ones again), on the
    /// chosen backend: with WebGPU running, the new networks are loaded there too.
    pub fn replace(&self, e: Rc<CnnEnsemble>) -> Result<(), String> {
        let device = self.gpu.with_value(|g| g.as_ref().map(|(d, _)| d.clone()));
        if let Some(device) = device {
            let nets = e
                .bundles
                .iter()
                .map(|b| b.cnn_model(&device))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|err| format!("the CNN could not be loaded on WebGPU: {err}"))?;
            self.gpu.set_value(Some((device, Rc::new(nets))));
        }
        self.model.set_value(Ok(e));
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
            match webgpu_nets(&e.bundles).await {
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
    let mut bundles = Vec::new();
    let mut nets = Vec::new();
    for (name, bytes) in files {
        let b = Bundle::from_bytes(bytes).map_err(|e| format!("{name}: {e}"))?;
        if b.manifest.kind != ModelKind::Cnn {
            return Err(format!(
                "{name}: a {} bundle; this card runs CNN bundles (the GBDT reads numbers: use \
                 \"Predict from numbers\")",
                b.manifest.kind.name()
            ));
        }
        nets.push(
            b.cnn_model(&Device::flex())
                .map_err(|e| format!("{name}: {e}"))?,
        );
        bundles.push(b);
    }
    if bundles.is_empty() {
        return Err("no bundle given".into());
    }
    let manifests: Vec<&Manifest> = bundles.iter().map(|b| &b.manifest).collect();
    ensemble::check_members(&manifests).map_err(|e| e.to_string())?;
    Ok(Rc::new(CnnEnsemble { bundles, nets }))
}

/// Runs one network on one galaxy's prepared inputs on `device`: log10 per target. The
/// result is read asynchronously (WebGPU cannot block).
async fn run_net(
    prepared: &PreparedInputs,
    net: &MultiBranchResNet,
    device: &Device,
) -> Result<Vec<f64>, String> {
    let (maps, side) = prepared.tensors(device);
    let out = net.try_forward(maps, side).map_err(|e| e.to_string())?;
    let data = out.into_data_async().await.map_err(|e| format!("{e:?}"))?;
    let v = data.try_to_vec::<f32>().map_err(|e| format!("{e:?}"))?;
    Ok(v.into_iter().map(f64::from).collect())
}

/// The value of `name` in the page address's query (`?name=value&…`), lower-cased.
pub fn query_param(name: &str) -> Option<String> {
    use js_sys::Reflect;
    let window = web_sys::window()?;
    let location = Reflect::get(&window, &"location".into()).ok()?;
    let search = Reflect::get(&location, &"search".into())
        .ok()?
        .as_string()?;
    let prefix = format!("{name}=");
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|kv| kv.strip_prefix(prefix.as_str()))
        .map(str::to_ascii_lowercase)
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
    bundles: &[Bundle],
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
    let nets = bundles
        .iter()
        .map(|b| b.cnn_model(&device))
        .collect::<Result<Vec<_>, _>>()
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
    _bundles: &[Bundle],
) -> Result<(Device, Vec<MultiBranchResNet>, String), String> {
    Err("WebGPU exists only in the browser".into())
}

/// Files → galaxy inputs, checked.
fn files_to_inputs(
    bundle: &Bundle,
    r: &Upload,
    g: &Upload,
    vel: &Upload,
    rhsm: &str,
    mags: (&str, &str),
) -> Result<GalaxyInputs, String> {
    let m = &bundle.manifest;
    // The input reading each uploaded map (`r` and `g` feed `rg`, the two-channel light).
    let size = |map: &str| {
        m.inputs
            .iter()
            .find(|i| reads_map(&i.name, map))
            .and_then(|i| i.shape.last().copied())
            .unwrap_or(0)
    };
    let reads_g = reads_g_band(bundle);
    let (rn, rb) = r.as_ref().ok_or("choose an r-band image (FITS or NPY)")?;
    let (vn, vb) = vel
        .as_ref()
        .ok_or("choose the kinematic maps (FITS or NPY)")?;
    let rh: f64 = rhsm
        .trim()
        .parse()
        .ok()
        .filter(|x: &f64| x.is_finite() && *x > 0.0)
        .ok_or("give the half-mass radius R_hsm in kpc (a number > 0)")?;
    let png = |band: &str, text: &str, msun: f64| -> Result<Option<PngCalibration>, String> {
        match text.trim() {
            "" => Ok(None),
            text => {
                let mag: f64 = text
                    .parse()
                    .ok()
                    .filter(|x: &f64| x.is_finite())
                    .ok_or(format!(
                        "the {band} magnitude of a PNG image must be a number, e.g. -21.3"
                    ))?;
                Ok(Some(PngCalibration::from_magnitude(mag, msun, rh)))
            }
        }
    };
    let rmap = GalaxyMap::from_upload(rn, rb, true, size("r"), png("r", mags.0, MSUN_R)?.as_ref())
        .map_err(|e| e.to_string())?;
    let vmap =
        GalaxyMap::from_upload(vn, vb, false, size("vel"), None).map_err(|e| e.to_string())?;
    let mut maps = vec![("r".into(), rmap)];
    if reads_g {
        let (gn, gb) = g.as_ref().ok_or(
            "these models read colour: choose the g-band image too (FITS, NPY, or PNG with its magnitude; same grid as r)",
        )?;
        let gmap =
            GalaxyMap::from_upload(gn, gb, true, size("g"), png("g", mags.1, MSUN_G)?.as_ref())
                .map_err(|e| e.to_string())?;
        maps.push(("g".into(), gmap));
    }
    maps.push(("vel".into(), vmap));
    Ok(GalaxyInputs {
        maps,
        log_rhsm: Some(rh.log10()),
    })
}

/// Whether a CNN bundle reads an uploaded g-band image (input `g`, or `rg`).
pub fn reads_g_band(bundle: &Bundle) -> bool {
    bundle
        .manifest
        .inputs
        .iter()
        .any(|i| reads_map(&i.name, "g"))
}

/// The predict-from-maps card.
#[component]
pub fn CnnPredict() -> impl IntoView {
    let cnn = shared_cnn();
    let (r, set_r) = signal(None::<(String, Vec<u8>)>);
    let (g, set_g) = signal(None::<(String, Vec<u8>)>);
    let (vel, set_vel) = signal(None::<(String, Vec<u8>)>);
    let rhsm = RwSignal::new(String::from("3.0"));
    let r_mag = RwSignal::new(String::new());
    let g_mag = RwSignal::new(String::new());
    let (shown, set_shown) = signal(Vec::<(String, EnsembleValue)>::new());
    let (error, set_error) = signal(cnn.loaded().err());
    let (busy, set_busy) = signal(false);
    let (latency, set_latency) = signal(None::<f64>);
    // Finished runs (successful or not), for tests and screen readers to know a run ended.
    let (runs, set_runs) = signal(0u32);
    // Which models the card runs: the bundled ensemble, or the user's bundles.
    let (models, set_models) = signal(String::from("the bundled ensemble of 3 CNNs"));
    let (loads, set_loads) = signal(0u32);
    let choose_bundles = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        spawn_local(async move {
            let files = read_all(input).await;
            let named: Vec<(String, &[u8])> = files
                .iter()
                .map(|(n, b)| (n.clone(), b.as_slice()))
                .collect();
            let res = if named.is_empty() {
                load_cnn().map(|e| (e, "the bundled ensemble of 3 CNNs".to_string()))
            } else {
                let names = files
                    .iter()
                    .map(|f| f.0.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                ensemble_from_bytes(&named).map(|e| (e, format!("your bundle(s): {names}")))
            };
            match res.and_then(|(e, label)| cnn.replace(e).map(|()| label)) {
                Ok(label) => {
                    set_models.set(label);
                    set_shown.set(Vec::new());
                    set_error.set(None);
                }
                Err(e) => {
                    set_shown.set(Vec::new());
                    set_error.set(Some(e));
                }
            }
            set_loads.update(|n| *n += 1);
        });
    };
    let predict = move |_| {
        set_busy.set(true);
        spawn_local(async move {
            yield_to_browser().await;
            let t0 = now_ms();
            let res = match cnn.loaded() {
                Ok(e) => match files_to_inputs(
                    e.lead(),
                    &r.get_untracked(),
                    &g.get_untracked(),
                    &vel.get_untracked(),
                    &rhsm.get_untracked(),
                    (&r_mag.get_untracked(), &g_mag.get_untracked()),
                ) {
                    Ok(g) => cnn.predict_ensemble(&g).await,
                    Err(e) => Err(e),
                },
                Err(e) => Err(e),
            };
            match res {
                Ok(s) => {
                    set_latency.set(Some(now_ms() - t0));
                    set_shown.set(s);
                    set_error.set(None);
                }
                Err(e) => {
                    set_shown.set(Vec::new());
                    set_error.set(Some(e));
                }
            }
            set_busy.set(false);
            set_runs.update(|n| *n += 1);
        });
    };
    // `?bench=N`: once the backend is chosen, time N warm predictions of the first gallery
    // galaxy (after 2 untimed ones) and show the median, so anyone can measure their browser.
    let (bench, set_bench) = signal(None::<Result<(f64, usize), String>>);
    if let Some(n) = query_param("bench").and_then(|v| v.parse::<usize>().ok()) {
        let started = StoredValue::new(false);
        Effect::new(move |_| {
            if !cnn.ready.get() || started.get_value() {
                return;
            }
            started.set_value(true);
            spawn_local(async move {
                yield_to_browser().await;
                let res = bench_runs(cnn, n.clamp(1, 1000)).await;
                // Also in the console, for headless runs that only read the log.
                match &res {
                    Ok((ms, n)) => leptos::logging::log!(
                        "galmass bench: median {ms:.2} ms over {n} warm predictions on {}",
                        cnn.label.get_untracked()
                    ),
                    Err(e) => leptos::logging::log!("galmass bench failed: {e}"),
                }
                set_bench.set(Some(res));
            });
        });
    }
    let fdm = move || {
        let s = shown.get();
        let ms = s.iter().find(|x| x.0 == "mstar")?.1.mean;
        let mt = s.iter().find(|x| x.0 == "mtot")?.1.mean;
        Some(1.0 - 10f64.powf(ms - mt))
    };
    view! {
        <section class="card" id="predict" data-testid="cnn-predict" data-runs=move || runs.get().to_string()>
            <h2>"Predict from maps: the convolutional network"</h2>
            <p class="lede">
                "Give one galaxy's r- and g-band surface-brightness images (L☉/kpc², square, any size, centred, \
                 covering ±3 R_hsm, the two on one grid; a PNG holds only relative brightness, so give the magnitude of its light \
                 too and keep its grey levels linear), its stellar velocity and dispersion maps (2 or 3 planes: V and σ in km/s, \
                 optionally a 0/1 mask), and its half-mass radius. Three compact multi-branch ResNet-18s, \
                 trained alike on our mock galaxies from different random starts, predict the stellar and total \
                 mass inside R_hsm; the value is their mean. The ± (1σ, dex) adds in quadrature their scatter on \
                 test galaxies and how much the three disagree on this galaxy, which grows for galaxies unlike \
                 the training set. The files stay in your browser."
            </p>
            <div class="features">
                <label><span>"r-band image (FITS, NPY; or PNG with its magnitude)"</span>
                    <input type="file" accept=".fits,.fit,.fts,.npy,.png" data-testid="upload-r"
                        on:change=move |ev| read_into(&ev, set_r) /></label>
                <label><span>"g-band image, same grid as r (FITS, NPY; or PNG with its magnitude): needed by models that read colour, as the bundled ones do"</span>
                    <input type="file" accept=".fits,.fit,.fts,.npy,.png" data-testid="upload-g"
                        on:change=move |ev| read_into(&ev, set_g) /></label>
                <label><span>"kinematic maps V, σ [, mask] (FITS, NPY)"</span>
                    <input type="file" accept=".fits,.fit,.fts,.npy" data-testid="upload-vel"
                        on:change=move |ev| read_into(&ev, set_vel) /></label>
                <label><span>"half-mass radius R_hsm (kpc)"</span>
                    <input type="number" step="any" min="0" data-testid="input-rhsm"
                        prop:value=move || rhsm.get()
                        on:input=move |ev| rhsm.set(event_target_value(&ev)) /></label>
                <label><span>"optional: your own CNN bundle(s) from galmass export (several = an ensemble)"</span>
                    <input type="file" accept=".bundle" multiple data-testid="upload-bundle"
                        on:change=choose_bundles /></label>
                <label><span>"PNG r image only: absolute r magnitude (AB) of the light in the image"</span>
                    <input type="number" step="any" placeholder="e.g. -21.3" data-testid="input-rmag"
                        prop:value=move || r_mag.get()
                        on:input=move |ev| r_mag.set(event_target_value(&ev)) /></label>
                <label><span>"PNG g image only: absolute g magnitude (AB) of the light in the image"</span>
                    <input type="number" step="any" placeholder="e.g. -20.6" data-testid="input-gmag"
                        prop:value=move || g_mag.get()
                        on:input=move |ev| g_mag.set(event_target_value(&ev)) /></label>
            </div>
            <button class="primary" data-testid="predict-button" on:click=predict disabled=move || busy.get()>
                {move || if busy.get() { "Running…" } else { "Predict" }}
            </button>
            <p class="error" data-testid="error" hidden=move || error.get().is_none()>
                {move || error.get().unwrap_or_default()}
            </p>
            <div class="results">
                {move || shown.get().into_iter().map(|(t, e)| view! {
                    <div class="result">
                        <div class="result-label">{format!("log10 {} / M☉ (< R_hsm)", if t == "mstar" { "M*" } else if t == "mtot" { "Mtot" } else { t.as_str() })}</div>
                        <div class="result-value" data-testid=format!("prediction-{t}")
                            data-value=format!("{}", e.mean) data-sigma=format!("{}", e.sigma)
                            data-spread=format!("{}", e.spread)>
                            {format!("{:.3} ± {:.3}", e.mean, e.sigma)}
                        </div>
                        <div class="result-label">{format!("the three networks differ by {:.3}", e.spread)}</div>
                    </div>
                }).collect_view()}
                {move || fdm().map(|f| view! {
                    <div class="result">
                        <div class="result-label">"dark-matter fraction 1 − M*/Mtot"</div>
                        <div class="result-value" data-testid="prediction-fdm" data-value=format!("{f}")>
                            {if f > 0.0 { format!("{f:.2}") } else { "undefined (M* ≥ Mtot)".to_string() }}
                        </div>
                    </div>
                })}
            </div>
            <p class="meta">
                "models: " <span data-testid="models" data-loads=move || loads.get().to_string()>{move || models.get()}</span>
                " · backend: " <span data-testid="backend" data-ready=move || cnn.ready.get().to_string()>{move || cnn.label.get()}</span>
                {move || bench.get().map(|b| match b {
                    Ok((ms, n)) => view! {
                        " · benchmark: " <span data-testid="bench" data-median-ms=ms.to_string()>
                            {format!("median {ms:.1} ms over {n} warm predictions of a gallery galaxy")}
                        </span>
                    }.into_any(),
                    Err(e) => view! { " · benchmark: " <span data-testid="bench" class="error">{e}</span> }.into_any(),
                })}
                " · latency: " <span data-testid="latency-ms" data-value=move || latency.get().map(|l| l.to_string()).unwrap_or_default()>
                    {move || latency.get().map_or("—".to_string(), |l| format!("{l:.0} ms"))}
                </span>
            </p>
        </section>
    }
}
