//! Predict from maps: the default CNN bundle (`www/models/cnn.bundle`, compiled into the page)
//! reads an r-band image and the kinematic maps of one galaxy (FITS or NPY, any square size)
//! and its half-mass radius, and predicts log10 M* and log10 Mtot inside R_hsm. Files are
//! parsed, checked, resampled and normalised by galmass-core (`GalaxyMap::from_upload`,
//! `Manifest::prepare` — the code path of `galmass predict --r … --vel …`), and the network
//! runs on Burn's flex CPU backend compiled to WebAssembly. Nothing is uploaded anywhere.

use std::rc::Rc;

use burn::tensor::Device;
use galmass_core::bundle::Bundle;
use galmass_core::bundle::cnn_input::{GalaxyInputs, GalaxyMap};
use galmass_core::cnn::MultiBranchResNet;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{JsFuture, spawn_local};

/// The default CNN bundle (r + vel + log R_hsm → M*, Mtot), rebuilt by the commands in
/// `www/models/README.md`.
pub const CNN_BUNDLE: &[u8] = include_bytes!("../../www/models/cnn.bundle");

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

/// The bundled CNN and its network on the flex device, or why it cannot be loaded.
pub type LoadedCnn = Result<(Rc<Bundle>, Rc<MultiBranchResNet>), String>;

/// The bundled CNN shared by the page's cards: loaded once, by [`provide_cnn`] at the root.
pub type SharedCnn = StoredValue<LoadedCnn, LocalStorage>;

/// Loads the bundled CNN once and provides it to every card below the caller.
pub fn provide_cnn() {
    provide_context::<SharedCnn>(StoredValue::new_local(load_cnn()));
}

/// The CNN provided by [`provide_cnn`] (loaded here if no ancestor provided it).
pub fn shared_cnn() -> SharedCnn {
    use_context::<SharedCnn>().unwrap_or_else(|| StoredValue::new_local(load_cnn()))
}

/// Loads the bundled CNN.
pub fn load_cnn() -> LoadedCnn {
    Bundle::from_bytes(CNN_BUNDLE)
        .and_then(|b| {
            let net = b.cnn_model(&Device::flex())?;
            Ok((Rc::new(b), Rc::new(net)))
        })
        .map_err(|e| format!("the bundled CNN cannot be loaded: {e}"))
}

/// Runs the bundle on one galaxy's inputs on `device`: predictions (target, log10, σ) or an
/// error. The result is read asynchronously (WebGPU cannot block).
pub async fn predict_galaxy_on(
    bundle: &Bundle,
    net: &MultiBranchResNet,
    g: &GalaxyInputs,
    device: &Device,
) -> Result<Vec<Shown>, String> {
    let m = &bundle.manifest;
    let prepared = m.prepare(g).map_err(|e| e.to_string())?;
    let (maps, side) = prepared.tensors(device);
    let out = net.try_forward(maps, side).map_err(|e| e.to_string())?;
    let data = out.into_data_async().await.map_err(|e| format!("{e:?}"))?;
    let v = data.try_to_vec::<f32>().map_err(|e| format!("{e:?}"))?;
    Ok(m.targets
        .iter()
        .zip(v)
        .map(|(t, x)| {
            let sigma = m
                .metrics
                .iter()
                .find(|k| k.target == t.name)
                .map_or(f64::NAN, |k| k.sigma_dex);
            (t.name.clone(), x as f64, sigma)
        })
        .collect())
}

/// The network on a WebGPU adapter, when the browser has one: (device, network, label).
#[cfg(target_arch = "wasm32")]
async fn webgpu_net(bundle: &Bundle) -> Option<(Device, MultiBranchResNet, String)> {
    // Without WebGPU in the browser there is nothing to ask for.
    let has_gpu = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w.navigator(), &"gpu".into()).ok())
        .is_some_and(|g| !g.is_undefined());
    if !has_gpu {
        return None;
    }
    let device = burn::tensor::wgpu::WgpuOptions::default()
        .init_async()
        .await
        .ok()?;
    let net = bundle.cnn_model(&device).ok()?;
    Some((device, net, "GPU (Burn wgpu, WebGPU)".to_string()))
}

#[cfg(not(target_arch = "wasm32"))]
async fn webgpu_net(_bundle: &Bundle) -> Option<(Device, MultiBranchResNet, String)> {
    None
}

/// Files → galaxy inputs, checked.
fn files_to_inputs(
    bundle: &Bundle,
    r: &Upload,
    vel: &Upload,
    rhsm: &str,
) -> Result<GalaxyInputs, String> {
    let m = &bundle.manifest;
    let size = |name: &str| {
        m.inputs
            .iter()
            .find(|i| i.name == name)
            .and_then(|i| i.shape.last().copied())
            .unwrap_or(0)
    };
    let (rn, rb) = r.as_ref().ok_or("choose an r-band image (FITS or NPY)")?;
    let (vn, vb) = vel
        .as_ref()
        .ok_or("choose the kinematic maps (FITS or NPY)")?;
    let rmap = GalaxyMap::from_upload(rn, rb, true, size("r")).map_err(|e| e.to_string())?;
    let vmap = GalaxyMap::from_upload(vn, vb, false, size("vel")).map_err(|e| e.to_string())?;
    let rh: f64 = rhsm
        .trim()
        .parse()
        .ok()
        .filter(|x: &f64| x.is_finite() && *x > 0.0)
        .ok_or("give the half-mass radius R_hsm in kpc (a number > 0)")?;
    Ok(GalaxyInputs {
        maps: vec![("r".into(), rmap), ("vel".into(), vmap)],
        log_rhsm: Some(rh.log10()),
    })
}

/// The predict-from-maps card.
#[component]
pub fn CnnPredict() -> impl IntoView {
    let model = shared_cnn();
    // The network on WebGPU when the browser has an adapter (found asynchronously at start).
    let gpu = StoredValue::new_local(None::<(Device, Rc<MultiBranchResNet>)>);
    let (backend, set_backend) = signal(BACKEND.to_string());
    let (ready, set_ready) = signal(false);
    spawn_local(async move {
        let bundle = model.with_value(|m| m.as_ref().ok().map(|(b, _)| b.clone()));
        if let Some(b) = bundle
            && let Some((device, net, label)) = webgpu_net(&b).await
        {
            gpu.set_value(Some((device, Rc::new(net))));
            set_backend.set(label);
        }
        set_ready.set(true);
    });
    let (r, set_r) = signal(None::<(String, Vec<u8>)>);
    let (vel, set_vel) = signal(None::<(String, Vec<u8>)>);
    let rhsm = RwSignal::new(String::from("3.0"));
    let (shown, set_shown) = signal(Vec::<Shown>::new());
    let (error, set_error) = signal(model.with_value(|m| m.as_ref().err().cloned()));
    let (busy, set_busy) = signal(false);
    let (latency, set_latency) = signal(None::<f64>);
    // Finished runs (successful or not), for tests and screen readers to know a run ended.
    let (runs, set_runs) = signal(0u32);
    let predict = move |_| {
        set_busy.set(true);
        spawn_local(async move {
            yield_to_browser().await;
            let t0 = now_ms();
            let loaded = model.with_value(|m| m.clone());
            let res = match loaded {
                Ok((b, cpu_net)) => {
                    match files_to_inputs(
                        &b,
                        &r.get_untracked(),
                        &vel.get_untracked(),
                        &rhsm.get_untracked(),
                    ) {
                        Ok(g) => match gpu.with_value(|x| x.clone()) {
                            Some((device, net)) => predict_galaxy_on(&b, &net, &g, &device).await,
                            None => predict_galaxy_on(&b, &cpu_net, &g, &Device::flex()).await,
                        },
                        Err(e) => Err(e),
                    }
                }
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
    let fdm = move || {
        let s = shown.get();
        let ms = s.iter().find(|x| x.0 == "mstar")?.1;
        let mt = s.iter().find(|x| x.0 == "mtot")?.1;
        Some(1.0 - 10f64.powf(ms - mt))
    };
    view! {
        <section class="card" data-testid="cnn-predict" data-runs=move || runs.get().to_string()>
            <h2>"Predict from maps: the convolutional network"</h2>
            <p class="lede">
                "Give one galaxy's r-band surface-brightness image (L☉/kpc², square, any size, centred, \
                 covering ±3 R_hsm), its stellar velocity and dispersion maps (2 or 3 planes: V and σ in km/s, \
                 optionally a 0/1 mask), and its half-mass radius. A compact multi-branch ResNet-18 trained on \
                 our mock galaxies predicts the stellar and total mass inside R_hsm; ± is its scatter on test \
                 galaxies (1σ, dex). The files stay in your browser."
            </p>
            <div class="features">
                <label><span>"r-band image (FITS, NPY)"</span>
                    <input type="file" accept=".fits,.fit,.fts,.npy" data-testid="upload-r"
                        on:change=move |ev| read_into(&ev, set_r) /></label>
                <label><span>"kinematic maps V, σ [, mask] (FITS, NPY)"</span>
                    <input type="file" accept=".fits,.fit,.fts,.npy" data-testid="upload-vel"
                        on:change=move |ev| read_into(&ev, set_vel) /></label>
                <label><span>"half-mass radius R_hsm (kpc)"</span>
                    <input type="number" step="any" min="0" data-testid="input-rhsm"
                        prop:value=move || rhsm.get()
                        on:input=move |ev| rhsm.set(event_target_value(&ev)) /></label>
            </div>
            <button class="primary" data-testid="predict-button" on:click=predict disabled=move || busy.get()>
                {move || if busy.get() { "Running…" } else { "Predict" }}
            </button>
            <p class="error" data-testid="error" hidden=move || error.get().is_none()>
                {move || error.get().unwrap_or_default()}
            </p>
            <div class="results">
                {move || shown.get().into_iter().map(|(t, v, s)| view! {
                    <div class="result">
                        <div class="result-label">{format!("log10 {} / M☉ (< R_hsm)", if t == "mstar" { "M*" } else if t == "mtot" { "Mtot" } else { t.as_str() })}</div>
                        <div class="result-value" data-testid=format!("prediction-{t}")
                            data-value=format!("{v}") data-sigma=format!("{s}")>
                            {format!("{v:.3} ± {s:.3}")}
                        </div>
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
                "backend: " <span data-testid="backend" data-ready=move || ready.get().to_string()>{move || backend.get()}</span>
                " · latency: " <span data-testid="latency-ms" data-value=move || latency.get().map(|l| l.to_string()).unwrap_or_default()>
                    {move || latency.get().map_or("—".to_string(), |l| format!("{l:.0} ms"))}
                </span>
            </p>
        </section>
    }
}
