//! The observing conditions of uploaded maps (beyond the paper; docs/observing.md): the
//! seeing (PSF FWHM) and the galaxy's half-light radius R_e in arcsec, the S/N of a pixel at
//! R_e, the redshift or distance, an IFU footprint and Voronoi binning, read by galmass-core's
//! `telescope::Stated` (as `galmass predict --seeing-arcsec --re-arcsec --snr-re --redshift
//! --distance-mpc --ifu-re --voronoi-snr` reads them). When the
//! stated conditions lie outside those the models learned (the bundle's
//! `training.conditions`), the card warns — it does not refuse — with the words of
//! `galmass predict --seeing-re … --snr-re …` (`telescope::outside_training`).

use galmass_core::telescope::{ConditionRanges, Stated, outside_training};
use leptos::prelude::*;

/// What the stated conditions say: a line about them and the warnings, or why they are not
/// usable.
#[derive(Clone, Debug, Default, PartialEq)]
struct Reading {
    note: String,
    warnings: Vec<String>,
    error: Option<String>,
}

/// A number from an input, `None` when empty, or why not.
fn number(label: &str, text: &str) -> Result<Option<f64>, String> {
    match text.trim() {
        "" => Ok(None),
        t => t
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .map(Some)
            .ok_or_else(|| format!("{label} \"{t}\" is not a number")),
    }
}

/// The seven inputs, in order: seeing ″, R_e ″, S/N, z, distance (Mpc), IFU footprint
/// (R_e), Voronoi S/N.
const FIELDS: [(&str, &str, &str); 7] = [
    (
        "input-seeing-arcsec",
        "seeing: PSF FWHM (arcsec)",
        "e.g. 2.5",
    ),
    (
        "input-re-arcsec",
        "half-light radius R_e (arcsec; with the redshift or distance, the radius of models on ±3 R_e)",
        "e.g. 5.0",
    ),
    (
        "input-snr",
        "S/N of a pixel at R_e (empty: noiseless)",
        "e.g. 20",
    ),
    (
        "input-redshift",
        "redshift (R_e and the seeing in kpc)",
        "e.g. 0.05",
    ),
    (
        "input-distance-mpc",
        "or the distance in Mpc (nearby galaxies; instead of the redshift)",
        "e.g. 16.5",
    ),
    (
        "input-ifu-re",
        "IFU footprint: a hexagon out to K R_e (MaNGA: 1.5 or 2.5; empty: the whole map)",
        "e.g. 1.5",
    ),
    (
        "input-voronoi-snr",
        "kinematics Voronoi-binned to S/N (empty: unbinned)",
        "e.g. 10",
    ),
];

/// The texts of the observing-conditions inputs, owned by the maps card (which also reads R_e
/// and the redshift as the radius of models on ±3 R_e). Copy: arena handles only.
#[derive(Clone, Copy)]
pub struct StatedFields([RwSignal<String>; 7]);

impl StatedFields {
    /// Empty inputs.
    pub fn new() -> Self {
        Self(std::array::from_fn(|_| RwSignal::new(String::new())))
    }

    /// The statement the inputs make (tracked), through galmass-core's [`Stated`], or the
    /// first input that is not a number.
    pub fn stated(&self) -> Result<Stated, String> {
        parse(self.0.map(|t| t.get()))
    }

    /// [`Self::stated`], untracked (in event handlers).
    pub fn stated_untracked(&self) -> Result<Stated, String> {
        parse(self.0.map(|t| t.get_untracked()))
    }

    /// The conditions stated (tracked): `None` when none, or why they are not usable.
    pub fn conditions(&self) -> Result<Option<ConditionRanges>, String> {
        self.stated()?.conditions().map_err(|e| e.to_string())
    }
}

/// The seven texts as galmass-core's [`Stated`], or the first that is not a number.
fn parse(t: [String; 7]) -> Result<Stated, String> {
    Ok(Stated {
        seeing_arcsec: number("seeing FWHM", &t[0])?,
        re_arcsec: number("R_e", &t[1])?,
        snr_re: number("S/N at R_e", &t[2])?,
        redshift: number("redshift", &t[3])?,
        distance_mpc: number("distance", &t[4])?,
        ifu_re: number("IFU footprint", &t[5])?,
        voronoi_snr: number("Voronoi S/N", &t[6])?,
    })
}

/// The statement against the model's conditions.
fn read(
    stated: Result<Stated, String>,
    model: Option<&ConditionRanges>,
) -> Result<Option<Reading>, String> {
    let stated = stated?;
    let Some(c) = stated.conditions().map_err(|e| e.to_string())? else {
        return Ok(None);
    };
    Ok(Some(Reading {
        note: stated.describe().map_err(|e| e.to_string())?,
        warnings: outside_training(model, Some(&c)),
        error: None,
    }))
}

/// The inputs and what they say against `model`, the training conditions of the models the
/// card will run.
#[component]
pub fn ObservingConditions(
    fields: StatedFields,
    model: Signal<Option<ConditionRanges>>,
) -> impl IntoView {
    let reading = Memo::new(move |_| match read(fields.stated(), model.get().as_ref()) {
        Ok(r) => r.unwrap_or_default(),
        Err(e) => Reading {
            error: Some(e),
            ..Reading::default()
        },
    });
    view! {
        <details class="conditions">
            <summary>"Observed maps? State the seeing, noise and footprint (optional, beyond the paper)"</summary>
            <div class="features">
                {FIELDS.into_iter().zip(fields.0).map(|((id, label, hint), value)| view! {
                    <label><span>{label}</span>
                        <input type="number" step="any" data-testid=id placeholder=hint
                            prop:value=move || value.get()
                            on:input=move |ev| value.set(event_target_value(&ev)) /></label>
                }).collect_view()}
            </div>
            <p class="meta" data-testid="conditions-note" aria-live="polite">{move || reading.get().note}</p>
            <p class="error" data-testid="conditions-error" hidden=move || reading.get().error.is_none()>
                {move || reading.get().error.unwrap_or_default()}
            </p>
            <ul class="warn" data-testid="conditions-warning" aria-live="polite">
                {move || reading.get().warnings.into_iter().map(|w| view! {
                    <li>{format!("{w}; expect errors larger than the quoted σ (models trained with galmass dataset build --conditions … learn such maps)")}</li>
                }).collect_view()}
            </ul>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(a: &str, b: &str, c: &str, d: &str) -> Result<Stated, String> {
        parse([a, b, c, d, "", "", ""].map(str::to_string))
    }

    /// Seeing in R_e is the ratio of the two angles; ideal-trained models warn about seeing
    /// and noise in the words of `outside_training`; bad values are named.
    #[test]
    fn stated_conditions() {
        assert_eq!(read(texts("", "", "", ""), None), Ok(None));
        let r = read(texts("2.5", "5", "20", "0.05"), None)
            .unwrap()
            .unwrap();
        assert!(
            r.note
                .starts_with("seeing 0.50 R_e, S/N 20 at R_e; at z = 0.05"),
            "{}",
            r.note
        );
        let want = outside_training(None, Some(&ConditionRanges::point(0.5, Some(20.0))));
        assert_eq!(r.warnings, want);
        assert_eq!(want.len(), 2);
        let same = ConditionRanges::point(0.5, Some(20.0));
        let r = read(texts("2.5", "5", "20", ""), Some(&same))
            .unwrap()
            .unwrap();
        assert!(r.warnings.is_empty());
        assert!(
            read(texts("-1", "5", "", ""), None)
                .unwrap_err()
                .contains("-1")
        );
        assert!(
            read(texts("2", "", "", ""), None)
                .unwrap_err()
                .contains("R_e")
        );
        assert!(
            read(texts("", "", "0", ""), None)
                .unwrap_err()
                .contains("snr_re")
        );
        assert!(
            read(texts("x", "", "", ""), None)
                .unwrap_err()
                .contains("\"x\"")
        );
    }
}
