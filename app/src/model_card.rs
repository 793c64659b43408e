//! Model card: what the two bundled models are, how well they did on galaxies they never saw,
//! what they were trained on (and the command that rebuilds them), and what they cannot do.
//! Everything is read from the bundles' manifests.

use galmass_core::bundle::Bundle;
use leptos::prelude::*;

use crate::cnn_predict::CNN_BUNDLE;
use crate::gbdt_predict::GBDT_BUNDLE;

/// Plain-words name of a target.
fn target_words(t: &str) -> &str {
    match t {
        "mstar" => "stellar mass M* (< R_hsm)",
        "mtot" => "total mass Mtot (< R_hsm)",
        other => other,
    }
}

/// One model's section of the card.
#[component]
fn ModelSection(title: &'static str, bytes: &'static [u8]) -> impl IntoView {
    match Bundle::from_bytes(bytes) {
        Err(e) => view! { <p class="error">{format!("{title}: {e}")}</p> }.into_any(),
        Ok(b) => {
            let m = b.manifest;
            let kind = m.kind.name();
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
                .metrics
                .iter()
                .map(|t| {
                    view! {
                        <tr>
                            <td>{target_words(&t.target).to_string()}</td>
                            <td class="num">{format!("{:+.3}", t.mean_dex)}</td>
                            <td class="num" data-testid=format!("card-{kind}-{}", t.target)
                                data-value=format!("{}", t.sigma_dex)>{format!("{:.3}", t.sigma_dex)}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <h3>{title}</h3>
                <p>"Reads: " {reads}</p>
                <table class="mass-table">
                    <thead><tr><th>"predicts (log10)"</th><th>"mean offset (dex)"</th><th>"scatter σ (dex)"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
                <p class="meta">{format!("Trained on {} ({} training samples, {} test samples).", m.training.dataset, m.training.n_train, m.training.n_test)}</p>
                <details><summary>"Command that rebuilds it"</summary><pre class="command">{m.training.command}</pre></details>
            }
            .into_any()
        }
    }
}

/// The model card.
#[component]
pub fn ModelCard() -> impl IntoView {
    view! {
        <section class="card" id="model-card" data-testid="model-card">
            <h2>"Model card"</h2>
            <p class="lede">
                "Accuracy is the mean and the scatter (1σ) of log10(predicted / true) on the test split: \
                 galaxies (all three projections) that neither model saw while training."
            </p>
            <ModelSection title="CNN: r image + kinematic maps + R_hsm" bytes=CNN_BUNDLE />
            <ModelSection title="GBDT: ten summary features" bytes=GBDT_BUNDLE />
            <h3>"Limitations"</h3>
            <ul>
                <li>"Both models were trained on galmass's own mock galaxies, not on IllustrisTNG or real \
                     surveys; the mocks' light, dust and kinematics are simplified, so numbers for real \
                     galaxies are indicative only."</li>
                <li>"The ± is a population scatter for galaxies like the training set, not a per-galaxy \
                     posterior; galaxies unlike the mocks (mergers, extreme masses) can be off by more."</li>
                <li>"The CNN is a compact network trained briefly on a CPU; on these mocks it is less accurate \
                     than the GBDT, which reads the luminosity directly."</li>
                <li>"Maps must be centred, cover ±3 R_hsm, and be in the stated units (L☉/kpc², km/s)."</li>
            </ul>
        </section>
    }
}
