//! The first page: mission, core version, and the Hernquist-sphere computation with
//! sliders, a table, and a cumulative-mass plot. Stable `data-testid` attributes are used
//! by the browser test (tests/e2e); `data-value` carries the full-precision number.

use leptos::prelude::*;

use crate::MISSION;
use crate::classroom::Classroom;
use crate::cnn_predict::CnnPredict;
use crate::format::sci;
use crate::gallery::GalleryCard;
use crate::gbdt_predict::GbdtPredict;
use crate::hernquist::{
    HernquistSphere, LOG_MASS_RANGE, SCALE_RANGE_KPC, TABLE_RADII_KPC, parse_clamped,
};
use crate::model_card::ModelCard;
use crate::models::{provide_cnn, provide_gbdt};
use crate::plot::PAGE_FRAME;

/// The root component of the app.
#[component]
pub fn App() -> impl IntoView {
    // One copy of each bundled model for every card.
    provide_cnn();
    provide_gbdt();
    view! {
        <header class="hero">
            <h1>"galmass"</h1>
            <p class="mission" data-testid="mission">{MISSION}</p>
            <p class="version">
                "galmass-core "
                <span class="badge" data-testid="core-version">{galmass_core::VERSION}</span>
                " · running in your browser as WebAssembly"
            </p>
            <nav class="sections" data-testid="nav">
                <a href="#predict">"Predict from maps"</a>
                <a href="#gallery">"Gallery"</a>
                <a href="#classroom">"Classroom"</a>
                <a href="#numbers">"Predict from numbers"</a>
                <a href="#model-card">"Model card"</a>
                <a href="#hernquist">"Hernquist sphere"</a>
            </nav>
        </header>
        <main>
            <CnnPredict />
            <GalleryCard />
            <Classroom />
            <GbdtPredict />
            <ModelCard />
            <HernquistSection />
        </main>
        <footer>
            "Chu, Tang, Xu, Lu & Long 2024, "
            <em>"Galaxy stellar and total mass estimation using machine learning"</em>
            ", MNRAS 528, 6354. Hernquist 1990, ApJ 356, 359."
        </footer>
    }
}

/// The Hernquist-sphere demonstration: sliders for M and a, the half-mass radius found
/// numerically next to the exact (1 + √2) a, the enclosed-mass table and its plot.
#[component]
pub fn HernquistSection() -> impl IntoView {
    let default = HernquistSphere::default();
    let (log_mass, set_log_mass) = signal(default.mass_msun.log10());
    let (scale, set_scale) = signal(default.scale_kpc);
    let sphere = Memo::new(move |_| HernquistSphere {
        mass_msun: 10f64.powf(log_mass.get()),
        scale_kpc: scale.get(),
    });
    let r_half = Memo::new(move |_| sphere.get().half_mass_radius_numeric());
    let r_half_exact = move || sphere.get().half_mass_radius_analytic();

    let rows = move || {
        sphere
            .get()
            .table()
            .into_iter()
            .enumerate()
            .map(|(i, row)| {
                view! {
                    <tr data-testid=format!("mass-row-{i}")>
                        <td class="num">{format!("{}", row.radius_kpc)}</td>
                        <td class="num" data-testid=format!("mass-value-{i}")
                            data-value=format!("{:e}", row.enclosed_msun)>
                            {sci(row.enclosed_msun, 3)}
                        </td>
                        <td class="num">{format!("{:.4}", row.fraction)}</td>
                        <td class="bar-cell">
                            <span class="bar" style=format!("width: {:.1}%", 100.0 * row.fraction)></span>
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };

    let frame = PAGE_FRAME;
    let x_ticks = [0.1, 1.0, 10.0, 100.0];
    let y_ticks = [0.0, 0.25, 0.5, 0.75, 1.0];
    let curve = move || frame.curve(&sphere.get(), 241);
    let half_x = move || format!("{:.2}", frame.x(r_half.get()));
    let marks = move || {
        let s = sphere.get();
        TABLE_RADII_KPC
            .iter()
            .map(|&r| {
                let f = s.enclosed_mass(r) / s.mass_msun;
                view! { <circle class="mark" cx=format!("{:.2}", frame.x(r)) cy=format!("{:.2}", frame.y(f)) r="3.5" /> }
            })
            .collect_view()
    };

    view! {
        <section class="card" id="hernquist" data-testid="hernquist">
            <h2>"A first computation: mass inside a Hernquist sphere"</h2>
            <p class="lede">
                "Galaxy bulges and elliptical galaxies are often described by a Hernquist (1990) profile, \
                 whose mass inside radius r is M(<r) = M r² / (r + a)². Half of the mass lies within \
                 r½ = (1 + √2) a. Below, galmass-core evaluates the profile and the page finds r½ by bisection on it — \
                 compiled from the same Rust code as the command-line tool."
            </p>
            <div class="controls">
                <label>
                    <span>"Total mass M = " <strong data-testid="mass-label">{move || format!("{} M☉", sci(sphere.get().mass_msun, 2))}</strong></span>
                    <input type="range" data-testid="mass-input"
                        min=LOG_MASS_RANGE.0 max=LOG_MASS_RANGE.1 step="0.05"
                        prop:value=move || log_mass.get().to_string()
                        on:input=move |ev| {
                            if let Some(v) = parse_clamped(&event_target_value(&ev), LOG_MASS_RANGE) {
                                set_log_mass.set(v);
                            }
                        } />
                </label>
                <label>
                    <span>"Scale length a = " <strong data-testid="scale-label">{move || format!("{:.2} kpc", scale.get())}</strong></span>
                    <input type="range" data-testid="scale-input"
                        min=SCALE_RANGE_KPC.0 max=SCALE_RANGE_KPC.1 step="0.1"
                        prop:value=move || scale.get().to_string()
                        on:input=move |ev| {
                            if let Some(v) = parse_clamped(&event_target_value(&ev), SCALE_RANGE_KPC) {
                                set_scale.set(v);
                            }
                        } />
                </label>
            </div>
            <div class="results">
                <div class="result">
                    <div class="result-label">"Half-mass radius (bisection on galmass-core's M(<r))"</div>
                    <div class="result-value" data-testid="half-mass-radius"
                        data-value=move || format!("{:e}", r_half.get())>
                        {move || format!("{:.4} kpc", r_half.get())}
                    </div>
                </div>
                <div class="result">
                    <div class="result-label">"Exact (1 + √2) a"</div>
                    <div class="result-value" data-testid="half-mass-radius-exact"
                        data-value=move || format!("{:e}", r_half_exact())>
                        {move || format!("{:.4} kpc", r_half_exact())}
                    </div>
                </div>
                <div class="result">
                    <div class="result-label">"Mass inside r½"</div>
                    <div class="result-value" data-testid="half-mass"
                        data-value=move || format!("{:e}", sphere.get().enclosed_mass(r_half.get()))>
                        {move || format!("{} M☉", sci(sphere.get().enclosed_mass(r_half.get()), 3))}
                    </div>
                </div>
            </div>
            <div class="split">
                <table class="mass-table" data-testid="mass-table">
                    <thead>
                        <tr><th>"r (kpc)"</th><th>"M(<r) (M☉)"</th><th>"M(<r) / M"</th><th></th></tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
                <svg class="plot" viewBox="0 0 440 260" role="img" data-testid="mass-plot"
                    aria-label="Enclosed mass fraction against radius">
                    <rect class="plot-bg" x=frame.left y=frame.top width=frame.width height=frame.height />
                    {y_ticks.iter().map(|&f| view! {
                        <line class="grid" x1=frame.left x2=frame.left + frame.width y1=frame.y(f) y2=frame.y(f) />
                        <text class="tick" x=frame.left - 6.0 y=frame.y(f) + 4.0 text-anchor="end">{format!("{f}")}</text>
                    }).collect_view()}
                    {x_ticks.iter().map(|&r| view! {
                        <line class="grid" x1=frame.x(r) x2=frame.x(r) y1=frame.top y2=frame.top + frame.height />
                        <text class="tick" x=frame.x(r) y=frame.top + frame.height + 16.0 text-anchor="middle">{format!("{r}")}</text>
                    }).collect_view()}
                    <line class="half" x1=half_x x2=half_x y1=frame.top y2=frame.top + frame.height />
                    <path class="curve" d=curve />
                    {marks}
                    <text class="axis" x=frame.left + frame.width / 2.0 y="254" text-anchor="middle">"r (kpc)"</text>
                    <text class="axis" x="12" y=frame.top + frame.height / 2.0 text-anchor="middle"
                        transform=format!("rotate(-90 12 {})", frame.top + frame.height / 2.0)>"M(<r) / M"</text>
                </svg>
            </div>
        </section>
    }
}
