//! Images: the engine asks the host to load them by URL, draws a placeholder until the host
//! reports a size, and keeps the host's decoded-image memory under a budget by unloading the
//! least recently shown images that are off screen (and loading them again when they return).

use std::collections::HashMap;

use bevy_ecs::prelude::*;
use touchline_abi::{Event, EventKind, ImageError, RequestWriter};

/// Where an image is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageState {
    /// Asked for; no answer yet.
    Loading,
    /// Decoded by the host at this size.
    Loaded {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// The host could not load it.
    Failed(ImageError),
    /// Freed to stay under the budget; asked for again when shown.
    Unloaded,
}

/// One image the engine knows about.
#[derive(Clone, Debug)]
struct ImageEntry {
    url: String,
    state: ImageState,
    /// Bumped on every state change, so painted nodes can tell their commands are stale.
    generation: u32,
    /// Frame number when it was last drawn.
    last_used: u64,
}

/// Figures about images.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImageStats {
    /// Images known (any state).
    pub known: u32,
    /// Images the host holds decoded.
    pub loaded: u32,
    /// Bytes the host holds for them (4 per pixel).
    pub loaded_bytes: u64,
    /// Load requests sent, reloads included.
    pub loads_requested: u64,
    /// Unload requests sent.
    pub unloads_requested: u64,
}

/// The default budget for decoded images on the host: 64 MiB.
pub const DEFAULT_IMAGE_BUDGET_BYTES: u64 = 64 * 1024 * 1024;

/// Every image by handle (handle = index + 1; 0 is never a handle).
#[derive(Resource, Debug)]
pub struct Images {
    entries: Vec<ImageEntry>,
    by_url: HashMap<String, u32>,
    budget_bytes: u64,
    loaded_bytes: u64,
    frame: u64,
    requests: RequestWriter,
    /// The requests were made ahead of the host's first frame: the next frame hands them over.
    keep_requests: bool,
    stats: ImageStats,
}

impl Default for Images {
    fn default() -> Self {
        Self::with_budget(DEFAULT_IMAGE_BUDGET_BYTES)
    }
}

impl Images {
    /// An image registry keeping host memory under `budget_bytes`.
    pub fn with_budget(budget_bytes: u64) -> Self {
        Self {
            entries: Vec::new(),
            by_url: HashMap::new(),
            budget_bytes,
            loaded_bytes: 0,
            frame: 0,
            requests: RequestWriter::default(),
            keep_requests: false,
            stats: ImageStats::default(),
        }
    }

    /// Changes the budget; applied at the end of the next frame.
    pub fn set_budget(&mut self, budget_bytes: u64) {
        self.budget_bytes = budget_bytes;
    }

    /// The handle for a URL, registering it (not yet requested) the first time.
    pub fn handle(&mut self, url: &str) -> u32 {
        if let Some(&handle) = self.by_url.get(url) {
            return handle;
        }
        self.entries.push(ImageEntry {
            url: url.to_owned(),
            state: ImageState::Unloaded,
            generation: 0,
            last_used: 0,
        });
        let handle = self.entries.len() as u32;
        self.by_url.insert(url.to_owned(), handle);
        handle
    }

    /// The handle of a URL already registered.
    pub fn known_handle(&self, url: &str) -> Option<u32> {
        self.by_url.get(url).copied()
    }

    fn entry(&self, handle: u32) -> Option<&ImageEntry> {
        self.entries.get((handle as usize).checked_sub(1)?)
    }

    fn entry_mut(&mut self, handle: u32) -> Option<&mut ImageEntry> {
        self.entries.get_mut((handle as usize).checked_sub(1)?)
    }

    /// The state of an image.
    pub fn state(&self, handle: u32) -> Option<ImageState> {
        self.entry(handle).map(|e| e.state)
    }

    /// The state's generation (bumped on every change).
    pub fn generation(&self, handle: u32) -> u32 {
        self.entry(handle).map_or(0, |e| e.generation)
    }

    /// The URL of a handle.
    pub fn url(&self, handle: u32) -> Option<&str> {
        self.entry(handle).map(|e| e.url.as_str())
    }

    /// Marks an image as shown this frame; asks the host for it when it is not held.
    pub fn touch(&mut self, handle: u32) {
        let frame = self.frame;
        let Some(entry) = self.entries.get_mut((handle as usize).wrapping_sub(1)) else { return };
        entry.last_used = frame;
        if entry.state == ImageState::Unloaded {
            entry.state = ImageState::Loading;
            entry.generation += 1;
            self.requests.load_image(handle, &entry.url);
            self.stats.loads_requested += 1;
        }
    }

    /// Starts a frame: the last frame's requests were handed over.
    pub fn begin_frame(&mut self) {
        self.frame += 1;
        if !std::mem::take(&mut self.keep_requests) {
            self.requests.clear();
        }
    }

    /// Keeps this frame's requests for the next one to hand over (the frame was prepared
    /// ahead, and the host never saw it).
    pub fn keep_requests(&mut self) {
        self.keep_requests = true;
    }

    /// Applies the host's answers; returns the handles whose state changed.
    pub fn apply_events(&mut self, events: &[Event]) -> Vec<u32> {
        let mut changed = Vec::new();
        for event in events {
            let (state, handle) = match EventKind::from_u32(event.kind) {
                Some(EventKind::ImageLoaded) if event.b > 0 && event.c > 0 => {
                    (ImageState::Loaded { width: event.b as u32, height: event.c as u32 }, event.a)
                }
                Some(EventKind::ImageLoaded) => (ImageState::Failed(ImageError::Decode), event.a),
                Some(EventKind::ImageFailed) => {
                    (ImageState::Failed(ImageError::from_u32(event.b as u32)), event.a)
                }
                _ => continue,
            };
            let Some(entry) = self.entry_mut(handle) else { continue };
            // An answer to a request we since withdrew (unloaded) is dropped; the host is
            // told to free it.
            if entry.state != ImageState::Loading {
                if matches!(state, ImageState::Loaded { .. }) && entry.state == ImageState::Unloaded {
                    self.requests.unload_image(handle);
                    self.stats.unloads_requested += 1;
                }
                continue;
            }
            entry.state = state;
            entry.generation += 1;
            if let ImageState::Loaded { width, height } = state {
                self.loaded_bytes += u64::from(width) * u64::from(height) * 4;
            }
            changed.push(handle);
        }
        changed
    }

    /// Ends a frame: unloads least recently shown images not shown this frame until the
    /// host's image memory is within budget. Returns the handles unloaded.
    pub fn enforce_budget(&mut self) -> Vec<u32> {
        let mut unloaded = Vec::new();
        if self.loaded_bytes <= self.budget_bytes {
            return unloaded;
        }
        let mut candidates: Vec<(u64, u32)> = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| matches!(e.state, ImageState::Loaded { .. }) && e.last_used < self.frame)
            .map(|(i, e)| (e.last_used, i as u32 + 1))
            .collect();
        candidates.sort_unstable();
        for (_, handle) in candidates {
            if self.loaded_bytes <= self.budget_bytes {
                break;
            }
            let Some(entry) = self.entry_mut(handle) else { continue };
            if let ImageState::Loaded { width, height } = entry.state {
                entry.state = ImageState::Unloaded;
                entry.generation += 1;
                self.loaded_bytes -= u64::from(width) * u64::from(height) * 4;
                self.requests.unload_image(handle);
                self.stats.unloads_requested += 1;
                unloaded.push(handle);
            }
        }
        unloaded
    }

    /// The requests of the last frame, encoded for the host.
    pub fn requests(&self) -> &RequestWriter {
        &self.requests
    }

    /// The frame's request writer, for requests other than images (announcements).
    pub(crate) fn requests_mut(&mut self) -> &mut RequestWriter {
        &mut self.requests
    }

    /// Figures.
    pub fn stats(&self) -> ImageStats {
        ImageStats {
            known: self.entries.len() as u32,
            loaded: self.entries.iter().filter(|e| matches!(e.state, ImageState::Loaded { .. })).count()
                as u32,
            loaded_bytes: self.loaded_bytes,
            ..self.stats
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use touchline_abi::{Request, read_requests};

    fn requests(images: &Images) -> Vec<Request<'_>> {
        read_requests(images.requests().bytes()).collect::<Result<_, _>>().expect("valid requests")
    }

    #[test]
    fn loads_on_first_show_and_tracks_state() {
        let mut images = Images::default();
        images.begin_frame();
        let h = images.handle("images/a.png");
        assert_eq!(images.handle("images/a.png"), h, "one handle per URL");
        images.touch(h);
        images.touch(h);
        assert_eq!(requests(&images), [Request::LoadImage { handle: h, url: "images/a.png" }]);
        assert_eq!(images.state(h), Some(ImageState::Loading));
        images.begin_frame();
        assert!(requests(&images).is_empty());
        let changed = images.apply_events(&[Event::image_loaded(h, 40, 30)]);
        assert_eq!(changed, [h]);
        assert_eq!(images.state(h), Some(ImageState::Loaded { width: 40, height: 30 }));
        assert_eq!(images.stats().loaded_bytes, 40 * 30 * 4);
    }

    #[test]
    fn failures_and_bogus_answers_do_not_break_state() {
        let mut images = Images::default();
        images.begin_frame();
        let h = images.handle("missing.png");
        images.touch(h);
        images.apply_events(&[Event::image_failed(h, ImageError::NotFound), Event::image_loaded(999, 1, 1)]);
        assert_eq!(images.state(h), Some(ImageState::Failed(ImageError::NotFound)));
        // A late "loaded" for a failed image is ignored.
        assert!(images.apply_events(&[Event::image_loaded(h, 5, 5)]).is_empty());
        assert_eq!(images.stats().loaded_bytes, 0);
    }

    #[test]
    fn unloads_least_recently_shown_offscreen_images_over_budget_and_reloads_them() {
        // Room for two 10×10 images.
        let mut images = Images::with_budget(2 * 400);
        let handles: Vec<u32> = (0..3).map(|i| images.handle(&format!("{i}.png"))).collect();
        for (frame, &h) in handles.iter().enumerate() {
            images.begin_frame();
            images.touch(h);
            images.begin_frame();
            images.apply_events(&[Event::image_loaded(h, 10, 10)]);
            images.touch(h);
            let unloaded = images.enforce_budget();
            if frame < 2 {
                assert!(unloaded.is_empty());
            } else {
                assert_eq!(unloaded, [handles[0]], "the least recently shown goes");
            }
        }
        assert_eq!(images.state(handles[0]), Some(ImageState::Unloaded));
        assert!(requests(&images).contains(&Request::UnloadImage { handle: handles[0] }));
        assert_eq!(images.stats().loaded_bytes, 800);
        // Shown again: asked for again.
        images.begin_frame();
        images.touch(handles[0]);
        assert_eq!(requests(&images), [Request::LoadImage { handle: handles[0], url: "0.png" }]);
    }

    #[test]
    fn never_unloads_what_is_on_screen() {
        let mut images = Images::with_budget(100);
        images.begin_frame();
        let h = images.handle("big.png");
        images.touch(h);
        images.begin_frame();
        images.apply_events(&[Event::image_loaded(h, 100, 100)]);
        images.touch(h);
        assert!(images.enforce_budget().is_empty(), "over budget, but shown this frame");
    }
}
