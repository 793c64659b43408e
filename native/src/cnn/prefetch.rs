//! A reading thread that streams mini-batches from the HDF5 file ahead of the training
//! loop: it reads (and normalises) the next batches while the network works on the current
//! one, holding at most [`DEPTH`] finished batches in memory.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, sync_channel};
use std::thread::JoinHandle;

use anyhow::{Result, anyhow};

use super::data::{Batch, CnnData};

/// Batches read ahead of the one in use.
pub const DEPTH: usize = 2;

/// Batches in the order given, read on a background thread.
pub struct Prefetcher {
    rx: Option<Receiver<Result<Batch>>>,
    handle: Option<JoinHandle<()>>,
}

impl Prefetcher {
    /// Starts reading `batches` (lists of sample indices) from `data`'s file; `ops`, when
    /// given, holds per batch the dihedral transform of each sample (augmentation, see
    /// [`super::data::dihedral`]).
    pub fn start(data: Arc<CnnData>, batches: Vec<Vec<usize>>, ops: Option<Vec<Vec<u8>>>) -> Self {
        let (tx, rx) = sync_channel::<Result<Batch>>(DEPTH);
        let handle = std::thread::spawn(move || {
            let file = match data.open_file() {
                Ok(f) => f,
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            };
            for (k, idx) in batches.iter().enumerate() {
                let op = ops.as_ref().and_then(|o| o.get(k)).map(Vec::as_slice);
                let b = data.read_batch(&file, idx, op);
                let failed = b.is_err();
                // A closed channel means the consumer stopped: stop reading.
                if tx.send(b).is_err() || failed {
                    return;
                }
            }
        });
        Prefetcher {
            rx: Some(rx),
            handle: Some(handle),
        }
    }

    /// The next batch; `None` after the last one.
    pub fn next_batch(&mut self) -> Option<Result<Batch>> {
        let rx = self.rx.as_ref()?;
        match rx.recv() {
            Ok(b) => Some(b),
            Err(_) => {
                // Sender gone: either all batches were delivered, or the thread died.
                self.rx = None;
                let panicked = self.handle.take().map(|h| h.join().is_err());
                if panicked == Some(true) {
                    Some(Err(anyhow!("the batch-reading thread panicked")))
                } else {
                    None
                }
            }
        }
    }
}

impl Drop for Prefetcher {
    fn drop(&mut self) {
        // Close the channel first so a blocked sender wakes up and the thread ends.
        self.rx = None;
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}
