//! Model card: what the two bundled models are, how well they did on galaxies they never saw,
//! what they were trained on (and the command that rebuilds them), and what they cannot do.
//! Everything is read from the manifests of the bundles the page already loaded (the shared
//! CNN ensemble and GBDT).

mod cross_physics;

use cross_physics::CrossPhysicsLimitation;
use galmass_core::bundle::{Manifest, ensemble};
use leptos::prelude::*;

use galmass_core::bundle::Bundle;

use crate::assets::{CNN_OBSERVED_BUNDLE, DEGRADATION_JSON};
use crate::models::shared_gbdt;

/// Plain-words name of a target.
fn target_words(t: &str) -> &str {
    match t {
        "mstar" => "stellar mass M* (< R_hsm)",
        "mtot" => "total mass Mtot (< R_hsm)",
        other => other,
    }
}

/// One model's section of the card: an ensemble of bundles with the same inputs and targets
/// (one bundle for a single model). Metrics per member, and the ensemble's test σ (the
/// quadrature mean of the members', the part of the page's ± that does not depend on the
/// galaxy).
#[component]
fn ModelSection(
    title: &'static str,
    /// Prefix of the section's test ids (`card-<id>-<target>`, `card-<id>-recipe`).
    id: &'static str,
    members: Result<Vec<Manifest>, String>,
) -> impl IntoView {
    let members = match members {
        Ok(m) if !m.is_empty() => m,
        Ok(_) => return view! { <p class="error">{format!("{title}: no bundle")}</p> }.into_any(),
        Err(e) => return view! { <p class="error">{format!("{title}: {e}")}</p> }.into_any(),
    };
    let manifests: Vec<&Manifest> = members.iter().collect();
    let sigma = ensemble::test_sigma(&manifests);
    let m = &members[0];
    let recipe = m.cnn_recipe();
    let reads = if m.features.is_empty() {
        m.inputs
            .iter()
            .map(|i| format!("{} {:?}", i.name, i.shape))
            .collect::<Vec<_>>()
            .join(", ")
    } else {
        m.features
            .iter()
            .map(|f| f.name.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let rows = m
        .targets
        .iter()
        .zip(&sigma)
        .map(|(t, &s)| {
            let per = |f: fn(&galmass_core::bundle::TargetMetrics) -> f64| {
                manifests
                    .iter()
                    .filter_map(|m| m.metrics.iter().find(|x| x.target == t.name).map(f))
                    .map(|v| format!("{v:+.3}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            view! {
                <tr>
                    <td>{target_words(&t.name).to_string()}</td>
                    <td class="num">{per(|x| x.mean_dex)}</td>
                    <td class="num">{per(|x| x.sigma_dex).replace('+', "")}</td>
                    <td class="num" data-testid=format!("card-{id}-{}", t.name)
                        data-value=format!("{s}")>{format!("{s:.3}")}</td>
                </tr>
            }
        })
        .collect_view();
    let n = members.len();
    let training = members
        .iter()
        .map(|m| {
            let t = &m.training;
            let maps = match &t.conditions {
                None => "ideal maps, as in the paper".to_string(),
                Some(c) => format!(
                    "observed maps (beyond the paper): seeing {:.2}–{:.2} R_e FWHM{}{}{}",
                    c.psf_fwhm_re.0,
                    c.psf_fwhm_re.1,
                    c.snr_re.map_or(String::new(), |(a, b)| format!(", S/N {a:.0}–{b:.0} per pixel at R_e")),
                    c.ifu_re.map_or(String::new(), |k| format!(", an IFU covering {k} R_e")),
                    c.voronoi_snr.map_or(String::new(), |t| format!(", kinematics binned to S/N {t:.0}")),
                ),
            };
            view! {
                <p class="meta">{format!("Trained on {} ({} training samples, {} test samples; {maps}).", t.dataset, t.n_train, t.n_test)}</p>
                <details><summary>"Command that rebuilds it"</summary><pre class="command">{t.command.clone()}</pre></details>
            }
        })
        .collect_view();
    view! {
        <h3>{title}</h3>
        <p>"Reads: " {reads}</p>
        <p hidden=n == 1>{format!("An ensemble of {n} networks trained alike from different random starts; the page predicts their mean.")}</p>
        <p hidden=recipe.is_none() data-testid=format!("card-{id}-recipe")>{format!("Recipe: {}.", recipe.clone().unwrap_or_default())}</p>
        <table class="mass-table">
            <thead><tr><th>"predicts (log10)"</th><th>"mean offset (dex), per model"</th>
                <th>"scatter σ (dex), per model"</th><th>"σ quoted (dex)"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
        {training}
    }
    .into_any()
}

/// The model card.
#[component]
pub fn ModelCard() -> impl IntoView {
    // The bundled models, read from their manifests (the maps card may since have loaded
    // another into the shared CNN).
    let observed = Bundle::from_bytes(CNN_OBSERVED_BUNDLE)
        .map(|b| vec![b.manifest])
        .map_err(|e| e.to_string());
    let cnn = crate::models::bundled::Bundled::Ideal.load().map(|e| {
        e.ensemble
            .members()
            .iter()
            .map(|b| b.manifest.clone())
            .collect()
    });
    let gbdt = shared_gbdt().with_value(|g| match g.as_ref() {
        Ok(b) => Ok(vec![b.manifest.clone()]),
        Err(e) => Err(e.clone()),
    });
    view! {
        <section class="card" id="model-card" data-testid="model-card">
            <h2>"Model card"</h2>
            <p class="lede">
                "Accuracy is the mean and the scatter (1σ) of log10(predicted / true) on the test split: \
                 galaxies (all three projections) that neither model saw while training."
            </p>
            <ModelSection title="CNN: g and r images + kinematic maps + R_hsm" id="cnn" members=cnn />
            <ModelSection title="CNN for observed maps (beyond the paper): g and r images + kinematic maps + R_e, MaNGA-like maps on ±3 R_e" id="cnn-observed" members=observed />
            <ModelSection title="GBDT: ten summary features" id="gbdt" members=gbdt />
            <Degradation />
            <h3>"Limitations"</h3>
            <ul>
                <li>"Both models were trained on galmass's own mock galaxies, not on IllustrisTNG or real \
                     surveys; the mocks' light, dust and kinematics are simplified, so numbers for real \
                     galaxies are indicative only."</li>
                <li>"The ± is the models' scatter on test galaxies like the training set (for the CNN, with \
                     the three networks' disagreement on the galaxy added), not a posterior; galaxies unlike \
                     the mocks (mergers, extreme masses) can be off by more than it says."</li>
                <li>"The CNN is a compact network (an eighth of the paper's width) trained for 40 epochs on a \
                     CPU. It reads the g and r images as one two-channel branch, so it sees colour at every \
                     pixel, where the paper gave each band its own branch: beyond the paper. On these mocks it \
                     is within a few thousandths of a dex of the noise floor the generator leaves \
                     (about 0.03 dex for M* with colour, 0.035 for Mtot)."</li>
                <li>"Maps must be centred, cover ±3 R_hsm (the ideal ensemble) or ±3 R_e (the observed-conditions CNN), \
                     and be in the stated units (L☉/kpc², km/s)."</li>
                <li data-testid="card-observed">"The ideal ensemble learned ideal maps, as in the paper. On the same mock galaxies \
                     observed as a MaNGA-like survey would (seeing 0.3–0.8 R_e, S/N 20 per pixel at R_e, a \
                     hexagonal IFU covering 1.5 R_e, kinematics binned to S/N 10) it misses by −0.09 ± 0.11 \
                     dex in M* and −0.08 ± 0.08 dex in Mtot, three times its ideal-map scatter. The \
                     observed-conditions CNN, trained on such maps laid on ±3 R_e, keeps 0.050 and 0.051 dex there, \
                     1.2× an ideal-trained network's scatter on ideal maps (the table above; beyond the paper, \
                     galmass degradation, docs/observing.md). It learned only MaNGA-like maps: on ideal maps it is \
                     biased by +0.13 dex, and maps unlike MaNGA's (other seeing, depth or footprint) are outside \
                     what it learned — the maps card warns."</li>
                <CrossPhysicsLimitation />
            </ul>
        </section>
    }
}

/// The degradation study (`galmass degradation`, `www/models/degradation.json`): σ and bias of
/// M* and Mtot per observing condition for the CNN trained on ideal maps and the one trained
/// on MaNGA-like maps, as the report gives them.
#[component]
fn Degradation() -> impl IntoView {
    let doc: serde_json::Value = match serde_json::from_str(DEGRADATION_JSON) {
        Ok(d) => d,
        Err(e) => {
            return view! { <p class="error">{format!("degradation study unreadable: {e}")}</p> }
                .into_any();
        }
    };
    let rows = doc["rows"].as_array().cloned().unwrap_or_default();
    let cell = |cond: &str, model: &str, target: &str| -> String {
        rows.iter()
            .find(|r| r["condition"] == cond && r["model"] == model && r["target"] == target)
            .map_or("—".into(), |r| {
                format!(
                    "{:+.3} / {:.3}",
                    r["mean_dex"].as_f64().unwrap_or(f64::NAN),
                    r["sigma_dex"].as_f64().unwrap_or(f64::NAN)
                )
            })
    };
    let conditions = [
        ("ideal", "ideal maps (the paper's)"),
        ("psf0.25", "seeing FWHM 0.25 R_e"),
        ("psf0.5", "seeing FWHM 0.5 R_e"),
        ("psf1", "seeing FWHM 1 R_e"),
        ("snr20", "S/N 20 per pixel at R_e"),
        ("snr5", "S/N 5 per pixel at R_e"),
        ("ifu1.5", "IFU hexagon covering 1.5 R_e"),
        ("manga", "MaNGA-like: all of the above at once"),
    ];
    let s = &doc["settings"];
    let body = conditions
        .into_iter()
        .map(|(id, words)| {
            view! {
                <tr data-testid=format!("card-degradation-{id}")>
                    <td>{words}</td>
                    <td class="num">{cell(id, "ideal", "mstar")}</td>
                    <td class="num">{cell(id, "manga", "mstar")}</td>
                    <td class="num">{cell(id, "ideal", "mtot")}</td>
                    <td class="num">{cell(id, "manga", "mtot")}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h3>"What seeing, noise and an IFU do (beyond the paper)"</h3>
        <p class="meta">{format!(
            "Bias / σ of log10(predicted / true), dex, on the test split of {} mock galaxies × 3 projections observed \
             under each condition (maps on ±3 {}), for a CNN trained on ideal maps and one trained on MaNGA-like maps \
             ({} epochs, w = {}); galmass degradation, docs/observing.md.",
            s["galaxies"], if s["scale"] == "re" { "R_e" } else { "R_hsm" }, s["epochs"], s["width"]
        )}</p>
        <table class="mass-table" data-testid="card-degradation">
            <thead><tr><th>"test maps"</th><th>"M*, ideal-trained"</th><th>"M*, MaNGA-trained"</th>
                <th>"Mtot, ideal-trained"</th><th>"Mtot, MaNGA-trained"</th></tr></thead>
            <tbody>{body}</tbody>
        </table>
    }
    .into_any()
}
