//! The bundled GBDT (`www/models/gbdt.bundle`, compiled into the page), read once and shared
//! by the cards that use it (predict from numbers, the Classroom, the model card), and its
//! prediction from features given by name — the code path of `galmass predict --features`.

use std::rc::Rc;

use galmass_core::bundle::{Bundle, gbdt_predict_one_with};
use galmass_core::gbdt::GbdtModel;
use leptos::prelude::*;

use super::Shown;
use crate::assets::GBDT_BUNDLE;

/// Runs the GBDT bundle on features given by name: (target, log10, the bundle's test σ in
/// dex) in the manifest's target order.
pub fn predict_features(b: &Gbdt, given: &[(String, f64)]) -> Result<Vec<Shown>, String> {
    let p = gbdt_predict_one_with(b, &b.models, given).map_err(|e| e.to_string())?;
    let m = &b.manifest;
    Ok(m.targets
        .iter()
        .zip(p)
        .map(|(t, log10)| {
            let sigma = m
                .metrics
                .iter()
                .find(|k| k.target == t.name)
                .map_or(f64::NAN, |k| k.sigma_dex);
            (t.name.clone(), log10, sigma)
        })
        .collect())
}

/// A GBDT bundle with its trees read: reading them takes tens of milliseconds on the page's
/// main thread, so once, not per prediction (the Classroom predicts on every slider move).
/// Derefs to the bundle (manifest, metrics).
pub struct Gbdt {
    bundle: Bundle,
    models: Vec<GbdtModel>,
}

impl Gbdt {
    /// The bundle and its trees, or why the trees cannot be read.
    pub fn new(bundle: Bundle) -> Result<Self, String> {
        let models = bundle.gbdt_models().map_err(|e| e.to_string())?;
        Ok(Self { bundle, models })
    }
}

impl std::ops::Deref for Gbdt {
    type Target = Bundle;
    fn deref(&self) -> &Bundle {
        &self.bundle
    }
}

/// The bundled GBDT, or why it cannot be loaded: read once by [`provide_gbdt`] at the root and
/// shared by the cards that use it (this one, the Classroom, the model card).
pub type SharedGbdt = StoredValue<Rc<Result<Gbdt, String>>, LocalStorage>;

/// Reads the bundled GBDT once and provides it to every card below the caller.
pub fn provide_gbdt() {
    provide_context(new_shared_gbdt());
}

/// The GBDT provided by [`provide_gbdt`] (read here if no ancestor provided it).
pub fn shared_gbdt() -> SharedGbdt {
    use_context::<SharedGbdt>().unwrap_or_else(new_shared_gbdt)
}

fn new_shared_gbdt() -> SharedGbdt {
    StoredValue::new_local(Rc::new(
        Bundle::from_bytes(GBDT_BUNDLE)
            .map_err(|e| e.to_string())
            .and_then(Gbdt::new)
            .map_err(|e| format!("the bundled GBDT cannot be loaded: {e}")),
    ))
}
