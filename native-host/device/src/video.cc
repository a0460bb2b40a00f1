#include "video.h"

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <utility>

#include "fetch.h"

namespace touchline::host {
namespace {

using Clock = std::chrono::steady_clock;
using VideoError = abi::VideoError;

struct GstObjectUnref {
  void operator()(void *object) const { gst_object_unref(object); }
};
struct SampleUnref {
  void operator()(GstSample *sample) const { gst_sample_unref(sample); }
};
struct MessageUnref {
  void operator()(GstMessage *message) const { gst_message_unref(message); }
};
struct CapsUnref {
  void operator()(GstCaps *caps) const { gst_caps_unref(caps); }
};
struct ErrorFree {
  void operator()(GError *error) const { g_error_free(error); }
};
struct GFree {
  void operator()(void *p) const { g_free(p); }
};
// A pipeline is stopped (state NULL: its streaming threads joined) before it is freed, so no
// signal handler runs on what the player frees after it.
struct PipelineStop {
  void operator()(GstElement *pipeline) const {
    gst_element_set_state(pipeline, GST_STATE_NULL);
    gst_object_unref(pipeline);
  }
};

using Bus = std::unique_ptr<GstBus, GstObjectUnref>;
using Pad = std::unique_ptr<GstPad, GstObjectUnref>;
using Sample = std::unique_ptr<GstSample, SampleUnref>;
using Message = std::unique_ptr<GstMessage, MessageUnref>;
using Caps = std::unique_ptr<GstCaps, CapsUnref>;
using GErrorPtr = std::unique_ptr<GError, ErrorFree>;
using GString = std::unique_ptr<char, GFree>;
using Pipeline = std::unique_ptr<GstElement, PipelineStop>;

// Serial numbers of decoded frames, unique in the process (0 means "no picture").
std::atomic<uint64_t> g_next_serial{1};

bool starts_with_nocase(const std::string &s, const char *prefix) {
  const size_t n = std::strlen(prefix);
  if (s.size() < n) return false;
  for (size_t i = 0; i < n; ++i) {
    if (g_ascii_tolower(s[i]) != prefix[i]) return false;
  }
  return true;
}

// GStreamer, initialised once per process; the reason when it cannot be.
const std::string *gst_init_error() {
  static std::once_flag once;
  static std::string error;
  static bool failed = false;
  std::call_once(once, [] {
    GError *raw = nullptr;
    if (!gst_init_check(nullptr, nullptr, &raw)) {
      GErrorPtr owned(raw);
      failed = true;
      error = owned ? owned->message : "gst_init_check failed";
    }
  });
  return failed ? &error : nullptr;
}

int64_t ms_of(GstClockTime ns) { return static_cast<int64_t>(ns / GST_MSECOND); }

// What uridecodebin's signal handlers need; they run on streaming threads, so it outlives the
// pipeline (see PipelineStop).
struct Links {
  GstElement *convert = nullptr;  // owned by the pipeline
  std::atomic<bool> video_linked{false};
  std::atomic<bool> no_more_pads{false};
};

// The first raw video pad goes to videoconvert; audio, subtitles and further video streams stay
// unlinked (the hosts show one picture and play no sound).
void on_pad_added(GstElement *, GstPad *pad, gpointer data) {
  auto *links = static_cast<Links *>(data);
  GstCaps *raw = gst_pad_get_current_caps(pad);
  Caps caps(raw != nullptr ? raw : gst_pad_query_caps(pad, nullptr));
  if (!caps || gst_caps_is_empty(caps.get())) return;
  const char *name = gst_structure_get_name(gst_caps_get_structure(caps.get(), 0));
  if (!g_str_has_prefix(name, "video/x-raw")) return;
  Pad sink(gst_element_get_static_pad(links->convert, "sink"));
  // A second video pad finds the sink linked already and is refused.
  if (sink && gst_pad_link(pad, sink.get()) == GST_PAD_LINK_OK) links->video_linked = true;
}

void on_no_more_pads(GstElement *, gpointer data) { static_cast<Links *>(data)->no_more_pads = true; }

// Audio is not decoded (it would be decoded for nothing): its pads come out encoded. Only
// elementary streams are audio/*; containers of video are video/* or application/*.
gboolean on_autoplug_continue(GstElement *, GstPad *, GstCaps *caps, gpointer) {
  if (caps == nullptr || gst_caps_is_empty(caps)) return TRUE;
  return !g_str_has_prefix(gst_structure_get_name(gst_caps_get_structure(caps, 0)), "audio/");
}

// A bus error as the bundle's VideoError, with GStreamer's message and the element that posted
// it for the log. Missing files are caught before GStreamer; a RESOURCE error NOT_FOUND is
// still NotFound (an HTTP 404 among them); other resource errors over http are the network's.
VideoFailure failure_of(GstMessage *message, bool http) {
  GError *raw = nullptr;
  gchar *debug = nullptr;
  gst_message_parse_error(message, &raw, &debug);
  GErrorPtr error(raw);
  GString debug_text(debug);
  VideoFailure failure;
  if (error) {
    if (error->domain == GST_RESOURCE_ERROR) {
      failure.error = error->code == GST_RESOURCE_ERROR_NOT_FOUND ? VideoError::NotFound
                      : http                                      ? VideoError::Network
                                                                  : VideoError::Other;
    } else if (error->domain == GST_STREAM_ERROR) {
      failure.error = VideoError::Decode;
    } else if (error->domain == GST_CORE_ERROR &&
               (error->code == GST_CORE_ERROR_MISSING_PLUGIN || error->code == GST_CORE_ERROR_NEGOTIATION)) {
      failure.error = VideoError::Decode;
    }
  }
  const char *source = GST_MESSAGE_SRC_NAME(message);
  failure.message = std::string(source != nullptr ? source : "gstreamer") + ": " +
                    (error ? error->message : "unknown error");
  return failure;
}

// A sample as an opaque ARGB32 surface (a copy: the sample goes back to GStreamer at once).
std::unique_ptr<VideoFrame> frame_of(GstSample *sample) {
  GstCaps *caps = gst_sample_get_caps(sample);
  GstBuffer *buffer = gst_sample_get_buffer(sample);
  GstVideoInfo info;
  if (caps == nullptr || buffer == nullptr || !gst_video_info_from_caps(&info, caps) ||
      GST_VIDEO_INFO_FORMAT(&info) != GST_VIDEO_FORMAT_BGRA || GST_VIDEO_INFO_WIDTH(&info) > kMaxVideoSide ||
      GST_VIDEO_INFO_HEIGHT(&info) > kMaxVideoSide) {
    return nullptr;
  }
  GstVideoFrame mapped;
  if (!gst_video_frame_map(&mapped, &info, buffer, GST_MAP_READ)) return nullptr;
  const int width = GST_VIDEO_FRAME_WIDTH(&mapped);
  const int height = GST_VIDEO_FRAME_HEIGHT(&mapped);
  const int src_stride = GST_VIDEO_FRAME_PLANE_STRIDE(&mapped, 0);
  const auto *src = static_cast<const uint8_t *>(GST_VIDEO_FRAME_PLANE_DATA(&mapped, 0));
  CairoSurface surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    gst_video_frame_unmap(&mapped);
    return nullptr;
  }
  cairo_surface_flush(surface.get());
  uint8_t *dst = cairo_image_surface_get_data(surface.get());
  const int dst_stride = cairo_image_surface_get_stride(surface.get());
  for (int y = 0; y < height; ++y) {
    auto *row = reinterpret_cast<uint32_t *>(dst + static_cast<size_t>(y) * dst_stride);
    std::memcpy(row, src + static_cast<size_t>(y) * src_stride, static_cast<size_t>(width) * 4);
    // The video plane is opaque; alpha 255 also keeps the pixels valid premultiplied ARGB.
    for (int x = 0; x < width; ++x) row[x] |= 0xff000000u;
  }
  gst_video_frame_unmap(&mapped);
  cairo_surface_mark_dirty(surface.get());

  auto frame = std::make_unique<VideoFrame>();
  frame->surface = std::move(surface);
  frame->serial = g_next_serial.fetch_add(1);
  frame->pixel_aspect = GST_VIDEO_INFO_PAR_D(&info) > 0 && GST_VIDEO_INFO_PAR_N(&info) > 0
                            ? static_cast<double>(GST_VIDEO_INFO_PAR_N(&info)) / GST_VIDEO_INFO_PAR_D(&info)
                            : 1.0;
  // The stream time (what positions count in), not the buffer's running timestamp.
  const GstClockTime pts = GST_BUFFER_PTS(buffer);
  const GstSegment *segment = gst_sample_get_segment(sample);
  if (GST_CLOCK_TIME_IS_VALID(pts) && segment != nullptr) {
    guint64 stream_time = 0;
    const int sign = gst_segment_to_stream_time_full(segment, GST_FORMAT_TIME, pts, &stream_time);
    frame->pts_ms = sign > 0 ? ms_of(stream_time) : sign < 0 ? -ms_of(stream_time) : 0;
  } else if (GST_CLOCK_TIME_IS_VALID(pts)) {
    frame->pts_ms = ms_of(pts);
  }
  return frame;
}

}  // namespace

const char *video_error_name(VideoError error) {
  switch (error) {
    case VideoError::NotFound:
      return "not found";
    case VideoError::Decode:
      return "cannot decode";
    case VideoError::BadUrl:
      return "bad URL";
    case VideoError::Network:
      return "network error";
    case VideoError::Other:
      break;
  }
  return "other";
}

Result<std::string, VideoFailure> resolve_video_url(const std::string &assets, const std::string &url) {
  auto target = resolve_fetch_url(assets, url);
  if (!target) {
    if (target.error() == abi::FetchError::BadUrl) return VideoFailure{VideoError::BadUrl, "the URL rule refuses it"};
    return VideoFailure{VideoError::Other, "the URL cannot be resolved"};
  }
  if (target.value().http) return std::move(target.value().where);
  const std::string &path = target.value().where;
  struct stat info;
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
    return VideoFailure{VideoError::NotFound, "no such file: " + path};
  }
  if (const std::string *error = gst_init_error()) return VideoFailure{VideoError::Other, "GStreamer: " + *error};
  GError *raw = nullptr;
  GString uri(gst_filename_to_uri(path.c_str(), &raw));
  GErrorPtr error(raw);
  if (!uri) return VideoFailure{VideoError::Other, path + ": " + (error ? error->message : "no URI for it")};
  return std::string(uri.get());
}

struct VideoPlayer::Impl {
  // Declared before the pipeline: destroyed after it (the signal handlers use it).
  std::unique_ptr<Links> links = std::make_unique<Links>();
  Pipeline pipeline;
  GstElement *sink = nullptr;  // owned by the pipeline
  Bus bus;
  bool http = false;
  int64_t duration_ms = 0;
  // Where the decoder stands: `current` is the last frame taken, `ahead` one pulled that is
  // later than the position asked for. `base_ms` is the position last sought (0 at the start):
  // what counts as "taken" before a frame is.
  std::unique_ptr<VideoFrame> current;
  std::unique_ptr<VideoFrame> ahead;
  int64_t base_ms = 0;
  bool eos = false;
  std::optional<VideoFailure> failure;
  bool failure_taken = false;
  uint64_t decoded = 0;

  // Reads the bus: the first error becomes the failure; everything else is dropped (nothing
  // may pile up there).
  void read_bus() {
    while (GstMessage *raw = gst_bus_pop(bus.get())) {
      Message message(raw);
      if (GST_MESSAGE_TYPE(raw) == GST_MESSAGE_ERROR && !failure) failure = failure_of(raw, http);
    }
  }

  // The next decoded frame; null at the end of the stream, on an error, or when none came
  // within kVideoPullTimeoutMs.
  std::unique_ptr<VideoFrame> pull() {
    const auto deadline = Clock::now() + std::chrono::milliseconds(kVideoPullTimeoutMs);
    auto *appsink = GST_APP_SINK(sink);
    for (;;) {
      read_bus();
      if (failure) return nullptr;
      if (Sample sample{gst_app_sink_try_pull_sample(appsink, 20 * GST_MSECOND)}) {
        ++decoded;
        if (auto frame = frame_of(sample.get())) return frame;
        continue;  // a sample that is not a picture: skip it
      }
      if (gst_app_sink_is_eos(appsink)) {
        eos = true;
        return nullptr;
      }
      if (Clock::now() >= deadline) return nullptr;
    }
  }

  // Takes frames up to `target_ms`: the last one at or before it becomes `current`, the first
  // one after it waits in `ahead`.
  void step_to(int64_t target_ms) {
    for (;;) {
      std::unique_ptr<VideoFrame> frame = ahead ? std::move(ahead) : pull();
      if (!frame) return;
      if (frame->pts_ms > target_ms) {
        ahead = std::move(frame);
        return;
      }
      current = std::move(frame);
    }
  }

  void seek(int64_t to_ms) {
    current.reset();
    ahead.reset();
    eos = false;
    base_ms = to_ms;
    // Flushing and accurate: the first frame out is the one showing at `to_ms`. A stream that
    // cannot seek goes on from where it is (step_to then decodes forward).
    gst_element_seek_simple(pipeline.get(), GST_FORMAT_TIME,
                            static_cast<GstSeekFlags>(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE),
                            static_cast<gint64>(to_ms) * GST_MSECOND);
  }

  void seek_to(int64_t target_ms) {
    seek(target_ms);
    step_to(target_ms);
    if (!current && eos && target_ms > 0) {
      // Past the last frame (a stream whose duration outlasts its frames): from a step earlier,
      // decode forward to the last frame.
      seek(std::max<int64_t>(target_ms - kVideoStepLimitMs, 0));
      step_to(target_ms);
    }
  }

  const VideoFrame *shown(int64_t target_ms) const {
    return current && current->pts_ms <= target_ms ? current.get() : nullptr;
  }
};

VideoPlayer::VideoPlayer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VideoPlayer::VideoPlayer(VideoPlayer &&) noexcept = default;
VideoPlayer &VideoPlayer::operator=(VideoPlayer &&) noexcept = default;
VideoPlayer::~VideoPlayer() = default;

Result<VideoPlayer, VideoFailure> VideoPlayer::open(const std::string &uri) {
  if (const std::string *error = gst_init_error()) return VideoFailure{VideoError::Other, "GStreamer: " + *error};
  auto impl = std::make_unique<Impl>();
  impl->http = starts_with_nocase(uri, "http://") || starts_with_nocase(uri, "https://");

  Pipeline pipeline(gst_pipeline_new(nullptr));
  if (!pipeline) return VideoFailure{VideoError::Other, "cannot create a GStreamer pipeline"};
  std::string missing;
  // Each element goes into the pipeline at once, which then owns it.
  const auto make = [&](const char *factory) {
    GstElement *element = gst_element_factory_make(factory, nullptr);
    if (element == nullptr) {
      missing += missing.empty() ? factory : std::string(", ") + factory;
    } else {
      gst_bin_add(GST_BIN(pipeline.get()), element);
    }
    return element;
  };
  GstElement *source = make("uridecodebin");
  GstElement *convert = make("videoconvert");
  GstElement *sink = make("appsink");
  if (!missing.empty()) return VideoFailure{VideoError::Other, "GStreamer elements missing: " + missing};

  g_object_set(source, "uri", uri.c_str(), nullptr);
  Caps caps(gst_caps_new_simple("video/x-raw", "format", G_TYPE_STRING, "BGRA", nullptr));
  gst_app_sink_set_caps(GST_APP_SINK(sink), caps.get());
  // Pulled on demand: no clock, a short queue, nothing dropped.
  g_object_set(sink, "sync", FALSE, "max-buffers", kQueuedFrames, "drop", FALSE, "enable-last-sample", FALSE,
               nullptr);
  if (!gst_element_link(convert, sink)) return VideoFailure{VideoError::Other, "cannot link videoconvert to appsink"};
  impl->links->convert = convert;
  g_signal_connect(source, "pad-added", G_CALLBACK(on_pad_added), impl->links.get());
  g_signal_connect(source, "no-more-pads", G_CALLBACK(on_no_more_pads), impl->links.get());
  g_signal_connect(source, "autoplug-continue", G_CALLBACK(on_autoplug_continue), nullptr);
  impl->bus.reset(gst_element_get_bus(pipeline.get()));
  impl->sink = sink;
  impl->pipeline = std::move(pipeline);
  GstElement *bin = impl->pipeline.get();

  // Preroll: PAUSED is reached when the first frame is decoded (or an error says why not).
  const auto deadline =
      Clock::now() + std::chrono::milliseconds(impl->http ? kVideoHttpOpenTimeoutMs : kVideoOpenTimeoutMs);
  const bool refused = gst_element_set_state(bin, GST_STATE_PAUSED) == GST_STATE_CHANGE_FAILURE;
  for (;;) {
    Message message(gst_bus_timed_pop_filtered(
        impl->bus.get(), 20 * GST_MSECOND,
        static_cast<GstMessageType>(GST_MESSAGE_ERROR | GST_MESSAGE_ASYNC_DONE | GST_MESSAGE_EOS)));
    if (message) {
      const GstMessageType type = GST_MESSAGE_TYPE(message.get());
      if (type == GST_MESSAGE_ERROR) return failure_of(message.get(), impl->http);
      if (type == GST_MESSAGE_EOS) return VideoFailure{VideoError::Decode, "the stream ends before its first frame"};
      if (GST_MESSAGE_SRC(message.get()) == GST_OBJECT(bin)) break;  // ASYNC_DONE: prerolled
    }
    if (impl->links->no_more_pads && !impl->links->video_linked) {
      return VideoFailure{VideoError::Decode, "no video stream"};
    }
    if (refused) return VideoFailure{VideoError::Other, "the pipeline does not start"};
    if (Clock::now() >= deadline) {
      return VideoFailure{impl->http ? VideoError::Network : VideoError::Decode,
                          "no first frame within " +
                              std::to_string(impl->http ? kVideoHttpOpenTimeoutMs : kVideoOpenTimeoutMs) + " ms"};
    }
  }
  if (!impl->links->video_linked) return VideoFailure{VideoError::Decode, "no video stream"};
  {
    Pad input(gst_element_get_static_pad(sink, "sink"));
    Caps caps(input ? gst_pad_get_current_caps(input.get()) : nullptr);
    GstVideoInfo info;
    if (!caps || !gst_video_info_from_caps(&info, caps.get())) {
      return VideoFailure{VideoError::Decode, "no picture format was agreed"};
    }
    if (GST_VIDEO_INFO_WIDTH(&info) > kMaxVideoSide || GST_VIDEO_INFO_HEIGHT(&info) > kMaxVideoSide) {
      return VideoFailure{VideoError::Decode, "the video is " + std::to_string(GST_VIDEO_INFO_WIDTH(&info)) + "x" +
                                                  std::to_string(GST_VIDEO_INFO_HEIGHT(&info)) + ", larger than " +
                                                  std::to_string(kMaxVideoSide) + " on a side"};
    }
  }

  gint64 duration = -1;
  if (gst_element_query_duration(bin, GST_FORMAT_TIME, &duration) && duration > 0) {
    impl->duration_ms = (duration + GST_MSECOND / 2) / GST_MSECOND;
  }
  // PLAYING lets the appsink hand out samples; without sync it only decodes as they are pulled.
  if (gst_element_set_state(bin, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE ||
      gst_element_get_state(bin, nullptr, nullptr, kVideoPullTimeoutMs * GST_MSECOND) == GST_STATE_CHANGE_FAILURE) {
    impl->read_bus();
    if (impl->failure) return std::move(*impl->failure);
    return VideoFailure{VideoError::Other, "the pipeline does not play"};
  }
  return VideoPlayer(std::move(impl));
}

int64_t VideoPlayer::duration_ms() const { return impl_->duration_ms; }

uint64_t VideoPlayer::frames_decoded() const { return impl_->decoded; }

const VideoFrame *VideoPlayer::frame_at(int64_t position_ms) {
  Impl &p = *impl_;
  if (p.failure) return p.current.get();  // done: the last picture stays
  const int64_t target = std::max<int64_t>(position_ms, 0);
  const int64_t from = p.current ? p.current->pts_ms : p.base_ms;
  if (target >= from) {
    // Known already: the frame after the current one is later, or there is none.
    if (p.ahead ? p.ahead->pts_ms > target : p.eos) return p.shown(target);
    if (target - from < kVideoStepLimitMs) {
      p.step_to(target);
      return p.shown(target);
    }
  }
  p.seek_to(target);
  return p.shown(target);
}

std::optional<VideoFailure> VideoPlayer::take_failure() {
  Impl &p = *impl_;
  p.read_bus();
  if (!p.failure || p.failure_taken) return std::nullopt;
  p.failure_taken = true;
  return p.failure;
}

}  // namespace touchline::host
