//! Bad input as distinct from internal failure: the CLI exits with status 2 for bad input
//! (a file, field, option or value the user supplied is unusable) and 1 otherwise.

use thiserror::Error;

use crate::tng::TngError;

/// A user-supplied file, option or value is unusable; the message names it.
#[derive(Debug, Error)]
#[error("{0}")]
pub struct BadInput(pub String);

/// Process exit status for an error chain: 2 when any cause is bad input ([`BadInput`] or a
/// [`TngError`] from reading a cutout or catalogue), [`crate::stop::STOPPED_EXIT`] (75) when
/// a signal stopped the run after it saved its state ([`crate::stop::Stopped`]), else 1.
pub fn exit_status(err: &anyhow::Error) -> u8 {
    if err
        .chain()
        .any(|e| e.downcast_ref::<crate::stop::Stopped>().is_some())
    {
        return crate::stop::STOPPED_EXIT;
    }
    let bad = err
        .chain()
        .any(|e| e.downcast_ref::<BadInput>().is_some() || e.downcast_ref::<TngError>().is_some());
    if bad { 2 } else { 1 }
}
