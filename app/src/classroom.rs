//! Classroom: six sliders (halo mass, stellar mass, disc size, bulge fraction, inclination,
//! seed) → galmass-core makes the galaxy in the browser (`classroom::build`: the mock
//! generator, the measurement and the maps of `galmass dataset build`), the page draws its
//! four maps, and the bundled CNN (from the maps) and GBDT (from the measured features)
//! weigh it; truth beside prediction, with a plain-words explanation.

use std::rc::Rc;
use std::sync::Arc;

use galmass_core::bundle::Bundle;
use galmass_core::bundle::cnn_input::{GalaxyInputs, reads_map};
use galmass_core::classroom::{ClassroomGalaxy, Controls, Range, build};
use galmass_core::measure::named_features;
use leptos::prelude::*;
use wasm_bindgen_futures::spawn_local;

use crate::browser::{now_ms, yield_to_browser};
use crate::image;
use crate::models::{Gbdt, SharedCnn, Shown, predict_features, shared_cnn, shared_gbdt};
use crate::saliency::SaliencyPanel;
use crate::worker::client::Client;
use crate::worker::{BUILD, BuildRequest};

/// One slider: test id, label, range, and how it reads and writes the controls.
struct Slider {
    id: &'static str,
    label: &'static str,
    range: Range,
    get: fn(&Controls) -> f64,
    set: fn(&mut Controls, f64),
    show: fn(f64) -> String,
}

const SLIDERS: [Slider; 8] = [
    Slider {
        id: "mhalo",
        label: "dark-matter halo mass",
        range: Controls::LOG_M200,
        get: |c| c.log_m200,
        set: |c, v| c.log_m200 = v,
        show: |v| format!("10^{v:.2} M☉"),
    },
    Slider {
        id: "mstar",
        label: "stellar mass",
        range: Controls::LOG_MSTAR,
        get: |c| c.log_mstar,
        set: |c, v| c.log_mstar = v,
        show: |v| format!("10^{v:.2} M☉"),
    },
    Slider {
        id: "size",
        label: "disc size (scale length)",
        range: Controls::R_D_KPC,
        get: |c| c.r_d_kpc,
        set: |c, v| c.r_d_kpc = v,
        show: |v| format!("{v:.1} kpc"),
    },
    Slider {
        id: "bt",
        label: "bulge fraction B/T",
        range: Controls::BT,
        get: |c| c.bt,
        set: |c, v| c.bt = v,
        show: |v| format!("{v:.2}"),
    },
    Slider {
        id: "inclination",
        label: "inclination (0° face-on, 90° edge-on)",
        range: Controls::INCLINATION_DEG,
        get: |c| c.inclination_deg,
        set: |c, v| c.inclination_deg = v,
        show: |v| format!("{v:.0}°"),
    },
    Slider {
        id: "seed",
        label: "seed (everything else, drawn at random)",
        range: Controls::SEED,
        get: |c| c.seed as f64,
        set: |c, v| c.seed = v.round().max(0.0) as u64,
        show: |v| format!("{v:.0}"),
    },
    Slider {
        id: "seeing",
        label: "telescope seeing (blur, in half-light radii)",
        range: Controls::SEEING_RE,
        get: |c| c.seeing_re,
        set: |c, v| c.seeing_re = v,
        show: |v| {
            if v > 0.0 {
                format!("{v:.2} R_e")
            } else {
                "none (ideal maps)".into()
            }
        },
    },
    Slider {
        id: "noise",
        label: "noise (1 / signal-to-noise at the half-light radius)",
        range: Controls::NOISE,
        get: |c| c.noise,
        set: |c, v| c.noise = v,
        show: |v| {
            if v > 0.0 {
                format!("S/N {:.0}", 1.0 / v)
            } else {
                "none".into()
            }
        },
    },
];

/// What one run shows: the galaxy's four maps, truths and both models' predictions.
#[derive(Clone)]
struct Outcome {
    maps: [(&'static str, &'static str, String); 4],
    galaxy: Arc<ClassroomGalaxy>,
    cnn: Result<Vec<Shown>, String>,
    gbdt: Result<Vec<Shown>, String>,
    build_ms: f64,
    backend: String,
}

/// The four maps as images: r and g light, V and σ.
fn draw_maps(g: &ClassroomGalaxy) -> [(&'static str, &'static str, String); 4] {
    let m = &g.maps;
    let (s, k) = (m.image_size, m.kin_size);
    let (v, sigma) = (m.velocity(), m.dispersion());
    let vmax = image::max_abs(v, &m.vel_mask);
    let smax = image::max_abs(sigma, &m.vel_mask);
    let or_empty = Option::unwrap_or_default;
    [
        (
            "r",
            "r-band light (log)",
            or_empty(image::light(&m.r, s, 6.0, 10.0)),
        ),
        (
            "g",
            "g-band light (log)",
            or_empty(image::light(&m.g, s, 6.0, 10.0)),
        ),
        (
            "v",
            "velocity: dark blue towards us, pale yellow away",
            or_empty(image::velocity(v, &m.vel_mask, k, vmax)),
        ),
        (
            "sigma",
            "velocity dispersion (random motions)",
            or_empty(image::dispersion(sigma, &m.vel_mask, k, smax)),
        ),
    ]
}

/// The maps' colour scales with their values: light (log L☉/kpc²), V and σ (km/s).
fn legend(g: &ClassroomGalaxy) -> impl IntoView + use<> {
    let m = &g.maps;
    let vmax = image::max_abs(m.velocity(), &m.vel_mask);
    let smax = image::max_abs(m.dispersion(), &m.vel_mask);
    let bar = |colour: fn(f64) -> [u8; 3], lo: f64, hi: f64, what: &'static str| {
        let src = image::colour_bar(colour, lo, hi).unwrap_or_default();
        view! { <img src=src width="100" height="12" alt=what /> }
    };
    view! {
        <div class="legend" data-testid="classroom-legend">
            <span>"light 10^6"</span>{bar(image::grey, 0.0, 1.0, "grey scale: dark faint, white bright")}
            <span>"10^10 L☉/kpc² · V "{format!("{:+.0}", -vmax)}</span>
            {bar(galmass_core::explain::colour, -1.0, 1.0, "velocity scale: dark blue towards us, pale yellow away")}
            <span>{format!("{vmax:+.0} km/s · σ 0")}</span>
            {bar(image::dispersion_colour, 0.0, 1.0, "dispersion scale: dark low, pale yellow high")}
            <span>{format!("{smax:.0} km/s")}</span>
        </div>
    }
}

/// Light-map side the bundled CNN reads (the Classroom renders at it), 60 if unknown.
fn cnn_light_side(b: &Bundle) -> usize {
    b.manifest
        .inputs
        .iter()
        .find(|i| reads_map(&i.name, "r"))
        .and_then(|i| i.shape.last().copied())
        .unwrap_or(60)
}

/// The galaxy of `c`, made in the page's worker (so that the sliders stay responsive), or
/// here when there is none: galmass-core's `classroom::build` either way.
async fn build_galaxy(c: Controls, side: usize) -> Result<ClassroomGalaxy, String> {
    if let Some(worker) = Client::get() {
        let req = serde_json::to_string(&BuildRequest { controls: c, side })
            .map_err(|e| e.to_string())?;
        if let Ok(reply) = worker.request(BUILD, &req, None, None).await {
            return serde_json::from_str(&reply.json).map_err(|e| e.to_string());
        }
    }
    build(&c, side).map_err(|e| e.to_string())
}

/// Builds the galaxy of `c` and runs both models on it.
/// `wanted` says whether the run is still the newest: a superseded run stops after the build
/// (its result would be dropped), so a slider dragged step by step does not queue map drawing
/// and predictions for galaxies nobody will see.
async fn run(
    c: Controls,
    cnn: SharedCnn,
    gbdt: Rc<Result<Gbdt, String>>,
    wanted: impl Fn() -> bool,
) -> Result<Outcome, String> {
    let side = cnn.loaded().map_or(60, |e| cnn_light_side(e.lead()));
    let t0 = now_ms();
    let galaxy = Arc::new(build_galaxy(c, side).await?);
    let build_ms = now_ms() - t0;
    if !wanted() {
        return Err("superseded by a newer request".into());
    }
    let maps = draw_maps(&galaxy);
    let ex = galaxy.example();
    let backend = cnn.label.get_untracked();
    let cnn = match ex.inputs() {
        Some(g) => cnn.predict(&g).await,
        None => Err("the maps do not match their sizes".into()),
    };
    let gbdt = match gbdt.as_ref() {
        Ok(b) => {
            let given: Vec<(String, f64)> = named_features(&galaxy.features)
                .into_iter()
                .filter(|(n, _)| b.manifest.features.iter().any(|f| &f.name == n))
                .collect();
            predict_features(b, &given)
        }
        Err(e) => Err(e.clone()),
    };
    Ok(Outcome {
        maps,
        galaxy,
        cnn,
        gbdt,
        build_ms,
        backend,
    })
}

/// log10 value of `target` in a model's predictions.
fn value(p: &Result<Vec<Shown>, String>, target: &str) -> Option<(f64, f64)> {
    p.as_ref()
        .ok()?
        .iter()
        .find(|s| s.0 == target)
        .map(|s| (s.1, s.2))
}

/// One cell of the comparison table: a model's prediction, its σ and the miss.
fn cell(
    id: String,
    p: &Result<Vec<Shown>, String>,
    target: &'static str,
    truth: f64,
) -> impl IntoView {
    let shown = match target {
        "fdm" => value(p, "mstar")
            .zip(value(p, "mtot"))
            .map(|((ms, _), (mt, _))| (1.0 - 10f64.powf(ms - mt), f64::NAN)),
        t => value(p, t),
    };
    match shown {
        Some((v, s)) => {
            let text = if target == "fdm" {
                format!("{v:.2} (Δ {:+.2})", v - truth)
            } else {
                format!("{v:.2} ± {s:.2} (Δ {:+.2})", v - truth)
            };
            view! { <td class="num" data-testid=id data-value=v.to_string()>{text}</td> }.into_any()
        }
        None => view! { <td class="num" data-testid=id>"—"</td> }.into_any(),
    }
}

/// The Classroom card.
#[component]
pub fn Classroom() -> impl IntoView {
    let cnn = shared_cnn();
    let gbdt = shared_gbdt();
    let controls = RwSignal::new(Controls::default());
    let (outcome, set_outcome) = signal(None::<Result<Outcome, String>>);
    let (busy, set_busy) = signal(false);
    let (runs, set_runs) = signal(0u32);
    // Newest request; an older run that finishes late is dropped.
    let latest = StoredValue::new(0u32);
    // True while a galaxy is being made and weighed.
    let in_flight = StoredValue::new(false);
    // The galaxy shown, which the saliency maps explain.
    let explained = RwSignal::new(None::<Arc<GalaxyInputs>>);
    Effect::new(move |_| {
        let c = controls.get();
        // The first galaxy waits until the CNN's backend is chosen, so that the page is
        // ready to predict uploads first (and the Classroom's CNN runs where the others do).
        if !cnn.ready.get() {
            return;
        }
        let ticket = latest.with_value(|n| n + 1);
        latest.set_value(ticket);
        set_busy.set(true);
        spawn_local(async move {
            // One galaxy at a time: while one is being made, newer requests wait and all
            // but the newest give up, so a dragged slider builds only the galaxies asked for
            // last.
            loop {
                yield_to_browser().await;
                if latest.get_value() != ticket {
                    return;
                }
                if !in_flight.get_value() {
                    break;
                }
            }
            in_flight.set_value(true);
            let wanted = move || latest.get_value() == ticket;
            let res = run(c, cnn, gbdt.with_value(Rc::clone), wanted).await;
            in_flight.set_value(false);
            if latest.get_value() == ticket {
                explained.set(
                    res.as_ref()
                        .ok()
                        .and_then(|o| o.galaxy.example().inputs())
                        .map(Arc::new),
                );
                set_outcome.set(Some(res));
                set_busy.set(false);
                set_runs.update(|n| *n += 1);
            }
        });
    });
    let body = move || match outcome.get() {
        None => view! { <p class="meta">"Building the first galaxy…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="error" data-testid="classroom-error">{e}</p> }.into_any(),
        Some(Ok(o)) => outcome_view(o),
    };
    view! {
        <section class="card" id="classroom" data-testid="classroom" data-runs=move || runs.get().to_string()
            data-busy=move || busy.get().to_string()>
            <h2>"Classroom: build a galaxy, then weigh it"</h2>
            <p class="lede">
                "Set a galaxy's dark-matter halo, its stars, its size, its bulge and how it is tilted. Your \
                 browser builds it from 22 000 particles, takes its pictures and measures its true mass; then \
                 two machine-learning models that never saw it estimate the mass from what a telescope would see."
            </p>
            <div class="features classroom-sliders">{sliders(controls)}</div>
            <p class="meta">{move || if busy.get() { "building and weighing…" } else { "" }}</p>
            {body}
            <SaliencyPanel cnn=cnn galaxy=explained.into() id="classroom" />
            <Explain />
        </section>
    }
}

/// A built galaxy: its maps, what was made, and truth against both models' predictions.
fn outcome_view(o: Outcome) -> AnyView {
    let g = o.galaxy.clone();
    let t = g.targets;
    let fdm_true = 10f64.powf(t.fdm);
    let rows: [(&str, &'static str, f64); 3] = [
        ("stellar mass log10 M* (< R_hsm)", "mstar", t.mstar),
        ("total mass log10 Mtot (< R_hsm)", "mtot", t.mtot),
        ("dark-matter fraction f_DM (< R_hsm)", "fdm", fdm_true),
    ];
    let (cnn_err, gbdt_err) = (o.cnn.clone().err(), o.gbdt.clone().err());
    let note = if g.params.selected {
        String::new()
    } else {
        "This combination lies outside the mock population the models learned from \
         (the sample's selection would have dropped it): expect larger misses."
            .to_string()
    };
    view! {
        <div class="maps">
            {o.maps.into_iter().map(|(id, caption, src)| view! {
                <figure>
                    <img data-testid=format!("classroom-map-{id}") src=src width="180" height="180" alt=caption />
                    <figcaption>{caption}</figcaption>
                </figure>
            }).collect_view()}
        </div>
        {legend(&g)}
        <p class="meta" data-testid="classroom-status" data-build-ms=o.build_ms.to_string() aria-live="polite">
            {format!(
                "made, measured and drawn in {:.0} ms in your browser · half-mass radius R_hsm {:.2} kpc · {} · {} star and {} dark-matter particles · CNN on {}",
                o.build_ms, g.rhsm_kpc,
                if g.params.quenched { "quenched (red, old stars)" } else { "star-forming" },
                g.params.n_star, g.params.n_dm, o.backend,
            )}
        </p>
        <p class="meta warn" hidden=note.is_empty()>{note.clone()}</p>
        <table class="compare" aria-live="polite">
            <thead><tr><th>"inside the half-mass radius"</th><th>"truth"</th>
                <th>"CNN (reads the maps)"</th><th>"GBDT (reads 10 measured numbers)"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|(label, target, truth)| view! {
                    <tr>
                        <td>{label}</td>
                        <td class="num" data-testid=format!("classroom-truth-{target}") data-value=truth.to_string()>
                            {format!("{truth:.2}")}
                        </td>
                        {cell(format!("classroom-cnn-{target}"), &o.cnn, target, truth)}
                        {cell(format!("classroom-gbdt-{target}"), &o.gbdt, target, truth)}
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        {cnn_err.map(|e| view! { <p class="error" data-testid="classroom-error">{format!("CNN: {e}")}</p> })}
        {gbdt_err.map(|e| view! { <p class="error" data-testid="classroom-error">{format!("GBDT: {e}")}</p> })}
    }
    .into_any()
}

/// One range input per control of [`SLIDERS`], bound to `controls`.
fn sliders(controls: RwSignal<Controls>) -> impl IntoView {
    SLIDERS
    .iter()
    .map(|s| {
        let (min, max, step) = s.range;
        let (get, set, show) = (s.get, s.set, s.show);
        view! {
            <label>
                <span>{s.label} ": " <strong>{move || show(get(&controls.get()))}</strong></span>
                <input type="range" min=min.to_string() max=max.to_string() step=step.to_string()
                    data-testid=format!("classroom-{}", s.id)
                    prop:value=move || get(&controls.get()).to_string()
                    on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                            controls.update(|c| set(c, v));
                        }
                    } />
            </label>
        }
    })
    .collect_view()
}

/// The Classroom's explanations: why light alone cannot weigh a galaxy, what the network
/// reads, what the velocity maps add.
#[component]
fn Explain() -> impl IntoView {
    view! {
        <div class="explain">
            <h3>"Why pictures alone cannot weigh a galaxy"</h3>
            <p>
                "Stars make the light in the pictures, so a picture says roughly how many stars there are, \
                 but not exactly: old stars give less light per kilogram than young ones, and dust hides some. \
                 Dark matter gives no light at all. Move the halo-mass slider: the r- and g-band pictures \
                 hardly change, yet the true total mass in the table grows. Light alone cannot tell stars \
                 from dark matter."
            </p>
            <h3>"What the network reads in a picture"</h3>
            <p>
                "The network sees the light of each small patch of the galaxy, a patch being a fixed \
                 fraction of the galaxy's size, together with the size itself: so it knows how bright \
                 the whole galaxy is, not only how bright it looks per square kiloparsec. It sees every \
                 patch in two colours, g and r: redder light comes from older stars, which weigh more \
                 for the light they give, so the colour tells it how many kilograms each unit of light means. Move the \
                 stellar-mass slider up: the pictures brighten and the network's stellar mass rises \
                 with the truth. Make a galaxy ten times brighter while keeping its velocity maps and \
                 the network adds about half a dex (about three times the stars), not the factor ten \
                 a fixed mass-to-light ratio would give: the unchanged velocities say how much mass \
                 there is in all, and the stars cannot weigh more than that (measured with galmass \
                 probe)."
            </p>
            <h3>"Seeing and noise: what a real telescope adds"</h3>
            <p data-testid="classroom-seeing-note">
                "The bundled models learned from perfect pictures, as in the paper. A real telescope looks \
                 through the air, which blurs (seeing), and counts a limited number of photons, which \
                 speckles the faint parts (noise); the velocity maps blur and get measurement errors too. \
                 Move the seeing and noise sliders: the pictures change but the galaxy does not, so the \
                 truth stays while the network's answer drifts, because it never saw such pictures. \
                 The GBDT reads ten numbers measured from the particles themselves, which seeing and \
                 noise do not touch here. Models trained on blurred, noisy maps (galmass dataset build \
                 --conditions manga) are the remedy; this goes beyond the paper."
            </p>
            <h3>"What the velocity maps add"</h3>
            <p>
                "Stars orbit in the pull of all the mass, seen and unseen. The faster the galaxy turns \
                 (the dark-blue and pale-yellow sides of the velocity map) and the more its stars buzz around at random \
                 (the dispersion map), the more mass must be there to hold them in: roughly M ≈ v² R / G. \
                 That is why the network that reads the velocity maps weighs the total mass far better than \
                 one that only sees the picture. Turn the galaxy face-on (inclination 0°): its rotation is \
                 across our line of sight, the velocity map turns grey, and the models have less to go on."
            </p>
        </div>
    }
}
