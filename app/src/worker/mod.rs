//! The page's Web Worker: the same wasm as the page, started by `www/worker.js` without a
//! page, does the heavy CPU work off the main thread so that typing and sliders never wait —
//! Classroom galaxy builds (galmass-core's `classroom::build`) and runs of the CNN on Burn flex
//! (predictions, and the hundreds of runs of a saliency map). This module is the protocol and
//! [`client`] the page's side; `crate::serve` is the worker's (above `models`, which uses the
//! client). When the browser cannot start the worker, the page does the same
//! work itself (same functions), slower to answer but with the same numbers.
//!
//! A message is a JS object `{kind, ticket, json, data, files}`: `kind` names the request or
//! reply, `ticket` pairs a reply with its request, `json` carries small structures (serde),
//! `data` a `Float32Array` of map values, `files` bundle bytes (`Uint8Array`s).

pub mod client;

use galmass_core::bundle::cnn_input::PreparedInputs;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

/// Request: build a Classroom galaxy (`json` = [`BuildRequest`]); reply `built` (`json` = the
/// `ClassroomGalaxy`).
pub const BUILD: &str = "build";
/// Request: replace the worker's CNN ensemble by the bundles in `files` (named by `json`, a
/// list of names; none = the bundled ensemble); reply `loaded`.
pub const LOAD: &str = "load";
/// Request: run every member on a batch (`json` = [`BatchShape`], `data` = the values);
/// reply `out` (`json` = per member, per galaxy, log10 per target).
pub const FORWARD: &str = "forward";
/// Reply to a request that failed (`json` = the message).
pub const ERROR: &str = "error";
/// Sent once by the worker when it can take requests.
pub const READY: &str = "ready";

/// What a `build` request carries.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BuildRequest {
    /// The Classroom's sliders.
    pub controls: galmass_core::classroom::Controls,
    /// Light-map side the CNN reads.
    pub side: usize,
}

/// The shape of a `forward` batch: per galaxy its branches' (C, S) and side-input length.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BatchShape {
    /// Galaxies in the batch.
    pub n: usize,
    /// Per branch (channels, side).
    pub branches: Vec<[usize; 2]>,
    /// Length of the side input.
    pub side: usize,
}

/// A batch of prepared galaxies as (shape, concatenated values): per galaxy its branches'
/// values in order, then its side input.
pub fn pack(batch: &[PreparedInputs]) -> (BatchShape, Vec<f32>) {
    let shape = BatchShape {
        n: batch.len(),
        branches: batch
            .first()
            .map(|p| p.branches.iter().map(|b| b.1).collect())
            .unwrap_or_default(),
        side: batch.first().map_or(0, |p| p.side.len()),
    };
    let values = batch
        .iter()
        .flat_map(|p| {
            p.branches
                .iter()
                .flat_map(|b| b.0.iter().copied())
                .chain(p.side.iter().copied())
        })
        .collect();
    (shape, values)
}

/// The batch [`pack`] made, or why the values do not fit the shape.
pub fn unpack(shape: &BatchShape, values: &[f32]) -> Result<Vec<PreparedInputs>, String> {
    let sizes: Vec<usize> = shape.branches.iter().map(|[c, s]| c * s * s).collect();
    let per = sizes.iter().sum::<usize>() + shape.side;
    if values.len() != per * shape.n {
        return Err(format!(
            "a batch of {} galaxies needs {} values, got {}",
            shape.n,
            per * shape.n,
            values.len()
        ));
    }
    Ok(values
        .chunks(per.max(1))
        .take(shape.n)
        .map(|g| {
            let mut at = 0;
            let branches = sizes
                .iter()
                .zip(&shape.branches)
                .map(|(&len, &cs)| {
                    let v = g[at..at + len].to_vec();
                    at += len;
                    (v, cs)
                })
                .collect();
            PreparedInputs {
                branches,
                side: g[at..].to_vec(),
            }
        })
        .collect())
}

/// A message object.
pub(crate) fn message(kind: &str, ticket: u32, json: &str) -> js_sys::Object {
    let m = js_sys::Object::new();
    set(&m, "kind", &kind.into());
    set(&m, "ticket", &ticket.into());
    set(&m, "json", &json.into());
    m
}

fn set(m: &js_sys::Object, key: &str, v: &JsValue) {
    let _ = js_sys::Reflect::set(m, &key.into(), v);
}

pub(crate) fn get(m: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(m, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A packed batch unpacks to the same galaxies; a batch whose values do not fit its shape
    /// is refused with the counts.
    #[test]
    fn pack_round_trip() {
        let g = |x: f32| PreparedInputs {
            branches: vec![(vec![x; 2 * 3 * 3], [2, 3]), (vec![x + 1.0; 2 * 2], [1, 2])],
            side: vec![x, -x],
        };
        let batch = vec![g(1.0), g(2.0), g(3.0)];
        let (shape, values) = pack(&batch);
        assert_eq!(unpack(&shape, &values).unwrap(), batch);
        let err = unpack(&shape, &values[1..]).unwrap_err();
        assert!(err.contains("3 galaxies needs 72 values, got 71"), "{err}");
    }
}
