//! Which CNN the maps card runs: the ideal-map ensemble, the observed-conditions model, or
//! the user's own bundles — chosen by the user, or automatically by what they state about
//! their maps ([`Bundled::for_stated`]: any seeing, noise, footprint or binning picks the
//! observed-conditions model). The choice loads into the page's shared CNN when the user
//! presses Predict, and the conditions' warnings are said against the model that will run.

use galmass_core::bundle::Bundle;
use galmass_core::telescope::ConditionRanges;
use leptos::prelude::*;

use super::conditions::StatedFields;
use crate::assets::{CNN_BUNDLES, CNN_OBSERVED_BUNDLE};
use crate::models::SharedCnn;
use crate::models::bundled::Bundled;

/// The select's values.
const AUTO: &str = "auto";
const IDEAL: &str = "ideal";
const OBSERVED: &str = "observed";
/// The user's bundles are loaded (set by the card when they are).
pub const YOURS: &str = "yours";

/// The card's model choice: the select's value, what it resolves to, and what is loaded now.
#[derive(Clone, Copy)]
pub struct ModelChoice {
    /// The select's value.
    pub value: RwSignal<String>,
    /// The bundled model it resolves to (`None`: the user's bundles).
    pub chosen: Memo<Option<Bundled>>,
    /// The bundled model loaded in the shared CNN now (`None`: the user's).
    loaded: StoredValue<Option<Bundled>>,
}

/// The training conditions of a bundled model (read from its manifest, not assumed).
fn training_conditions(b: Bundled) -> Option<ConditionRanges> {
    let bytes = match b {
        Bundled::Ideal => CNN_BUNDLES[0],
        Bundled::Observed => CNN_OBSERVED_BUNDLE,
    };
    Bundle::from_bytes(bytes)
        .ok()
        .and_then(|x| x.manifest.training.conditions)
}

impl ModelChoice {
    /// "automatic", with the bundled ideal ensemble loaded (as the page starts).
    pub fn new(fields: StatedFields) -> Self {
        let value = RwSignal::new(AUTO.to_string());
        let chosen = Memo::new(move |_| match value.get().as_str() {
            IDEAL => Some(Bundled::Ideal),
            OBSERVED => Some(Bundled::Observed),
            YOURS => None,
            _ => Some(Bundled::for_stated(
                fields.conditions().ok().flatten().as_ref(),
            )),
        });
        Self {
            value,
            chosen,
            loaded: StoredValue::new(Some(Bundled::Ideal)),
        }
    }

    /// The training conditions of the model that will run (`loads` tracks the user's).
    pub fn conditions(
        self,
        cnn: SharedCnn,
        loads: ReadSignal<u32>,
    ) -> Signal<Option<ConditionRanges>> {
        let observed = StoredValue::new(training_conditions(Bundled::Observed));
        Signal::derive(move || match self.chosen.get() {
            Some(Bundled::Ideal) => training_conditions(Bundled::Ideal),
            Some(Bundled::Observed) => observed.get_value(),
            None => {
                loads.track();
                cnn.loaded()
                    .ok()
                    .and_then(|e| e.lead().manifest.training.conditions)
            }
        })
    }

    /// The user's bundles (`Some`) or the bundled ideal ensemble again (`None`) were loaded.
    pub fn set_loaded(self, bundled: Option<Bundled>) {
        self.loaded.set_value(bundled);
        self.value
            .set(if bundled.is_some() { AUTO } else { YOURS }.to_string());
    }

    /// Loads the chosen bundled model into the shared CNN if another is loaded; `Ok(Some(label))`
    /// when it did, for the card's "models:" line.
    pub fn ensure_loaded(self, cnn: SharedCnn) -> Result<Option<&'static str>, String> {
        let Some(want) = self.chosen.get_untracked() else {
            return Ok(None);
        };
        if self.loaded.get_value() == Some(want) {
            return Ok(None);
        }
        let e = want.load()?;
        cnn.replace(e, &want.worker_files())?;
        self.loaded.set_value(Some(want));
        Ok(Some(want.label()))
    }

    /// The select, and a line saying which model Predict will run.
    pub fn view(self) -> impl IntoView {
        let value = self.value;
        let chosen = self.chosen;
        view! {
            <label><span>"models"</span>
                <select data-testid="model-choice" prop:value=move || value.get()
                    on:change=move |ev| value.set(event_target_value(&ev))>
                    <option value=AUTO>"automatic: the observed-conditions CNN when you state seeing, noise, a footprint or binning below; else the ideal ensemble"</option>
                    <option value=IDEAL>"ideal maps: the ensemble of 3 CNNs (±3 R_hsm, the paper's setting)"</option>
                    <option value=OBSERVED>"observed maps: the MaNGA-like CNN (±3 R_e, beyond the paper)"</option>
                    <option value=YOURS disabled=move || value.get() != YOURS>"your bundles"</option>
                </select></label>
            <p class="meta" data-testid="model-chosen" aria-live="polite">
                {move || match chosen.get() {
                    Some(b) => format!("Predict runs {}; it reads the maps as covering ±3 {}{}", b.label(),
                        b.scale().symbol(),
                        if b == Bundled::Observed { " (give R_e in arcsec and the redshift or distance below)" } else { " (give R_hsm)" }),
                    None => "Predict runs your bundles".to_string(),
                }}
            </p>
        }
    }
}
