//! The app's storage area (ABI 1.5, docs/host-abi.md "Storage"): the one place a bundle's data
//! outlives it. The bundle writes the whole area with `WriteStorage`; the host keeps it in a
//! file of its own choosing (`--storage FILE`; with `--manifest`, `CACHE/storage/app.json`)
//! and hands it to every instance in its first frame. The bundle never names a path.

use std::path::PathBuf;

use touchline_abi::MAX_STORAGE_BYTES;

use crate::delivery::cache::write_atomic;

/// The area as the host holds it.
#[derive(Debug, Default)]
pub struct AppStorage {
    /// Where it is kept between runs; `None`: only for this run (restarts included).
    path: Option<PathBuf>,
    /// The bytes the bundle wrote last (or the file held).
    data: Option<Vec<u8>>,
    /// Writes the bundle made.
    pub writes: u64,
}

impl AppStorage {
    /// The area kept at `path`: a missing file is an empty area; one that cannot be read or is
    /// larger than [`MAX_STORAGE_BYTES`] is left alone (a `warning:` line) and the run starts
    /// with an empty area, which its next write replaces.
    pub fn open(path: Option<PathBuf>) -> Self {
        let data = path.as_ref().and_then(|path| match std::fs::read(path) {
            Ok(bytes) if bytes.len() <= MAX_STORAGE_BYTES as usize => Some(bytes),
            Ok(bytes) => {
                eprintln!(
                    "warning: the storage area {} is {} bytes, more than {MAX_STORAGE_BYTES}; starting empty",
                    path.display(),
                    bytes.len()
                );
                None
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                eprintln!("warning: cannot read the storage area {}: {e}; starting empty", path.display());
                None
            }
        });
        Self { path, data, writes: 0 }
    }

    /// What to hand a starting instance.
    pub fn data(&self) -> Option<&[u8]> {
        self.data.as_deref()
    }

    /// Keeps what the bundle wrote (the reader bounded it), on disk when there is a file. A
    /// write that fails is a `warning:` line; the area is still kept for this run.
    pub fn write(&mut self, bytes: &[u8]) {
        self.writes += 1;
        self.data = Some(bytes.to_vec());
        if let Some(path) = &self.path {
            let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
            let written = dir.map_or(Ok(()), std::fs::create_dir_all).map_err(|e| e.to_string());
            if let Err(e) = written.and_then(|()| write_atomic(path, bytes).map_err(|e| e.to_string())) {
                eprintln!("warning: cannot keep the storage area: {e}");
            }
        }
    }
}
