//! "Where does the network look?": occlusion saliency of the page's CNN ensemble for one
//! galaxy (galmass-core's `explain::OcclusionPlan`, the code path of `galmass explain`): each
//! model input is hidden patch by patch, the networks re-run (in the page's worker, in
//! batches, so the page stays responsive), and each map shows how much, in dex, hiding each
//! part moves log M* and log Mtot — over the galaxy's r-band image, with a 1 R_hsm scale
//! bar, a legend in dex that reads in grey, a sentence in plain words and the map as NPY.
//! Used by the maps card, the gallery and the Classroom. Beyond the paper.

use std::sync::Arc;

use galmass_core::bundle::cnn_input::{GalaxyInputs, GalaxyMap};
use galmass_core::explain::{Occlusion, OcclusionPlan, Saliency, colour, in_words, input_groups};
use leptos::prelude::*;
use wasm_bindgen_futures::spawn_local;

use crate::browser::{blob_url, now_ms, yield_to_browser};
use crate::image;
use crate::models::SharedCnn;

/// Hidden inputs sent to the networks at once.
const BATCH: usize = 8;

/// What the panel shows.
#[derive(Clone)]
enum State {
    Idle,
    Running(usize, usize),
    Done(Arc<Vec<Saliency>>, f64),
    Failed(String),
}

/// The occlusion of the page (the CLI's default: patch 1/8, stride 1/16 of the map side).
fn options() -> Occlusion {
    Occlusion::default()
}

/// Runs the saliency of `galaxy`; `Ok(None)` when a newer request (`ticket` ≠ `latest`)
/// superseded it.
async fn run(
    cnn: SharedCnn,
    galaxy: &GalaxyInputs,
    ticket: u32,
    latest: StoredValue<u32>,
    progress: WriteSignal<State>,
) -> Result<Option<Vec<Saliency>>, String> {
    let e = cnn.loaded()?;
    let m = &e.lead().manifest;
    let plan = OcclusionPlan::new(&m.keep_read_maps(galaxy), &input_groups(m), &options());
    let targets: Vec<String> = m.targets.iter().map(|t| t.name.clone()).collect();
    let base = cnn
        .mean_batch(std::slice::from_ref(plan.galaxy()))
        .await?
        .pop()
        .unwrap_or_default();
    let mut preds = Vec::with_capacity(plan.len());
    for start in (0..plan.len()).step_by(BATCH) {
        yield_to_browser().await;
        if latest.get_value() != ticket {
            return Ok(None);
        }
        let batch: Vec<GalaxyInputs> = (start..(start + BATCH).min(plan.len()))
            .filter_map(|k| plan.input(k))
            .collect();
        preds.extend(cnn.mean_batch(&batch).await?);
        if latest.get_value() != ticket {
            return Ok(None);
        }
        progress.set(State::Running(preds.len(), plan.len()));
    }
    Ok(Some(plan.finish(&targets, &base, &preds)))
}

/// The r-band image of the galaxy, grey, as the background of every saliency map.
fn background(galaxy: &GalaxyInputs) -> String {
    galaxy
        .maps
        .iter()
        .find_map(|(n, m)| match m {
            GalaxyMap::Light { side, sb } if n == "r" => image::light(sb, *side, 6.0, 10.0),
            _ => None,
        })
        .unwrap_or_default()
}

/// The panel: a button, progress, and the maps. `galaxy` is the galaxy last predicted (none
/// yet: the button says to predict first); a new galaxy cancels a running map and clears
/// the shown ones. `id` prefixes the test ids (`<id>-saliency…`).
#[component]
pub fn SaliencyPanel(
    /// The page's CNN ensemble.
    cnn: SharedCnn,
    /// The galaxy last predicted, if any.
    galaxy: Signal<Option<Arc<GalaxyInputs>>>,
    /// Prefix of the test ids.
    id: &'static str,
) -> impl IntoView {
    let (state, set_state) = signal(State::Idle);
    let latest = StoredValue::new(0u32);
    // A new galaxy: whatever runs is for the old one.
    Effect::new(move |_| {
        galaxy.track();
        latest.update_value(|n| *n += 1);
        set_state.set(State::Idle);
    });
    let start = move |_| {
        let Some(g) = galaxy.get_untracked() else {
            set_state.set(State::Failed(
                "predict a galaxy first: the maps explain a prediction".into(),
            ));
            return;
        };
        latest.update_value(|n| *n += 1);
        let ticket = latest.get_value();
        set_state.set(State::Running(0, 0));
        spawn_local(async move {
            let t0 = now_ms();
            let res = run(cnn, &g, ticket, latest, set_state).await;
            if latest.get_value() != ticket {
                return;
            }
            set_state.set(match res {
                Ok(Some(maps)) => State::Done(Arc::new(maps), now_ms() - t0),
                Ok(None) => State::Idle,
                Err(e) => State::Failed(e),
            });
        });
    };
    let cancel = move |_| {
        latest.update_value(|n| *n += 1);
        set_state.set(State::Idle);
    };
    let running = move || matches!(state.get(), State::Running(..));
    view! {
        <div class="saliency" data-testid=format!("{id}-saliency")
            data-state=move || match state.get() {
                State::Idle => "idle", State::Running(..) => "running",
                State::Done(..) => "done", State::Failed(_) => "failed",
            }
            data-ms=move || match state.get() { State::Done(_, ms) => ms.to_string(), _ => String::new() }>
            <button data-testid=format!("{id}-saliency-button") on:click=start disabled=running
                aria-describedby=format!("{id}-saliency-status")>
                "Where does the network look?"
            </button>
            <button data-testid=format!("{id}-saliency-cancel") on:click=cancel hidden=move || !running()>
                "Cancel"
            </button>
            <p class="meta" id=format!("{id}-saliency-status") role="status" aria-live="polite">
                {move || match state.get() {
                    State::Idle => String::new(),
                    State::Running(_, 0) => "starting: the networks read the galaxy as it is…".to_string(),
                    State::Running(done, total) => format!("hiding patches and re-running the networks: {done} of {total}"),
                    State::Done(_, ms) => format!("done in {:.1} s", ms / 1000.0),
                    State::Failed(e) => e,
                }}
            </p>
            {move || running().then(|| match state.get() {
                State::Running(done, total) => view! {
                    <progress data-testid=format!("{id}-saliency-progress") max=total.max(1).to_string() value=done.to_string()></progress>
                }.into_any(),
                _ => ().into_any(),
            })}
            {move || match (state.get(), galaxy.get()) {
                (State::Done(maps, _), Some(g)) => maps_view(&maps, &g, id).into_any(),
                _ => ().into_any(),
            }}
        </div>
    }
}

/// The saliency maps with legend, scale bar, words and NPY links.
fn maps_view(maps: &[Saliency], galaxy: &GalaxyInputs, id: &'static str) -> impl IntoView {
    let bg = background(galaxy);
    let amp = maps
        .iter()
        .flat_map(|s| s.delta_dex.iter())
        .map(|v| f64::from(v.abs()))
        .fold(0.0, f64::max)
        .max(1e-6);
    let legend = image::colour_bar(colour, -1.0, 1.0).unwrap_or_default();
    let tiles = maps
        .iter()
        .map(|s| {
            let src = image::saliency(&s.delta_dex, s.side, amp, colour).unwrap_or_default();
            let npy = blob_url(&s.to_npy(), "application/octet-stream").unwrap_or_default();
            let name = format!("saliency_{}_{}.npy", s.input, s.target);
            let target = if s.target == "mstar" {
                "M*"
            } else if s.target == "mtot" {
                "Mtot"
            } else {
                s.target.as_str()
            };
            let caption = format!("hiding the {} map → log {target}", s.input);
            let words = in_words(s);
            view! {
                <figure class="saliency-map" data-testid=format!("{id}-saliency-map")
                    data-input=s.input.clone() data-target=s.target.clone()>
                    <div class="overlay">
                        <img src=bg.clone() width="160" height="160" alt="" />
                        <img class="top" src=src width="160" height="160"
                            alt=format!("saliency map: {words}") />
                    </div>
                    <div class="scalebar" aria-hidden="true"><span></span>" 1 R_hsm"</div>
                    <figcaption>{caption}<br/><span class="meta">{words}</span><br/>
                        <a data-testid=format!("{id}-saliency-npy") href=npy download=name.clone()
                            data-name=name.clone()>{name.clone()}</a>
                    </figcaption>
                </figure>
            }
        })
        .collect_view();
    view! {
        <div class="saliency-maps">{tiles}</div>
        <div class="legend" data-testid=format!("{id}-saliency-legend") data-amp=amp.to_string()>
            <span>{format!("{:+.3} dex (hiding it lowers the mass)", -amp)}</span>
            <img src=legend width="200" height="14"
                alt="colour scale: dark blue lowers the mass, grey no change, pale yellow raises it" />
            <span>{format!("{:+.3} dex (raises it)", amp)}</span>
        </div>
        <p class="meta">
            "Each map is drawn over the galaxy's r-band image (±3 R_hsm). Dark means hiding that part lowers the \
             prediction, light means it raises it; grey, no change. Patches of 1/8 of the map, as galmass explain."
        </p>
    }
}
