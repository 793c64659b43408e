//! Gallery: twelve test-split mock galaxies (`www/examples/gallery.json`, made by
//! `galmass dataset examples`), from low to high stellar mass. Each shows its r-band image;
//! the CNN reads its r and g images (colour), kinematic maps and R_hsm;
//! one click runs the bundled CNN on its maps and puts the prediction beside the truth.

use std::sync::Arc;

use galmass_core::bundle::cnn_input::GalaxyInputs;
use galmass_core::gallery::{Example, Gallery};
use leptos::prelude::*;
use wasm_bindgen_futures::spawn_local;

use crate::assets::GALLERY_JSON;
use crate::browser::yield_to_browser;
use crate::image;
use crate::models::{SharedCnn, Shown, shared_cnn};
use crate::saliency::SaliencyPanel;

const AXES: [&str; 3] = ["x", "y", "z"];

/// One gallery tile.
#[component]
fn Tile(
    ex: Example,
    model: SharedCnn,
    chosen: RwSignal<Option<Arc<GalaxyInputs>>>,
) -> impl IntoView {
    let (result, set_result) = signal(None::<Result<Vec<Shown>, String>>);
    let img = image::light(&ex.r, ex.r_side, 6.0, 10.0).unwrap_or_default();
    let ex = Arc::new(ex);
    let e2 = ex.clone();
    let click = move |_| {
        let e = e2.clone();
        spawn_local(async move {
            yield_to_browser().await;
            let res = match e.inputs() {
                Some(g) => {
                    let res = model.predict(&g).await;
                    chosen.set(res.is_ok().then(|| Arc::new(g)));
                    res
                }
                None => Err("example maps do not match their sizes".to_string()),
            };
            set_result.set(Some(res));
        });
    };
    let truth = |t: &str, e: &Example| if t == "mstar" { e.mstar } else { e.mtot };
    let ex3 = ex.clone();
    view! {
        <div class="tile" data-testid="gallery-item" data-row=ex.row.to_string()
            data-true-mstar=ex.mstar.to_string() data-true-mtot=ex.mtot.to_string()
            data-rhsm=ex.rhsm_kpc.to_string()>
            <button class="tile-button" on:click=click title="predict with the CNN">
                <img src=img width="120" height="120" alt=format!("r-band image of galaxy {}", ex.galaxy_id) />
            </button>
            <div class="tile-text">
                {format!("galaxy {} ({}), R_hsm {:.1} kpc", ex.galaxy_id, AXES[ex.projection as usize % 3], ex.rhsm_kpc)}
            </div>
            <div class="tile-text">{format!("true: M* {:.2}, Mtot {:.2}, f_DM {:.2}", ex.mstar, ex.mtot, ex.fdm)}</div>
            <div aria-live="polite">{move || match result.get() {
                None => view! { <div class="tile-text meta">"click the image to predict"</div> }.into_any(),
                Some(Err(e)) => view! { <div class="error">{e}</div> }.into_any(),
                Some(Ok(s)) => s.into_iter().map(|(t, v, sig)| {
                    let tv = truth(&t, &ex3);
                    view! {
                        <div class="tile-text" data-testid=format!("gallery-pred-{t}") data-value=v.to_string()>
                            {format!("CNN {}: {v:.2} ± {sig:.2} (Δ {:+.2})", if t == "mstar" { "M*" } else { "Mtot" }, v - tv)}
                        </div>
                    }
                }).collect_view().into_any(),
            }}</div>
        </div>
    }
}

/// The gallery card.
#[component]
pub fn GalleryCard() -> impl IntoView {
    let gallery: Result<Gallery, String> =
        serde_json::from_str(GALLERY_JSON).map_err(|e| format!("gallery.json: {e}"));
    let model = shared_cnn();
    // The galaxy last predicted, which the saliency maps explain.
    let chosen = RwSignal::new(None::<Arc<GalaxyInputs>>);
    view! {
        <section class="card" id="gallery" data-testid="gallery">
            <h2>"Gallery: mock galaxies the models never saw"</h2>
            <p class="lede">
                "Twelve galaxies from the test split, from the least to the most massive. Click an image: \
                 the convolutional network reads its r- and g-band images, its velocity maps and its size, and its \
                 prediction appears beside the truth (log10 M☉ inside the half-mass radius)."
            </p>
            {match gallery {
                Err(e) => view! { <p class="error">{e}</p> }.into_any(),
                Ok(g) => view! {
                    <div class="tiles">
                        {g.examples.into_iter().map(|ex| view! { <Tile ex=ex model=model chosen=chosen /> }).collect_view()}
                    </div>
                    <h3>"Where does the network look? (the galaxy last clicked)"</h3>
                    <SaliencyPanel cnn=model galaxy=chosen.into() id="gallery" />
                    <p class="meta">{g.source}</p>
                }.into_any(),
            }}
        </section>
    }
}
