//! Predict from numbers: the default GBDT bundle (`www/models/gbdt.bundle`, compiled into the
//! page) predicts log10 M* and log10 Mtot inside R_hsm from a galaxy's ten summary features,
//! through `galmass_core::bundle::gbdt_predict_one` — the code path of
//! `galmass predict --features`. Each prediction carries the bundle's test-split σ, and the
//! dark-matter fraction follows from the two masses.

use leptos::prelude::*;

use crate::browser::now_ms;
use crate::models::{Shown, predict_features, shared_gbdt};

/// The form's starting values: the features of sample 9 (a star-forming disc galaxy, x
/// projection) of `galmass dataset build --source mock --galaxies 1000 --seed 1
/// --image-size 60`, in the dataset's units. Any galaxy can be typed in instead.
pub const EXAMPLE: [(&str, f64); 10] = [
    ("mr", -19.634),
    ("g_r", 0.538),
    ("sfr", 0.2357),
    ("n_ser", 1.231),
    ("c_over_a", 0.2768),
    ("sigma_v", 63.91),
    ("lambda_r", 0.5265),
    ("bt", 0.1661),
    ("f_cold", 0.4439),
    ("f_hot", 0.1274),
];

/// What a feature is, for its label.
fn describe(name: &str) -> &'static str {
    match name {
        "mr" => "absolute r magnitude M_r",
        "g_r" => "g − r colour (mag)",
        "sfr" => "star-formation rate (M☉/yr)",
        "n_ser" => "Sérsic index n",
        "c_over_a" => "axis ratio c/a",
        "sigma_v" => "velocity dispersion σ_v (km/s)",
        "lambda_r" => "spin parameter λ_R",
        "bt" => "bulge-to-total B/T",
        "f_cold" => "cold-orbit fraction",
        "f_hot" => "hot-orbit fraction",
        _ => "",
    }
}

/// The predict-from-numbers card.
#[component]
pub fn GbdtPredict() -> impl IntoView {
    let bundle = shared_gbdt();
    let names: Vec<String> = bundle.with_value(|b| match b.as_ref() {
        Ok(b) => b.manifest.features.iter().map(|f| f.name.clone()).collect(),
        Err(_) => Vec::new(),
    });
    let values: Vec<(String, RwSignal<String>)> = names
        .iter()
        .map(|n| {
            let v = EXAMPLE
                .iter()
                .find(|(k, _)| k == n)
                .map_or(String::new(), |(_, v)| v.to_string());
            (n.clone(), RwSignal::new(v))
        })
        .collect();
    let (shown, set_shown) = signal(Vec::<Shown>::new());
    let (error, set_error) = signal(bundle.with_value(|b| (**b).as_ref().err().cloned()));
    let (latency, set_latency) = signal(None::<f64>);
    let fields = values.clone();
    let predict = move |_| {
        let t0 = now_ms();
        let mut given = Vec::new();
        for (n, v) in &fields {
            match v.get_untracked().trim().parse::<f64>() {
                Ok(x) => given.push((n.clone(), x)),
                Err(_) => {
                    set_error.set(Some(format!(
                        "{}: `{}` is not a number",
                        n,
                        v.get_untracked()
                    )));
                    set_shown.set(Vec::new());
                    return;
                }
            }
        }
        let result = bundle.with_value(|b| match b.as_ref() {
            Ok(b) => predict_features(b, &given),
            Err(e) => Err(e.clone()),
        });
        match result {
            Ok(s) => {
                set_error.set(None);
                set_shown.set(s);
                set_latency.set(Some(now_ms() - t0));
            }
            Err(e) => {
                set_error.set(Some(e));
                set_shown.set(Vec::new());
            }
        }
    };
    let fdm = move || {
        let s = shown.get();
        let ms = s.iter().find(|x| x.0 == "mstar")?.1;
        let mt = s.iter().find(|x| x.0 == "mtot")?.1;
        let f = 1.0 - 10f64.powf(ms - mt);
        Some(f)
    };
    view! {
        <section class="card" id="numbers" data-testid="gbdt-predict">
            <h2>"Predict from numbers: gradient-boosted trees"</h2>
            <p class="lede">
                "Type a galaxy's summary measurements; the paper's gradient-boosted trees (trained on our \
                 mock galaxies, model bundled with this page) predict the stellar and total mass inside \
                 the half-mass radius. The ± is the model's scatter on galaxies it never saw (1σ, dex). \
                 Nothing leaves your browser."
            </p>
            <div class="features">
                {values.into_iter().map(|(n, v)| view! {
                    <label>
                        <span>{format!("{n} — {}", describe(&n))}</span>
                        <input type="number" step="any" data-testid=format!("feature-{n}")
                            prop:value=move || v.get()
                            on:input=move |ev| v.set(event_target_value(&ev)) />
                    </label>
                }).collect_view()}
            </div>
            <button class="primary" data-testid="features-predict-button" on:click=predict>"Predict"</button>
            <p class="error" data-testid="features-error" hidden=move || error.get().is_none()>
                {move || error.get().unwrap_or_default()}
            </p>
            <div class="results" aria-live="polite">
                {move || shown.get().into_iter().map(|(target, log10, sigma)| view! {
                    <div class="result">
                        <div class="result-label">{format!("log10 {} / M☉ (< R_hsm)", if target == "mstar" { "M*" } else if target == "mtot" { "Mtot" } else { target.as_str() })}</div>
                        <div class="result-value" data-testid=format!("features-prediction-{target}")
                            data-value=format!("{log10}") data-sigma=format!("{sigma}")>
                            {format!("{log10:.3} ± {sigma:.3}")}
                        </div>
                    </div>
                }).collect_view()}
                {move || fdm().map(|f| view! {
                    <div class="result">
                        <div class="result-label">"dark-matter fraction 1 − M*/Mtot"</div>
                        <div class="result-value" data-testid="features-prediction-fdm" data-value=format!("{f}")>
                            {if f > 0.0 { format!("{:.2}", f) } else { "undefined (M* ≥ Mtot)".to_string() }}
                        </div>
                    </div>
                })}
            </div>
            <p class="meta">
                "backend: " <span data-testid="features-backend">"CPU (WebAssembly, GBDT trees)"</span>
                " · latency: " <span data-testid="features-latency-ms" data-value=move || latency.get().map(|l| l.to_string()).unwrap_or_default()>
                    {move || latency.get().map_or("—".to_string(), |l| format!("{l:.2} ms"))}
                </span>
            </p>
        </section>
    }
}
