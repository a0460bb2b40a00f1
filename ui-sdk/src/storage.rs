//! The app's storage area (ABI 1.5): small strings by key that outlive the app, like a
//! browser's `localStorage`.
//!
//! The bundle never touches a file. The host keeps the whole area (at most
//! [`touchline_abi::MAX_STORAGE_BYTES`] of JSON) in its per-app storage and hands it to every
//! instance in its first frame; [`set`] and [`remove`] change the copy here, and at the end of
//! a frame that changed it the app writes the whole area back with one `WriteStorage` request.
//!
//! Reads are reactive: the area arrives in the first frame, after the first page was built,
//! so a component that reads it in an effect or a memo sees the stored value when it comes.
//!
//! ```ignore
//! let last = memo(|| storage::get("last_profile"));
//! storage::set("last_profile", "2");
//! ```

use std::collections::BTreeMap;

use crate::context;
use crate::reactive::{Signal, signal};

/// The storage area: its entries, whether they changed since the last write, and a revision
/// readers track.
#[derive(Default)]
pub(crate) struct Storage {
    entries: BTreeMap<String, String>,
    dirty: bool,
    revision: Option<Signal<u64>>,
}

impl Storage {
    /// Creates the revision signal (in the app's runtime).
    pub(crate) fn start(&mut self) {
        self.revision = Some(signal(0));
    }

    /// Takes the area the host kept: a JSON object of strings. Anything else is refused with
    /// the reason (the area stays as it was).
    pub(crate) fn load(&mut self, bytes: &[u8]) -> Result<(), String> {
        let entries: BTreeMap<String, String> = serde_json::from_slice(bytes)
            .map_err(|e| format!("storage: the kept area is not a JSON object of strings: {e}"))?;
        self.entries = entries;
        self.dirty = false;
        Ok(())
    }

    /// The whole area as JSON, when it changed since the last call.
    pub(crate) fn take_changes(&mut self) -> Option<String> {
        if !std::mem::take(&mut self.dirty) {
            return None;
        }
        serde_json::to_string(&self.entries).ok()
    }
}

/// Tells readers the area changed (with no borrow held: their effects may read it again).
pub(crate) fn changed() {
    let revision = context::with(|cx| cx.storage.borrow().revision).flatten();
    if let Some(revision) = revision.filter(|r| !r.is_disposed()) {
        revision.update(|r| *r += 1);
    }
}

/// The stored value of `key`, tracked: an effect or memo that reads it reruns when the area
/// arrives or the key changes. `None` when nothing is stored (or no app runs).
pub fn get(key: &str) -> Option<String> {
    let revision = context::with(|cx| cx.storage.borrow().revision).flatten();
    if let Some(revision) = revision.filter(|r| !r.is_disposed()) {
        revision.get();
    }
    context::with(|cx| cx.storage.borrow().entries.get(key).cloned()).flatten()
}

/// Stores `value` under `key`; written to the host at the end of the frame. A value that
/// would make the area larger than the host keeps is refused (`false`) and nothing changes.
pub fn set(key: &str, value: impl Into<String>) -> bool {
    let value = value.into();
    let changed = context::with(|cx| {
        let mut storage = cx.storage.borrow_mut();
        if storage.entries.get(key) == Some(&value) {
            return Some(false);
        }
        let old = storage.entries.insert(key.to_owned(), value);
        let fits = serde_json::to_string(&storage.entries)
            .is_ok_and(|json| json.len() <= touchline_abi::MAX_STORAGE_BYTES as usize);
        if !fits {
            match old {
                Some(old) => storage.entries.insert(key.to_owned(), old),
                None => storage.entries.remove(key),
            };
            return None;
        }
        storage.dirty = true;
        Some(true)
    })
    .flatten();
    if changed == Some(true) {
        self::changed();
    }
    changed.is_some()
}

/// Removes `key`; written to the host at the end of the frame.
pub fn remove(key: &str) {
    let removed = context::with(|cx| {
        let mut storage = cx.storage.borrow_mut();
        let removed = storage.entries.remove(key).is_some();
        storage.dirty |= removed;
        removed
    });
    if removed == Some(true) {
        changed();
    }
}
