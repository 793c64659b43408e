//! CNN bundles: the payload is the network's Burn record (a burnpack, tensors named by their
//! module paths, batch-norm running statistics included) with every f32 tensor stored as f16
//! ([`super::weights`]: relative rounding ≤ 2⁻¹¹) or kept f32. Loading builds the network the
//! manifest describes and applies the record cast back to f32, on any device.

use burn::module::Module;
use burn::store::ModuleRecord;
use burn::tensor::{Bytes, Device};
use burn_pack::{DType, Reader, Writer};

use super::weights::encode_f16;
use super::{Bundle, BundleError, Manifest, ModelKind, PayloadEncoding};
use crate::cnn::MultiBranchResNet;

fn pack_err(e: impl std::fmt::Display) -> BundleError {
    BundleError::Payload(format!("CNN weights: {e}"))
}

/// The record of `model` as burnpack bytes, f32 tensors converted to f16 when `f16`.
fn encode(model: MultiBranchResNet, f16: bool) -> Result<Vec<u8>, BundleError> {
    let bytes = model.into_record().into_bytes().map_err(pack_err)?;
    if !f16 {
        return Ok(bytes.to_vec());
    }
    let tensors = Reader::from_bytes(bytes)
        .and_then(Reader::into_tensors)
        .map_err(pack_err)?;
    let mut out = Vec::with_capacity(tensors.len());
    for t in tensors {
        let (name, dtype, shape, id, data) = t.into_parts().map_err(pack_err)?;
        let t = if dtype == DType::F32 {
            let v: Vec<f32> = data
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect();
            let h = encode_f16(&v).map_err(|e| pack_err(format!("{name}: {e}")))?;
            burn_pack::Tensor::new(name, DType::F16, shape, id, Bytes::from_bytes_vec(h))
        } else {
            burn_pack::Tensor::new(name, dtype, shape, id, data)
        };
        out.push(t);
    }
    Ok(Writer::new(out).into_bytes().map_err(pack_err)?.to_vec())
}

impl Bundle {
    /// A CNN bundle of `model`, described by `manifest` (kind cnn, its `network` the model's
    /// configuration, payload encoding f16 or f32).
    pub fn from_cnn(manifest: Manifest, model: MultiBranchResNet) -> Result<Bundle, BundleError> {
        manifest.validate()?;
        if manifest.kind != ModelKind::Cnn {
            return Err(BundleError::Kind {
                expected: "cnn",
                found: manifest.kind.name(),
            });
        }
        let f16 = match manifest.payload_encoding {
            PayloadEncoding::F16 => true,
            PayloadEncoding::F32 => false,
            PayloadEncoding::Json => {
                return Err(BundleError::Invalid(
                    "a CNN payload holds weights, not JSON".into(),
                ));
            }
        };
        let payload = encode(model, f16)?;
        Ok(Bundle { manifest, payload })
    }

    /// The network of a CNN bundle on `device`, in eval mode: built as the manifest says,
    /// weights from the payload (f16 cast to f32). A record that does not fit the network
    /// (names, shapes) is an error.
    pub fn cnn_model(&self, device: &Device) -> Result<MultiBranchResNet, BundleError> {
        if self.manifest.kind != ModelKind::Cnn {
            return Err(BundleError::Kind {
                expected: "cnn",
                found: self.manifest.kind.name(),
            });
        }
        let config = self
            .manifest
            .network
            .as_ref()
            .ok_or_else(|| BundleError::Invalid("a CNN bundle without its network".into()))?;
        let net = MultiBranchResNet::new(config, 0, device)
            .map_err(|e| BundleError::Invalid(format!("network: {e}")))?;
        let record = ModuleRecord::from_bytes(Bytes::from_bytes_vec(self.payload.clone()))
            .map_err(pack_err)?
            .cast_to_module_dtype();
        let net = net.try_load_record(record).map_err(pack_err)?;
        Ok(net.valid())
    }
}
