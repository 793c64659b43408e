//! Predict from maps: the default CNN bundle (`www/models/cnn.bundle`, compiled into the page)
//! reads the r- and g-band images and the kinematic maps of one galaxy (FITS or NPY, any
//! square size) and its half-mass radius, and predicts log10 M* and log10 Mtot inside R_hsm. Files are
//! parsed, checked, resampled and normalised by galmass-core (`GalaxyMap::from_upload`,
//! `Manifest::prepare` — the code path of `galmass predict --r … --g … --vel …`), and the network
//! runs on Burn's wgpu backend over WebGPU when the browser has a hardware adapter, else on
//! Burn's flex CPU backend compiled to WebAssembly ([`SharedCnn`], shared by every card).
//! Nothing is uploaded anywhere.

mod conditions;
mod model_choice;
mod try_files;

use std::rc::Rc;
use std::sync::Arc;

use galmass_core::bundle::Bundle;
use galmass_core::bundle::cnn_input::{GalaxyInputs, GalaxyMap, PngCalibration, reads_map};
use galmass_core::bundle::ensemble::EnsembleValue;
use galmass_core::gallery::{Example, Gallery};
use galmass_core::units::{MSUN_G, MSUN_R};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;

use crate::assets::GALLERY_JSON;
use crate::browser::{
    Upload, now_ms, put_file, query_param, read_all, read_into, yield_to_browser,
};
use crate::models::cnn::{ensemble_from_bytes, load_cnn};
use crate::models::{SharedCnn, shared_cnn};
use crate::saliency::SaliencyPanel;
use conditions::{ObservingConditions, StatedFields};
use galmass_core::telescope::{MapScale, Stated};
use model_choice::ModelChoice;
use try_files::TryFiles;

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

/// Files → galaxy inputs, checked.
fn files_to_inputs(
    bundle: &Bundle,
    r: &Upload,
    g: &Upload,
    vel: &Upload,
    radius: (&str, Result<Stated, String>),
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
    let scale = m.training.scale;
    let rh = scale_radius(scale, radius)?;
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
        scale,
    })
}

/// The radius (kpc) the model's maps cover ±3 of: R_hsm from its field, or for a model on
/// ±3 R_e, R_e in arcsec at the redshift (core's `Stated::re_kpc`, as `galmass predict
/// --re-arcsec --redshift` reads them).
fn scale_radius(
    scale: MapScale,
    (rhsm, stated): (&str, Result<Stated, String>),
) -> Result<f64, String> {
    match scale {
        MapScale::Rhsm => rhsm
            .trim()
            .parse()
            .ok()
            .filter(|x: &f64| x.is_finite() && *x > 0.0)
            .ok_or_else(|| "give the half-mass radius R_hsm in kpc (a number > 0)".to_string()),
        MapScale::Re => stated?.re_kpc().map_err(|e| {
            format!(
                "this model reads maps on ±3 R_e: state R_e in arcsec and the redshift (or the \
                 distance) under \"Observed maps?\" ({e})"
            )
        }),
    }
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
    let fields = StatedFields::new();
    let choice = ModelChoice::new(fields);
    let r_mag = RwSignal::new(String::new());
    let g_mag = RwSignal::new(String::new());
    let (shown, set_shown) = signal(Vec::<(String, EnsembleValue)>::new());
    let (error, set_error) = signal(cnn.loaded().err());
    let (busy, set_busy) = signal(false);
    let (latency, set_latency) = signal(None::<f64>);
    // Finished runs (successful or not), for tests and screen readers to know a run ended.
    let (runs, set_runs) = signal(0u32);
    // Which models the card runs: the bundled ensemble, or the user's bundles.
    let (models, set_models) = signal(String::from(crate::models::bundled::Bundled::Ideal.label()));
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
            let bundled = named.is_empty();
            let res = if bundled {
                load_cnn().map(|e| {
                    (
                        e,
                        crate::models::bundled::Bundled::Ideal.label().to_string(),
                    )
                })
            } else {
                let names = files
                    .iter()
                    .map(|f| f.0.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                ensemble_from_bytes(&named).map(|e| (e, format!("your bundle(s): {names}")))
            };
            match res.and_then(|(e, label)| cnn.replace(e, &files).map(|()| label)) {
                Ok(label) => {
                    set_models.set(label);
                    set_shown.set(Vec::new());
                    set_error.set(None);
                    choice.set_loaded(bundled.then_some(crate::models::bundled::Bundled::Ideal));
                }
                Err(e) => {
                    set_shown.set(Vec::new());
                    set_error.set(Some(e));
                }
            }
            set_loads.update(|n| *n += 1);
        });
    };
    // The galaxy of the last successful prediction, which the saliency maps explain.
    let last = RwSignal::new(None::<Arc<GalaxyInputs>>);
    let predict = move |_| {
        set_busy.set(true);
        spawn_local(async move {
            yield_to_browser().await;
            let t0 = now_ms();
            match choice.ensure_loaded(cnn) {
                Ok(Some(label)) => {
                    set_models.set(label.to_string());
                    set_loads.update(|n| *n += 1);
                }
                Ok(None) => {}
                Err(e) => set_error.set(Some(e)),
            }
            let res = match cnn.loaded() {
                Ok(e) => match files_to_inputs(
                    e.lead(),
                    &r.get_untracked(),
                    &g.get_untracked(),
                    &vel.get_untracked(),
                    (&rhsm.get_untracked(), fields.stated_untracked()),
                    (&r_mag.get_untracked(), &g_mag.get_untracked()),
                ) {
                    Ok(g) => {
                        let res = cnn.predict_ensemble(&g).await;
                        last.set(res.is_ok().then(|| Arc::new(g)));
                        res
                    }
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
    let bench = start_bench(cnn);
    let refs = [NodeRef::new(), NodeRef::new(), NodeRef::new()];
    let (loaded, set_loaded) = signal(String::new());
    let on_load = example_loader(
        refs,
        [set_r, set_g, set_vel],
        (rhsm, r_mag, g_mag),
        set_loaded,
    );
    let gallery: Option<Rc<Gallery>> = serde_json::from_str(GALLERY_JSON).ok().map(Rc::new);
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
                 the training set. Observed maps (a telescope's, beyond the paper): lay them on ±3 R_e, the \
                 projected half-light radius, and state R_e in arcsec, the redshift or distance and the seeing, \
                 noise and footprint under \"Observed maps?\"; the card then runs one CNN trained on MaNGA-like \
                 maps, which still predicts the paper's targets, the masses inside the 3D half-mass radius R_hsm. \
                 The files stay in your browser."
            </p>
            {gallery.map(|g| view! { <TryFiles gallery=g on_load=on_load /> })}
            <p class="meta" data-testid="example-loaded" aria-live="polite">{move || loaded.get()}</p>
            {upload_fields(set_r, set_g, set_vel, refs, (rhsm, r_mag, g_mag), choose_bundles)}
            <div class="features">{choice.view()}</div>
            <ObservingConditions fields=fields model=choice.conditions(cnn, loads) />
            <button class="primary" data-testid="predict-button" on:click=predict disabled=move || busy.get()>
                {move || if busy.get() { "Running…" } else { "Predict" }}
            </button>
            <p class="error" data-testid="error" hidden=move || error.get().is_none()>
                {move || error.get().unwrap_or_default()}
            </p>
            {results(shown, cnn)}
            <SaliencyPanel cnn=cnn galaxy=last.into() id="predict" />
            {meta_line(cnn, models, loads, bench, latency)}
        </section>
    }
}

/// "load this example": puts the example's FITS files into the three file inputs (`refs`)
/// and their signals (`sets`), its R_hsm into the R_hsm field (clearing the PNG magnitudes),
/// and says what was loaded through `say`.
fn example_loader(
    refs: [NodeRef<leptos::html::Input>; 3],
    sets: [WriteSignal<Upload>; 3],
    (rhsm, r_mag, g_mag): (RwSignal<String>, RwSignal<String>, RwSignal<String>),
    say: WriteSignal<String>,
) -> Callback<Example> {
    Callback::new(move |ex: Example| {
        let files = ex.files();
        let suffixes = ["_r.fits", "_g.fits", "_vel.fits"];
        for ((suffix, set), node) in suffixes.into_iter().zip(sets).zip(refs) {
            let f = files.iter().find(|f| f.name.ends_with(suffix));
            if let (Some(input), Some(f)) = (node.get_untracked(), f) {
                put_file(&input, &f.name, &f.bytes);
            }
            set.set(f.map(|f| (f.name.clone(), f.bytes.clone())));
        }
        rhsm.set(ex.rhsm_kpc.to_string());
        r_mag.set(String::new());
        g_mag.set(String::new());
        say.set(format!(
            "loaded galaxy {} (FITS files and its R_hsm {:.3} kpc): press Predict; the truth is \
             log10 M* {:.3}, Mtot {:.3}",
            ex.galaxy_id, ex.rhsm_kpc, ex.mstar, ex.mtot
        ));
    })
}

/// The result of a `?bench=N` run, if the address asks for one.
type BenchResult = Option<Result<(f64, usize), String>>;

/// `?bench=N`: once the backend is chosen, times N warm predictions of the first gallery
/// galaxy (after 2 untimed ones); the median shows on the card and in the console, so anyone
/// can measure their browser.
fn start_bench(cnn: SharedCnn) -> ReadSignal<BenchResult> {
    let (bench, set_bench) = signal(None);
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
    bench
}

/// The predictions: per target the ensemble mean ± quoted σ and the members' spread, and
/// the dark-matter fraction 1 − M*/Mtot from the two masses.
fn results(shown: ReadSignal<Vec<(String, EnsembleValue)>>, cnn: SharedCnn) -> impl IntoView {
    let fdm = move || {
        let s = shown.get();
        let ms = s.iter().find(|x| x.0 == "mstar")?.1.mean;
        let mt = s.iter().find(|x| x.0 == "mtot")?.1.mean;
        Some(1.0 - 10f64.powf(ms - mt))
    };
    view! {
        <div class="results" aria-live="polite">
            {move || shown.get().into_iter().map(|(t, e)| view! {
                <div class="result">
                    <div class="result-label">{format!("log10 {} / M☉ (< R_hsm)", if t == "mstar" { "M*" } else if t == "mtot" { "Mtot" } else { t.as_str() })}</div>
                    <div class="result-value" data-testid=format!("prediction-{t}")
                        data-value=format!("{}", e.mean) data-sigma=format!("{}", e.sigma)
                        data-spread=format!("{}", e.spread)>
                        {format!("{:.3} ± {:.3}", e.mean, e.sigma)}
                    </div>
                    <div class="result-label">{match cnn.loaded().map_or(0, |m| m.ensemble.len()) {
                        n if n > 1 => format!("the {n} networks differ by {:.3}", e.spread),
                        _ => "one network: its test scatter".to_string(),
                    }}</div>
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
    }
}

/// The line under the results: which models, which backend, the benchmark and the latency.
fn meta_line(
    cnn: SharedCnn,
    models: ReadSignal<String>,
    loads: ReadSignal<u32>,
    bench: ReadSignal<BenchResult>,
    latency: ReadSignal<Option<f64>>,
) -> impl IntoView {
    view! {
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
    }
}

/// The inputs: the three map files (`refs`, so an example can be put into them), R_hsm, the user's own bundles (`choose_bundles`), and
/// the magnitudes a PNG image needs.
fn upload_fields(
    set_r: WriteSignal<Upload>,
    set_g: WriteSignal<Upload>,
    set_vel: WriteSignal<Upload>,
    [r_ref, g_ref, vel_ref]: [NodeRef<leptos::html::Input>; 3],
    (rhsm, r_mag, g_mag): (RwSignal<String>, RwSignal<String>, RwSignal<String>),
    choose_bundles: impl Fn(leptos::ev::Event) + 'static,
) -> impl IntoView {
    view! {
        <div class="features">
            <label><span>"r-band image (FITS, NPY; or PNG with its magnitude)"</span>
                <input type="file" accept=".fits,.fit,.fts,.npy,.png" data-testid="upload-r" node_ref=r_ref
                    on:change=move |ev| read_into(&ev, set_r) /></label>
            <label><span>"g-band image, same grid as r (FITS, NPY; or PNG with its magnitude): needed by models that read colour, as the bundled ones do"</span>
                <input type="file" accept=".fits,.fit,.fts,.npy,.png" data-testid="upload-g" node_ref=g_ref
                    on:change=move |ev| read_into(&ev, set_g) /></label>
            <label><span>"kinematic maps V, σ [, mask] (FITS, NPY)"</span>
                <input type="file" accept=".fits,.fit,.fts,.npy" data-testid="upload-vel" node_ref=vel_ref
                    on:change=move |ev| read_into(&ev, set_vel) /></label>
            <label><span>"half-mass radius R_hsm (kpc), for models on ±3 R_hsm (the observed-conditions CNN reads R_e in arcsec and the redshift instead)"</span>
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
    }
}
