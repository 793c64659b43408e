//! The cross-physics limitation of the model card (`galmass cross-physics`'s
//! cross_physics.json, `www/models/cross_physics.json`): what the same recipe's models lose
//! when the galaxies they are given follow other physics than the mock they learned —
//! the paper's proposed next step, run on our mock's physics variants.

use leptos::prelude::*;

use crate::assets::CROSS_PHYSICS_JSON;

/// One model's σ (and bias) trained on `train`, tested on `test`, for `target`.
fn cell(
    doc: &serde_json::Value,
    train: &str,
    test: &str,
    model: &str,
    target: &str,
) -> Option<(f64, f64)> {
    doc["rows"].as_array()?.iter().find_map(|r| {
        (r["train"] == train && r["test"] == test && r["model"] == model && r["target"] == target)
            .then(|| Some((r["mean_dex"].as_f64()?, r["sigma_dex"].as_f64()?)))
            .flatten()
    })
}

/// The limitation in words: for each variant other than `default`, the default-trained
/// models' M* and Mtot on it beside that variant's own (same-physics) models.
#[component]
pub fn CrossPhysicsLimitation() -> impl IntoView {
    let doc: serde_json::Value = match serde_json::from_str(CROSS_PHYSICS_JSON) {
        Ok(d) => d,
        Err(e) => {
            return view! { <li class="error">{format!("cross-physics test unreadable: {e}")}</li> }
                .into_any();
        }
    };
    let variants: Vec<(String, String)> = doc["settings"]["variants"]
        .as_array()
        .into_iter()
        .flatten()
        .zip(doc["settings"]["words"].as_array().into_iter().flatten())
        .filter_map(|(v, w)| Some((v.as_str()?.to_string(), w.as_str()?.to_string())))
        .filter(|(v, _)| v != "default")
        .collect();
    let items = variants
        .into_iter()
        .map(|(v, words)| {
            let one = |model: &str, target: &str, label: &str| -> String {
                match (
                    cell(&doc, "default", &v, model, target),
                    cell(&doc, &v, &v, model, target),
                ) {
                    (Some((b, s)), Some((_, s0))) => {
                        format!("{b:+.3} ± {s:.3} dex in {label} (trained on them: ± {s0:.3})")
                    }
                    _ => format!("{label} not measured"),
                }
            };
            let part = |model: &str, name: &str| -> String {
                format!(
                    "the {name} misses by {} and {}",
                    one(model, "mstar", "M*"),
                    one(model, "mtot", "Mtot")
                )
            };
            view! {
                <li data-testid=format!("card-cross-physics-{v}")>
                    {format!("{words}: {}; {}.", part("cnn", "CNN"), part("gbdt", "GBDT"))}
                </li>
            }
        })
        .collect_view();
    let st = &doc["settings"];
    let recipe = format!(
        "A CNN (g and r images, kinematic maps, R_hsm) and a GBDT (the ten features and R_hsm), \
         trained on {} galaxies of the default mock ({} CNN epochs), were tested on galaxies built by other physics (the paper's proposed next \
         step, beyond the paper: galmass cross-physics, docs/galaxy-model.md \"Physics \
         variants\"). Physics the mock lacks costs accuracy:",
        st["galaxies"].as_u64().unwrap_or(0),
        st["epochs"].as_u64().unwrap_or(0)
    );
    view! {
        <li data-testid="card-cross-physics">
            {recipe}
            <ul>{items}</ul>
        </li>
    }
    .into_any()
}
