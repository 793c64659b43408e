//! The bundled GBDT (`www/models/gbdt.bundle`, compiled into the page), read once and shared
//! by the cards that use it (predict from numbers, the Classroom, the model card), and its
//! prediction from features given by name — the code path of `galmass predict --features`.

use std::cell::RefCell;
use std::rc::Rc;

use galmass_core::bundle::{Bundle, gbdt_predict_one_with};
use galmass_core::gbdt::GbdtModel;
use leptos::prelude::*;

use super::Shown;
use crate::assets::GBDT_BUNDLE;

/// Runs the GBDT bundle on features given by name: (target, log10, the bundle's test σ in
/// dex) in the manifest's target order.
pub fn predict_features(b: &Bundle, given: &[(String, f64)]) -> Result<Vec<Shown>, String> {
    let models = models_of(b)?;
    let p = gbdt_predict_one_with(b, &models, given).map_err(|e| e.to_string())?;
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

/// The bundled GBDT, or why it cannot be loaded: read once by [`provide_gbdt`] at the root and
/// shared by the cards that use it (this one, the Classroom, the model card).
pub type SharedGbdt = StoredValue<Rc<Result<Bundle, String>>, LocalStorage>;

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
            .map_err(|e| format!("the bundled GBDT cannot be loaded: {e}")),
    ))
}

thread_local! {
    /// The trees of the last bundle predicted with, by the bundle's manifest: reading them
    /// takes tens of milliseconds on the page's main thread, so once per bundle, not per
    /// prediction (the Classroom predicts on every slider move).
    static MODELS: RefCell<Option<(String, Rc<Vec<GbdtModel>>)>> = const { RefCell::new(None) };
}

/// The bundle's models, read once.
fn models_of(b: &Bundle) -> Result<Rc<Vec<GbdtModel>>, String> {
    let key = serde_json::to_string(&b.manifest).map_err(|e| e.to_string())?;
    if let Some(m) = MODELS.with(|c| {
        c.borrow()
            .as_ref()
            .filter(|(k, _)| *k == key)
            .map(|(_, m)| m.clone())
    }) {
        return Ok(m);
    }
    let models = Rc::new(b.gbdt_models().map_err(|e| e.to_string())?);
    MODELS.with(|c| *c.borrow_mut() = Some((key, models.clone())));
    Ok(models)
}
