#include "test_video.h"

#include <gst/app/gstappsrc.h>
#include <gst/gst.h>

#include <cstring>
#include <memory>

namespace touchline::test {
namespace {

struct PipelineStop {
  void operator()(GstElement *pipeline) const {
    gst_element_set_state(pipeline, GST_STATE_NULL);
    gst_object_unref(pipeline);
  }
};
struct ObjectUnref {
  void operator()(void *object) const { gst_object_unref(object); }
};
struct MessageUnref {
  void operator()(GstMessage *message) const { gst_message_unref(message); }
};
struct ErrorFree {
  void operator()(GError *error) const { g_error_free(error); }
};

}  // namespace

host::Status write_test_video(const std::string &path) {
  GError *raw = nullptr;
  if (!gst_init_check(nullptr, nullptr, &raw)) {
    std::unique_ptr<GError, ErrorFree> error(raw);
    return host::Error{std::string("GStreamer does not start: ") + (error ? error->message : "?")};
  }
  const std::string description =
      "appsrc name=frames format=time block=true caps=video/x-raw,format=BGRx,width=" +
      std::to_string(kTestVideoWidth) + ",height=" + std::to_string(kTestVideoHeight) +
      ",framerate=" + std::to_string(kTestVideoFps) +
      "/1 ! videoconvert ! vp8enc deadline=1 keyframe-max-dist=" + std::to_string(kTestVideoFps) +
      " ! webmmux ! filesink name=file";
  std::unique_ptr<GstElement, PipelineStop> pipeline(gst_parse_launch(description.c_str(), &raw));
  std::unique_ptr<GError, ErrorFree> parse_error(raw);
  if (!pipeline || parse_error) {
    return host::Error{std::string("cannot build the encoder: ") + (parse_error ? parse_error->message : "?")};
  }
  std::unique_ptr<GstElement, ObjectUnref> file(gst_bin_get_by_name(GST_BIN(pipeline.get()), "file"));
  std::unique_ptr<GstElement, ObjectUnref> frames(gst_bin_get_by_name(GST_BIN(pipeline.get()), "frames"));
  g_object_set(file.get(), "location", path.c_str(), nullptr);
  if (gst_element_set_state(pipeline.get(), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    return host::Error{"the encoder does not start"};
  }
  const size_t frame_bytes = static_cast<size_t>(kTestVideoWidth) * kTestVideoHeight * 4;
  for (int i = 0; i < kTestVideoSeconds * kTestVideoFps; ++i) {
    const uint32_t rgb = kTestVideoColors[i / kTestVideoFps];
    const uint8_t bgrx[4] = {static_cast<uint8_t>(rgb), static_cast<uint8_t>(rgb >> 8),
                             static_cast<uint8_t>(rgb >> 16), 0xff};
    GstBuffer *buffer = gst_buffer_new_allocate(nullptr, frame_bytes, nullptr);
    GstMapInfo map;
    gst_buffer_map(buffer, &map, GST_MAP_WRITE);
    for (size_t at = 0; at < frame_bytes; at += 4) std::memcpy(map.data + at, bgrx, 4);
    gst_buffer_unmap(buffer, &map);
    GST_BUFFER_PTS(buffer) = gst_util_uint64_scale(i, GST_SECOND, kTestVideoFps);
    GST_BUFFER_DURATION(buffer) = gst_util_uint64_scale(1, GST_SECOND, kTestVideoFps);
    if (gst_app_src_push_buffer(GST_APP_SRC(frames.get()), buffer) != GST_FLOW_OK) {
      return host::Error{"the encoder refused frame " + std::to_string(i)};
    }
  }
  gst_app_src_end_of_stream(GST_APP_SRC(frames.get()));
  std::unique_ptr<GstBus, ObjectUnref> bus(gst_element_get_bus(pipeline.get()));
  std::unique_ptr<GstMessage, MessageUnref> done(gst_bus_timed_pop_filtered(
      bus.get(), 30 * GST_SECOND, static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR)));
  if (!done) return host::Error{"the encoder did not finish within 30 s"};
  if (GST_MESSAGE_TYPE(done.get()) == GST_MESSAGE_ERROR) {
    GError *error = nullptr;
    gst_message_parse_error(done.get(), &error, nullptr);
    std::unique_ptr<GError, ErrorFree> owned(error);
    return host::Error{std::string("encoding failed: ") + (owned ? owned->message : "?")};
  }
  return host::ok_status();
}

}  // namespace touchline::test
