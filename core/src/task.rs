//! What every long task shares (an import, an export, a share, a receive): cancelling it from
//! another thread, and a listener that ignores its progress.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Cancels a long task (import, export, share, receive) from another thread.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst)
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// A listener that ignores everything (each task's listener trait is implemented for it).
pub struct Silent;
