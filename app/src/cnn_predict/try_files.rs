//! Files to try: three gallery galaxies (the least massive, the middle and the most massive)
//! as the FITS and NPY files a person uploads — the bytes `galmass dataset examples --files`
//! writes, made here by the same galmass-core function (`Example::files`) — to download, or to
//! put into the card's inputs with one click.

use std::rc::Rc;

use galmass_core::gallery::{Example, Gallery};
use leptos::prelude::*;

use crate::browser::blob_url;

const AXES: [&str; 3] = ["x", "y", "z"];

/// The list of example galaxies with their files and a "load this example" button each, which
/// hands the example to `on_load`.
#[component]
pub fn TryFiles(
    /// The gallery whose examples are offered.
    gallery: Rc<Gallery>,
    /// Puts an example into the card's inputs.
    on_load: Callback<Example>,
) -> impl IntoView {
    let rows = gallery
        .to_try()
        .into_iter()
        .map(|(k, ex)| {
            let files = ex.files();
            let loaded = ex.clone();
            let axis = AXES.get(usize::from(ex.projection)).unwrap_or(&"?");
            let what = format!(
                "galaxy {} seen along {axis}: R_hsm {:.2} kpc; true log10 M* {:.2}, Mtot {:.2}",
                ex.galaxy_id, ex.rhsm_kpc, ex.mstar, ex.mtot
            );
            let links = files
                .into_iter()
                .map(|f| {
                    let mime = if f.name.ends_with(".fits") {
                        "application/fits"
                    } else {
                        "application/octet-stream"
                    };
                    let url = blob_url(&f.bytes, mime).unwrap_or_default();
                    let short = f
                        .name
                        .rsplit_once('_')
                        .map_or(f.name.clone(), |(_, s)| s.to_string());
                    view! {
                        <a data-testid="example-file" href=url download=f.name.clone()
                            data-name=f.name.clone() title=format!("download {}", f.name)>{short}</a>
                        " "
                    }
                })
                .collect_view();
            view! {
                <li data-testid="example" data-index=k.to_string() data-galaxy=ex.galaxy_id.to_string()>
                    <span>{what}</span>" "
                    <button data-testid=format!("example-load-{k}")
                        aria-label=format!("load example galaxy {} into the inputs", ex.galaxy_id)
                        on:click=move |_| on_load.run(loaded.clone())>"load this example"</button>
                    <span class="meta">" download: " {links}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="try-files" data-testid="try-files">
            <h3>"Files to try"</h3>
            <p class="meta">
                "Three mock galaxies of the test split, which the models never saw, as the files this card \
                 reads: r and g images (L☉/kpc²) and the kinematic cube (V, σ in km/s, mask), FITS with R_hsm \
                 and the true masses in the header, or NPY. The same files come from galmass dataset \
                 examples --files."
            </p>
            <ul>{rows}</ul>
        </div>
    }
}
