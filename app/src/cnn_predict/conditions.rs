//! The observing conditions of uploaded maps (beyond the paper; docs/observing.md): the
//! seeing (PSF FWHM) and the galaxy's half-light radius R_e in arcsec, the S/N of a pixel at
//! R_e and, optionally, the redshift, read by galmass-core's `telescope::Stated` (as `galmass
//! predict --seeing-arcsec --re-arcsec --snr-re --redshift` reads them). When the
//! stated conditions lie outside those the models learned (the bundle's
//! `training.conditions`), the card warns — it does not refuse — with the words of
//! `galmass predict --seeing-re … --snr-re …` (`telescope::outside_training`).

use galmass_core::telescope::{ConditionRanges, Stated, outside_training};
use leptos::prelude::*;

use crate::models::SharedCnn;

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

/// Reads the four inputs (seeing ″, R_e ″, S/N, z) through galmass-core's [`Stated`], against
/// the model's conditions.
fn read(texts: [String; 4], model: Option<&ConditionRanges>) -> Result<Option<Reading>, String> {
    let stated = Stated {
        seeing_arcsec: number("seeing FWHM", &texts[0])?,
        re_arcsec: number("R_e", &texts[1])?,
        snr_re: number("S/N at R_e", &texts[2])?,
        redshift: number("redshift", &texts[3])?,
    };
    let Some(c) = stated.conditions().map_err(|e| e.to_string())? else {
        return Ok(None);
    };
    Ok(Some(Reading {
        note: stated.describe().map_err(|e| e.to_string())?,
        warnings: outside_training(model, Some(&c)),
        error: None,
    }))
}

/// The inputs and what they say; `loads` changes when the user loads other bundles.
#[component]
pub fn ObservingConditions(cnn: SharedCnn, loads: ReadSignal<u32>) -> impl IntoView {
    let fields: [(&str, &str, &str, RwSignal<String>); 4] = [
        (
            "input-seeing-arcsec",
            "seeing: PSF FWHM (arcsec)",
            "e.g. 2.5",
            RwSignal::new(String::new()),
        ),
        (
            "input-re-arcsec",
            "half-light radius R_e (arcsec)",
            "e.g. 5.0",
            RwSignal::new(String::new()),
        ),
        (
            "input-snr",
            "S/N of a pixel at R_e (empty: noiseless)",
            "e.g. 20",
            RwSignal::new(String::new()),
        ),
        (
            "input-redshift",
            "redshift (optional: R_e in kpc)",
            "e.g. 0.05",
            RwSignal::new(String::new()),
        ),
    ];
    let texts = fields.map(|f| f.3);
    let reading = Memo::new(move |_| {
        loads.track();
        let model = cnn
            .loaded()
            .ok()
            .and_then(|e| e.lead().manifest.training.conditions);
        match read(texts.map(|t| t.get()), model.as_ref()) {
            Ok(r) => r.unwrap_or_default(),
            Err(e) => Reading {
                error: Some(e),
                ..Reading::default()
            },
        }
    });
    view! {
        <details class="conditions">
            <summary>"Observed maps? State the seeing and noise (optional, beyond the paper)"</summary>
            <div class="features">
                {fields.into_iter().map(|(id, label, hint, value)| view! {
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

    fn texts(a: &str, b: &str, c: &str, d: &str) -> [String; 4] {
        [a, b, c, d].map(str::to_string)
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
