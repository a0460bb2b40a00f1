//! The match video: frames from the [`Painter`] encoded to VP8 in WebM with GStreamer
//! (`appsrc ! videoconvert ! queue ! vp8enc ! webmmux ! filesink`).
//!
//! Frame `i` of a video rendered from `from` shows `video_s = from + i / fps` and has the
//! timestamp `i / fps`: a whole match rendered from 0 has the video's time equal to `video_s`,
//! a cut starts at 0 and [`VideoStats::offset_s`] says where it was cut from.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;
use gstreamer_video as gst_video;
use tiny_skia::PixmapMut;

use crate::DataError;
use crate::picture::Painter;
use crate::source::MatchSource;

/// Size, rate and quality of a rendered video.
#[derive(Clone, Debug, PartialEq)]
pub struct VideoSettings {
    /// Frame width in pixels.
    pub width: u32,
    /// Frame height in pixels.
    pub height: u32,
    /// Frames per second.
    pub fps: u32,
    /// Target bitrate in bits per second.
    pub bitrate: u32,
    /// Longest gap between keyframes, in seconds: a seek decodes from the keyframe before it.
    pub keyframe_interval_s: f64,
    /// Threads for the VP8 encoder. One by default: libvpx's threads wait for each other
    /// by spinning, and on a two-core machine that also paints and converts the frames two
    /// threads encoded 3–6× slower than one (measured: ~25 against ~85 frames/s at 720p).
    pub encoder_threads: u32,
}

impl Default for VideoSettings {
    fn default() -> Self {
        Self {
            width: 1280,
            height: 720,
            fps: 25,
            bitrate: 1_800_000,
            keyframe_interval_s: 2.0,
            encoder_threads: 1,
        }
    }
}

/// What a render did.
#[derive(Clone, Debug, PartialEq)]
pub struct VideoStats {
    /// Frames encoded.
    pub frames: u64,
    /// The `video_s` the file's time 0 shows (the start of the range rendered).
    pub offset_s: f64,
    /// The file's duration in seconds (`frames / fps`).
    pub duration_s: f64,
    /// Wall-clock seconds the whole render took.
    pub wall_s: f64,
    /// Of which painting frames.
    pub paint_s: f64,
    /// Size of the file written.
    pub bytes: u64,
}

/// Frames queued in `appsrc` before painting waits for the encoder.
const QUEUED_FRAMES: u64 = 4;
/// How long the pipeline may take to take a frame, or to finish after the last one.
const FINISH_TIMEOUT: Duration = Duration::from_secs(120);

/// Renders `source` over `range` (in `video_s`, end excluded) to a WebM file at `out`.
///
/// The file is written beside `out` under a temporary name and renamed when complete, so an
/// interrupted render never leaves a file that looks finished.
pub fn render(
    source: &MatchSource,
    range: Range<f64>,
    settings: &VideoSettings,
    out: &Path,
    painter: &mut Painter,
) -> Result<VideoStats, DataError> {
    let started = Instant::now();
    let error = |message: String| DataError::Video { path: out.to_path_buf(), message };
    if settings.width == 0 || settings.height == 0 || settings.fps == 0 {
        return Err(error(format!(
            "invalid settings {}×{} at {} fps",
            settings.width, settings.height, settings.fps
        )));
    }
    if !(range.start.is_finite() && range.end.is_finite() && range.end > range.start) {
        return Err(error(format!("empty range {:?}", range)));
    }
    let fps = f64::from(settings.fps);
    // Frames at from + i / fps that are before `to`; the small margin keeps 4.0 s at 10 fps
    // 40 frames despite rounding.
    let frames = ((range.end - range.start) * fps - 1e-6).ceil().max(1.0) as u64;

    let partial = partial_path(out);
    if let Some(dir) = out.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| DataError::io(dir, source))?;
    }
    let encoded = encode(source, range.start, frames, settings, &partial, painter).map_err(error);
    let paint_s = match encoded {
        Ok(paint_s) => paint_s,
        Err(failure) => {
            // Best effort: the partial file is useless, and its name says so anyway.
            let _ = std::fs::remove_file(&partial);
            return Err(failure);
        }
    };
    std::fs::rename(&partial, out).map_err(|source| DataError::io(out, source))?;
    let bytes = std::fs::metadata(out).map_err(|source| DataError::io(out, source))?.len();
    Ok(VideoStats {
        frames,
        offset_s: range.start,
        duration_s: frames as f64 / fps,
        wall_s: started.elapsed().as_secs_f64(),
        paint_s,
        bytes,
    })
}

/// `.name.webm.partial` beside `out`.
fn partial_path(out: &Path) -> PathBuf {
    let name = out.file_name().map_or_else(|| "video".into(), |name| name.to_string_lossy().into_owned());
    out.with_file_name(format!(".{name}.partial"))
}

/// Runs the pipeline; returns the seconds spent painting.
fn encode(
    source: &MatchSource,
    from_s: f64,
    frames: u64,
    settings: &VideoSettings,
    path: &Path,
    painter: &mut Painter,
) -> Result<f64, String> {
    gst::init().map_err(|error| format!("GStreamer did not start: {error}"))?;
    let location = path.to_str().ok_or_else(|| format!("{} is not a UTF-8 path", path.display()))?;

    let info = gst_video::VideoInfo::builder(gst_video::VideoFormat::Rgba, settings.width, settings.height)
        .fps(gst::Fraction::new(settings.fps as i32, 1))
        .build()
        .map_err(|error| format!("no video format for these settings: {error}"))?;
    let caps = info.to_caps().map_err(|error| format!("no caps for these settings: {error}"))?;
    let frame_bytes = info.size();

    let appsrc = gst_app::AppSrc::builder()
        .caps(&caps)
        .format(gst::Format::Time)
        .is_live(false)
        .max_bytes(QUEUED_FRAMES * frame_bytes as u64)
        .build();
    let convert = make_element("videoconvert", "gstreamer1.0-plugins-base")?;
    // Converting the next frame while the encoder works on this one.
    let queue = make_element("queue", "gstreamer1.0 (core)")?;
    let encoder = make_element("vp8enc", "gstreamer1.0-plugins-good")?;
    let keyframe_distance = (settings.keyframe_interval_s * f64::from(settings.fps)).round().max(1.0) as i32;
    // Realtime settings: a full match at 25 fps must encode in a reasonable time on two cores.
    set_property(&encoder, "deadline", 1i64)?;
    set_property(&encoder, "cpu-used", 16i32)?;
    set_property(&encoder, "threads", settings.encoder_threads.clamp(1, 64) as i32)?;
    set_property(&encoder, "target-bitrate", settings.bitrate.min(i32::MAX as u32) as i32)?;
    set_property(&encoder, "keyframe-max-dist", keyframe_distance)?;
    let muxer = make_element("webmmux", "gstreamer1.0-plugins-good")?;
    let sink = make_element("filesink", "gstreamer1.0 (core)")?;
    set_property(&sink, "location", location)?;

    let pipeline = gst::Pipeline::new();
    let elements = [appsrc.upcast_ref::<gst::Element>(), &convert, &queue, &encoder, &muxer, &sink];
    pipeline.add_many(elements).map_err(|error| format!("could not build the pipeline: {error}"))?;
    gst::Element::link_many(elements).map_err(|error| format!("could not link the pipeline: {error}"))?;

    let running = Running { pipeline: &pipeline };
    let bus = pipeline.bus().ok_or("the pipeline has no bus")?;
    pipeline
        .set_state(gst::State::Playing)
        .map_err(|_| failure_from_bus(&bus, "could not start the pipeline"))?;

    // Frames go in buffers from a pool: no 3.6 MB allocation per frame.
    let pool = gst::BufferPool::new();
    let mut config = pool.config();
    config.set_params(Some(&caps), frame_bytes as u32, QUEUED_FRAMES as u32 + 2, 0);
    pool.set_config(config).map_err(|error| format!("buffer pool: {error}"))?;
    pool.set_active(true).map_err(|error| format!("buffer pool: {error}"))?;

    let frame_duration = gst::ClockTime::SECOND.mul_div_floor(1, u64::from(settings.fps));
    let mut paint_s = 0.0;
    for index in 0..frames {
        let mut buffer = pool.acquire_buffer(None).map_err(|error| format!("buffer pool: {error:?}"))?;
        {
            let buffer = buffer.get_mut().ok_or("a pooled buffer is shared")?;
            // Exact nanoseconds of frame `index`, so the timeline never drifts.
            let pts = gst::ClockTime::from_nseconds(index * 1_000_000_000 / u64::from(settings.fps));
            buffer.set_pts(pts);
            buffer.set_duration(frame_duration);
            let mut map = buffer.map_writable().map_err(|error| format!("mapping a frame: {error}"))?;
            let pixmap = PixmapMut::from_bytes(map.as_mut_slice(), settings.width, settings.height)
                .ok_or("a frame buffer has the wrong size")?;
            let painting = Instant::now();
            painter.paint_into(source, from_s + index as f64 / f64::from(settings.fps), pixmap);
            paint_s += painting.elapsed().as_secs_f64();
        }
        appsrc
            .push_buffer(buffer)
            .map_err(|flow| failure_from_bus(&bus, &format!("pushing a frame: {flow:?}")))?;
        // Wait for the encoder while the queue is full, watching for errors meanwhile.
        let waiting = Instant::now();
        while appsrc.current_level_bytes() >= QUEUED_FRAMES * frame_bytes as u64 {
            if waiting.elapsed() > FINISH_TIMEOUT {
                return Err(format!("the encoder stalled for {} s", FINISH_TIMEOUT.as_secs()));
            }
            if let Some(message) =
                bus.timed_pop_filtered(gst::ClockTime::from_mseconds(2), &[gst::MessageType::Error])
            {
                return Err(describe(&message));
            }
        }
        if let Some(message) = bus.pop_filtered(&[gst::MessageType::Error]) {
            return Err(describe(&message));
        }
    }
    appsrc.end_of_stream().map_err(|flow| failure_from_bus(&bus, &format!("ending the stream: {flow:?}")))?;
    let finish = gst::ClockTime::from_nseconds(FINISH_TIMEOUT.as_nanos() as u64);
    match bus.timed_pop_filtered(finish, &[gst::MessageType::Eos, gst::MessageType::Error]) {
        Some(message) if message.type_() == gst::MessageType::Eos => {}
        Some(message) => return Err(describe(&message)),
        None => return Err(format!("the encoder did not finish within {} s", FINISH_TIMEOUT.as_secs())),
    }
    drop(running);
    let _ = pool.set_active(false);
    Ok(paint_s)
}

/// Stops the pipeline however `encode` returns, so the file is closed and nothing keeps
/// running.
struct Running<'a> {
    pipeline: &'a gst::Pipeline,
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        let _ = self.pipeline.set_state(gst::State::Null);
    }
}

fn make_element(factory: &str, package: &str) -> Result<gst::Element, String> {
    gst::ElementFactory::make(factory)
        .build()
        .map_err(|_| format!("the GStreamer element {factory} is missing (Debian package {package})"))
}

/// Sets a property after checking it exists with that type (glib would abort otherwise).
fn set_property(
    element: &gst::Element,
    name: &str,
    value: impl Into<gst::glib::Value>,
) -> Result<(), String> {
    let value = value.into();
    let factory =
        element.factory().map_or_else(|| element.name().to_string(), |factory| factory.name().to_string());
    let spec = element.find_property(name).ok_or_else(|| format!("{factory} has no property {name}"))?;
    if spec.value_type() != value.type_() {
        return Err(format!("{factory}.{name} is a {}, not a {}", spec.value_type(), value.type_()));
    }
    element.set_property_from_value(name, &value);
    Ok(())
}

/// The error the pipeline posted, if any, else `fallback`.
fn failure_from_bus(bus: &gst::Bus, fallback: &str) -> String {
    bus.timed_pop_filtered(gst::ClockTime::from_mseconds(500), &[gst::MessageType::Error])
        .map_or_else(|| fallback.to_string(), |message| describe(&message))
}

fn describe(message: &gst::Message) -> String {
    match message.view() {
        gst::MessageView::Error(error) => {
            let from =
                message.src().map_or_else(|| "pipeline".to_string(), |src| src.path_string().to_string());
            match error.debug() {
                Some(debug) => format!("{from}: {} ({debug})", error.error()),
                None => format!("{from}: {}", error.error()),
            }
        }
        _ => format!("unexpected message {:?}", message.type_()),
    }
}
