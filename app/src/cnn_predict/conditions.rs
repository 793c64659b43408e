//! The observing conditions of uploaded maps (beyond the paper; docs/observing.md): the
//! seeing (PSF FWHM) and the galaxy's half-light radius R_e in arcsec, the S/N of a pixel at
//! R_e and, optionally, the redshift. The seeing in units of R_e is their ratio; with a
//! redshift, galmass-core's angular-diameter distance puts R_e and the seeing in kpc. When the
//! stated conditions lie outside those the models learned (the bundle's
//! `training.conditions`), the card warns — it does not refuse — with the words of
//! `galmass predict --seeing-re … --snr-re …` (`telescope::outside_training`).

use galmass_core::telescope::{ConditionRanges, kpc_per_arcsec, outside_training};
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

/// Reads the four inputs: (seeing ″, R_e ″, S/N, z) against the model's conditions.
fn read(texts: [String; 4], model: Option<&ConditionRanges>) -> Result<Option<Reading>, String> {
    let seeing = number("seeing FWHM", &texts[0])?;
    let re = number("R_e", &texts[1])?;
    let snr = number("S/N at R_e", &texts[2])?;
    let z = number("redshift", &texts[3])?;
    if seeing.is_none() && snr.is_none() {
        return Ok(None);
    }
    if let Some(s) = seeing
        && s < 0.0
    {
        return Err(format!(
            "seeing FWHM {s}″: give a value ≥ 0 (0: ideal maps)"
        ));
    }
    if let Some(r) = re
        && r <= 0.0
    {
        return Err(format!("R_e {r}″: give the half-light radius, > 0"));
    }
    let seeing_re = match (seeing, re) {
        (Some(s), Some(r)) => s / r,
        (Some(s), None) if s > 0.0 => {
            return Err("give R_e in arcsec too: the seeing counts in units of R_e".into());
        }
        _ => 0.0,
    };
    let stated = ConditionRanges::point(seeing_re, snr);
    stated.check().map_err(|e| e.to_string())?;
    let mut note = format!("seeing {seeing_re:.2} R_e");
    if let Some(s) = snr {
        note.push_str(&format!(", S/N {s} at R_e"));
    }
    if let (Some(z), Some(r)) = (z, re) {
        let k = kpc_per_arcsec(z).map_err(|e| e.to_string())?;
        note.push_str(&format!(
            "; at z = {z}: {k:.3} kpc/″, R_e = {:.2} kpc, seeing FWHM {:.2} kpc",
            r * k,
            seeing.unwrap_or(0.0) * k
        ));
    }
    Ok(Some(Reading {
        note,
        warnings: outside_training(model, Some(&stated)),
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
