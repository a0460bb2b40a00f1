//! Video (ABI 1.6, `docs/host-abi.md` "Video"): the open video, its clock and its events, and
//! a GStreamer decoder that hands out the picture at a position.
//!
//! The position is the host's frame clock, not GStreamer's: while playing it advances by the
//! time between frames times the rate, and the decoder is asked for the picture at that
//! position (pulled from an `appsink` that does not sync to a clock). So a scripted headless
//! run decodes the same pictures every time, and a window run plays in real time.

use std::path::Path;
use std::time::Duration;

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;
use gstreamer_video::prelude::*;
use tiny_skia::Pixmap;
use touchline_abi::{Event, FetchError, VideoError, VideoOp, VideoState};

use crate::fetch::{self, Target};
use crate::images::AssetRoot;

/// How long opening (prerolling) a video may take before it is `Network` (a stalled stream).
const OPEN_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one decoded picture may take to arrive.
const PULL_TIMEOUT: Duration = Duration::from_secs(5);
/// A position further ahead than this is reached by seeking, not by decoding every picture
/// on the way.
const STEP_AHEAD_MS: u64 = 1000;

/// Why a video could not be opened or decoded, with the message for the log.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct VideoFailure {
    /// The ABI's code.
    pub error: VideoError,
    /// What went wrong, for the log.
    pub message: String,
}

impl VideoFailure {
    fn new(error: VideoError, message: impl Into<String>) -> Self {
        Self { error, message: message.into() }
    }
}

/// A decoded picture and where it sits in the video.
struct Picture {
    pts_ms: u64,
    pixmap: Pixmap,
}

/// A video file or stream decoded on demand: [`Decoder::picture_at`] pulls pictures from the
/// pipeline until the one showing at the position, seeking when it is behind or far ahead.
pub struct Decoder {
    pipeline: gst::Pipeline,
    sink: gst_app::AppSink,
    duration_ms: u64,
    current: Option<Picture>,
    /// Pulled but after the position asked for: the next to show.
    next: Option<Picture>,
    /// The stream has no more pictures after `next` / `current`.
    at_end: bool,
    decoded: u64,
}

impl std::fmt::Debug for Decoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decoder").field("duration_ms", &self.duration_ms).finish_non_exhaustive()
    }
}

impl Drop for Decoder {
    fn drop(&mut self) {
        // Stops the streaming threads; a pipeline dropped in PLAYING would leak them.
        let _ = self.pipeline.set_state(gst::State::Null);
    }
}

/// The URI GStreamer opens for a video URL, by the fetch URL rule: under a URL asset root a
/// relative path is an `http(s)` URL.
pub fn resolve_uri(root: AssetRoot<'_>, url: &str) -> Result<String, VideoFailure> {
    match fetch::resolve(root, url) {
        Ok(Target::Http(url)) => Ok(url),
        Ok(Target::File(path)) => {
            if !path.is_file() {
                return Err(VideoFailure::new(
                    VideoError::NotFound,
                    format!("{}: no such file", path.display()),
                ));
            }
            let absolute = std::fs::canonicalize(&path).map_err(|error| {
                VideoFailure::new(VideoError::NotFound, format!("{}: {error}", path.display()))
            })?;
            gst::glib::filename_to_uri(&absolute, None)
                .map(|uri| uri.to_string())
                .map_err(|error| VideoFailure::new(VideoError::BadUrl, error.to_string()))
        }
        Err(FetchError::BadUrl) => {
            Err(VideoFailure::new(VideoError::BadUrl, format!("{url:?} is not a video URL")))
        }
        Err(other) => Err(VideoFailure::new(VideoError::Other, format!("{url:?}: {other:?}"))),
    }
}

/// The ABI's code for a GStreamer error message.
fn classify(error: &gst::glib::Error, uri: &str) -> VideoError {
    let http = uri.starts_with("http");
    if let Some(resource) = error.kind::<gst::ResourceError>() {
        return match resource {
            gst::ResourceError::NotFound => VideoError::NotFound,
            _ if http => VideoError::Network,
            gst::ResourceError::OpenRead | gst::ResourceError::Read => VideoError::NotFound,
            _ => VideoError::Other,
        };
    }
    if error.kind::<gst::StreamError>().is_some() || error.kind::<gst::CoreError>().is_some() {
        return VideoError::Decode;
    }
    VideoError::Other
}

impl Decoder {
    /// Opens `uri` and prerolls it (the duration is known when this returns).
    pub fn open(uri: &str) -> Result<Self, VideoFailure> {
        gst::init().map_err(|error| VideoFailure::new(VideoError::Other, format!("GStreamer: {error}")))?;
        let failure = |error: VideoError, what: &str| VideoFailure::new(error, format!("{uri}: {what}"));
        let pipeline = gst::parse::launch(
            "uridecodebin name=source ! videoconvert ! videoscale ! \
             video/x-raw,format=RGBA,pixel-aspect-ratio=1/1 ! \
             appsink name=sink sync=false max-buffers=4 drop=false enable-last-sample=false",
        )
        .map_err(|error| failure(VideoError::Other, &format!("cannot build the pipeline: {error}")))?
        .downcast::<gst::Pipeline>()
        .map_err(|_| failure(VideoError::Other, "the pipeline is not a pipeline"))?;
        let by_name = |name: &str| pipeline.by_name(name).ok_or_else(|| failure(VideoError::Other, name));
        by_name("source")?.set_property("uri", uri);
        let sink = by_name("sink")?
            .downcast::<gst_app::AppSink>()
            .map_err(|_| failure(VideoError::Other, "the sink is not an appsink"))?;
        let mut decoder =
            Self { pipeline, sink, duration_ms: 0, current: None, next: None, at_end: false, decoded: 0 };
        decoder.start(uri)?;
        Ok(decoder)
    }

    /// PLAYING (the sink pulls as fast as we ask, not in time), then waits for the first
    /// picture or an error.
    fn start(&mut self, uri: &str) -> Result<(), VideoFailure> {
        let failure = |error: VideoError, what: String| VideoFailure::new(error, format!("{uri}: {what}"));
        self.pipeline.set_state(gst::State::Playing).map_err(|_| {
            self.bus_error(uri).unwrap_or_else(|| failure(VideoError::Other, "does not start".into()))
        })?;
        let bus = self.pipeline.bus().ok_or_else(|| failure(VideoError::Other, "no bus".into()))?;
        let message = bus.timed_pop_filtered(
            gst::ClockTime::from_nseconds(OPEN_TIMEOUT.as_nanos() as u64),
            &[gst::MessageType::AsyncDone, gst::MessageType::Error],
        );
        match message.as_ref().map(|message| message.view()) {
            Some(gst::MessageView::AsyncDone(_)) => {}
            Some(gst::MessageView::Error(error)) => {
                let code = classify(&error.error(), uri);
                return Err(failure(code, error.error().to_string()));
            }
            _ => return Err(failure(VideoError::Network, format!("not ready within {OPEN_TIMEOUT:?}"))),
        }
        self.duration_ms = self
            .pipeline
            .query_duration::<gst::ClockTime>()
            .map(|duration| duration.mseconds())
            .ok_or_else(|| failure(VideoError::Decode, "has no duration".into()))?;
        Ok(())
    }

    /// The first error on the bus, if any.
    fn bus_error(&self, uri: &str) -> Option<VideoFailure> {
        let bus = self.pipeline.bus()?;
        while let Some(message) = bus.pop_filtered(&[gst::MessageType::Error]) {
            if let gst::MessageView::Error(error) = message.view() {
                return Some(VideoFailure::new(
                    classify(&error.error(), uri),
                    format!("{uri}: {}", error.error()),
                ));
            }
        }
        None
    }

    /// The video's length.
    pub fn duration_ms(&self) -> u64 {
        self.duration_ms
    }

    /// Pictures decoded so far.
    pub fn decoded(&self) -> u64 {
        self.decoded
    }

    /// Moves to the picture showing at `position_ms` (the last whose time is at or before it)
    /// and says whether it differs from the one shown before.
    pub fn advance_to(&mut self, position_ms: u64) -> Result<bool, VideoFailure> {
        let before = self.current.as_ref().map(|picture| picture.pts_ms);
        let behind = before.is_some_and(|pts| position_ms < pts);
        let far = before.is_some_and(|pts| position_ms > pts + STEP_AHEAD_MS)
            && self.next.as_ref().is_none_or(|next| next.pts_ms <= position_ms);
        if behind || far {
            self.seek(position_ms)?;
        }
        loop {
            let candidate = match self.next.take() {
                Some(picture) => picture,
                None if self.at_end => break,
                None => match self.pull()? {
                    Some(picture) => picture,
                    None => {
                        self.at_end = true;
                        break;
                    }
                },
            };
            if candidate.pts_ms <= position_ms || self.current.is_none() {
                self.current = Some(candidate);
            } else {
                self.next = Some(candidate);
                break;
            }
        }
        Ok(self.current.as_ref().map(|picture| picture.pts_ms) != before)
    }

    /// The picture [`Self::advance_to`] moved to; `None` before the first.
    pub fn current(&self) -> Option<&Pixmap> {
        self.current.as_ref().map(|picture| &picture.pixmap)
    }

    fn seek(&mut self, position_ms: u64) -> Result<(), VideoFailure> {
        self.current = None;
        self.next = None;
        self.at_end = false;
        self.pipeline
            .seek_simple(
                gst::SeekFlags::FLUSH | gst::SeekFlags::ACCURATE,
                gst::ClockTime::from_mseconds(position_ms),
            )
            .map_err(|error| {
                VideoFailure::new(VideoError::Other, format!("seek to {position_ms} ms: {error}"))
            })
    }

    /// The next decoded picture, `None` at the end of the stream.
    fn pull(&mut self) -> Result<Option<Picture>, VideoFailure> {
        let timeout = gst::ClockTime::from_nseconds(PULL_TIMEOUT.as_nanos() as u64);
        let Some(sample) = self.sink.try_pull_sample(timeout) else {
            if self.sink.is_eos() {
                return Ok(None);
            }
            return Err(self.bus_error("video").unwrap_or_else(|| {
                VideoFailure::new(VideoError::Network, format!("no picture within {PULL_TIMEOUT:?}"))
            }));
        };
        let failure = |what: &str| VideoFailure::new(VideoError::Decode, what.to_owned());
        let buffer = sample.buffer().ok_or_else(|| failure("a sample without a buffer"))?;
        let caps = sample.caps().ok_or_else(|| failure("a sample without caps"))?;
        let info = gstreamer_video::VideoInfo::from_caps(caps).map_err(|_| failure("caps are not video"))?;
        let frame = gstreamer_video::VideoFrameRef::from_buffer_ref_readable(buffer, &info)
            .map_err(|_| failure("an unreadable picture"))?;
        let (width, height) = (info.width(), info.height());
        let stride = frame.plane_stride()[0] as usize;
        let data = frame.plane_data(0).map_err(|_| failure("a picture without pixels"))?;
        let row = width as usize * 4;
        let mut pixels = Vec::with_capacity(row * height as usize);
        for y in 0..height as usize {
            let start = y * stride;
            pixels.extend_from_slice(data.get(start..start + row).ok_or_else(|| failure("a short picture"))?);
        }
        // Video is opaque: straight RGBA is already premultiplied.
        let size = tiny_skia::IntSize::from_wh(width, height).ok_or_else(|| failure("an empty picture"))?;
        let pixmap = Pixmap::from_vec(pixels, size).ok_or_else(|| failure("a picture of the wrong size"))?;
        self.decoded += 1;
        Ok(Some(Picture { pts_ms: buffer.pts().map_or(0, |pts| pts.mseconds()), pixmap }))
    }
}

/// The open video: its player id, decoder and clock.
#[derive(Debug)]
struct OpenVideo {
    player: u32,
    decoder: Decoder,
    state: VideoState,
    /// Whole microseconds, advanced as the device host does, so both report the same
    /// positions for the same frames.
    position_us: u64,
    rate_milli: u32,
    /// The frame time the clock last advanced to (or the frame that asked for play/seek).
    clock_us: u64,
}

/// The host's video: at most one open, the events it owes the bundle, and counters.
#[derive(Debug, Default)]
pub struct Video {
    open: Option<OpenVideo>,
    /// State changes and failures for the next frame, in order.
    events: Vec<Event>,
    /// Videos opened and failed, pictures decoded by closed decoders.
    pub opened: u64,
    /// Videos that could not be opened or played on.
    pub failed: u64,
    decoded_before: u64,
}

impl Video {
    /// Opens `url` as `player` (an `OpenVideo` request in the frame at `time_us`), closing the
    /// open one first. The outcome is an event for the next frame. Under a URL asset root a
    /// relative URL is streamed over HTTP.
    pub fn open(&mut self, root: AssetRoot<'_>, player: u32, url: &str, time_us: u64) {
        self.close_open();
        let opened = resolve_uri(root, url).and_then(|uri| Decoder::open(&uri));
        match opened {
            Ok(decoder) => {
                self.opened += 1;
                let duration_ms = decoder.duration_ms();
                self.events.push(Event::video_state(player, VideoState::Ready, duration_ms as u32));
                self.open = Some(OpenVideo {
                    player,
                    decoder,
                    state: VideoState::Ready,
                    position_us: 0,
                    rate_milli: 1000,
                    clock_us: time_us,
                });
            }
            Err(failure) => {
                eprintln!("warning: video {player}: {url}: {failure}");
                self.failed += 1;
                self.events.push(Event::video_failed(player, failure.error));
            }
        }
    }

    /// A `ControlVideo` request in the frame at `time_us`; ignored unless `player` is open.
    pub fn control(&mut self, player: u32, op: VideoOp, value: u32, time_us: u64) {
        let Some(video) = self.open.as_mut().filter(|video| video.player == player) else { return };
        let duration_us = video.decoder.duration_ms() * 1000;
        let mut state = video.state;
        match op {
            VideoOp::Play => {
                if video.state == VideoState::Ended {
                    video.position_us = 0;
                }
                state = VideoState::Playing;
                video.clock_us = time_us;
            }
            // Ready and Ended are paused already.
            VideoOp::Pause if video.state == VideoState::Playing => state = VideoState::Paused,
            VideoOp::Pause => {}
            VideoOp::Seek => {
                video.position_us = (u64::from(value) * 1000).min(duration_us);
                video.clock_us = time_us;
                if video.position_us >= duration_us {
                    state = VideoState::Ended;
                } else if video.state == VideoState::Ended {
                    state = VideoState::Paused;
                }
            }
            VideoOp::SetRate => video.rate_milli = value,
            VideoOp::Close => {
                self.close_open();
                return;
            }
        }
        if state != video.state {
            video.state = state;
            self.events.push(Event::video_state(player, state, (duration_us / 1000) as u32));
        }
    }

    /// Advances the clock to the frame at `time_us` (while playing).
    pub fn advance(&mut self, time_us: u64) {
        let Some(video) = self.open.as_mut() else { return };
        let elapsed_us = time_us.saturating_sub(video.clock_us);
        video.clock_us = time_us;
        if video.state != VideoState::Playing {
            return;
        }
        let duration_us = video.decoder.duration_ms() * 1000;
        video.position_us += elapsed_us * u64::from(video.rate_milli) / 1000;
        if video.position_us >= duration_us {
            video.position_us = duration_us;
            video.state = VideoState::Ended;
            self.events.push(Event::video_state(
                video.player,
                VideoState::Ended,
                (duration_us / 1000) as u32,
            ));
        }
    }

    /// The state changes and failures owed to the bundle, oldest first.
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// The open video's `VideoPosition` event.
    pub fn position_event(&self) -> Option<Event> {
        let video = self.open.as_ref()?;
        let rate = if video.state == VideoState::Playing { video.rate_milli } else { 0 };
        Some(Event::video_position(video.player, (video.position_us / 1000) as u32, rate))
    }

    /// The picture at the open video's position, and whether it changed. A decoder that fails
    /// closes its video with a `VideoFailed`.
    pub fn picture(&mut self) -> Option<(&Pixmap, bool)> {
        let video = self.open.as_mut()?;
        match video.decoder.advance_to(video.position_us / 1000) {
            Ok(changed) => {
                let video = self.open.as_ref()?;
                video.decoder.current().map(|pixmap| (pixmap, changed))
            }
            Err(failure) => {
                eprintln!("warning: video {}: {failure}", video.player);
                self.failed += 1;
                self.events.push(Event::video_failed(video.player, failure.error));
                self.close_quietly();
                None
            }
        }
    }

    /// Pictures decoded in the run.
    pub fn decoded(&self) -> u64 {
        self.decoded_before + self.open.as_ref().map_or(0, |video| video.decoder.decoded())
    }

    /// Whether a video is open.
    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// The open video's position in milliseconds, as the bundle is told it.
    pub fn position_ms(&self) -> Option<u64> {
        self.open.as_ref().map(|video| video.position_us / 1000)
    }

    /// The open video's state.
    pub fn state(&self) -> Option<VideoState> {
        self.open.as_ref().map(|video| video.state)
    }

    /// Closes the open video without telling anyone (the instance that opened it is gone),
    /// and forgets the events owed to it.
    pub fn reset(&mut self) {
        self.close_quietly();
        self.events.clear();
    }

    fn close_open(&mut self) {
        if let Some(video) = &self.open {
            let duration = video.decoder.duration_ms() as u32;
            self.events.push(Event::video_state(video.player, VideoState::Closed, duration));
        }
        self.close_quietly();
    }

    fn close_quietly(&mut self) {
        if let Some(video) = self.open.take() {
            self.decoded_before += video.decoder.decoded();
        }
    }
}

/// Writes a VP8/WebM test pattern: `colours[n]` fills second `n`, at `fps` pictures a second,
/// `width × height`. For tests and examples that need a video whose picture says where it is.
pub fn write_test_pattern(
    path: &Path,
    colours: &[[u8; 3]],
    fps: u32,
    (width, height): (u32, u32),
) -> Result<(), VideoFailure> {
    let failure = |what: String| VideoFailure::new(VideoError::Other, format!("{}: {what}", path.display()));
    gst::init().map_err(|error| failure(format!("GStreamer: {error}")))?;
    let pipeline = gst::parse::launch(&format!(
        "appsrc name=src format=time caps=video/x-raw,format=RGBA,width={width},height={height},framerate={fps}/1 ! \
         videoconvert ! vp8enc deadline=1 keyframe-max-dist={fps} ! webmmux ! filesink name=out"
    ))
    .map_err(|error| failure(error.to_string()))?
    .downcast::<gst::Pipeline>()
    .map_err(|_| failure("not a pipeline".into()))?;
    let element = |name: &str| pipeline.by_name(name).ok_or_else(|| failure(format!("no {name}")));
    element("out")?.set_property("location", path.to_string_lossy().as_ref());
    let src = element("src")?.downcast::<gst_app::AppSrc>().map_err(|_| failure("no appsrc".into()))?;
    pipeline.set_state(gst::State::Playing).map_err(|error| failure(error.to_string()))?;
    let frame_ns = 1_000_000_000 / u64::from(fps.max(1));
    for (index, [r, g, b]) in
        colours.iter().flat_map(|colour| std::iter::repeat_n(*colour, fps as usize)).enumerate()
    {
        let pixels: Vec<u8> = (0..width * height).flat_map(|_| [r, g, b, 255]).collect();
        let mut buffer = gst::Buffer::from_mut_slice(pixels);
        if let Some(buffer) = buffer.get_mut() {
            buffer.set_pts(gst::ClockTime::from_nseconds(index as u64 * frame_ns));
            buffer.set_duration(gst::ClockTime::from_nseconds(frame_ns));
        }
        src.push_buffer(buffer).map_err(|error| failure(error.to_string()))?;
    }
    src.end_of_stream().map_err(|error| failure(error.to_string()))?;
    let bus = pipeline.bus().ok_or_else(|| failure("no bus".into()))?;
    let done = bus.timed_pop_filtered(
        gst::ClockTime::from_seconds(60),
        &[gst::MessageType::Eos, gst::MessageType::Error],
    );
    let _ = pipeline.set_state(gst::State::Null);
    match done.as_ref().map(|message| message.view()) {
        Some(gst::MessageView::Eos(_)) => Ok(()),
        Some(gst::MessageView::Error(error)) => Err(failure(error.error().to_string())),
        _ => Err(failure("the encoder did not finish".into())),
    }
}
