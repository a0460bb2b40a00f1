# Video playback (ABI 1.6; docs/host-abi.md, "Video") with the shared fixture
# tests/fixtures/video_probe.wat (at the repository root) and the test video
# @FIXTURES@/assets/videos/colors.webm (4 s, 128x72, red, green, blue, white, one second each),
# written at build time by touchline-make-test-video. At 64x48 the video is contained as 64x36
# at y 6..42; the fixture draws a white 4x4 rect at (0, 0) over it.
#
# The clock: OpenVideo in frame 0, Ready in frame 1 (which asks for Play), so from frame 2 the
# position is t(i) - t(1): 2500 ms at frame 151, 4000 ms (the end) at frame 241.

set(VIDEO --headless --size 64x48 --assets @FIXTURES@/assets)
set(VIDEO_FRAME "@WORK@/out.png 1 1 ffffff" "@WORK@/out.png 32 2 000000" "@WORK@/out.png 32 45 000000")

host_test(plays_on_the_frame_clock PREFIX video
  ARGS @FIXTURES@/video_probe.wasm ${VIDEO} --frames 152 --screenshot @WORK@/out.png
  EXPECT "frame 0000 t=0\\.000ms events=0 commands=2 "
         "frame 0001 t=16\\.666ms events=2 commands=2 "  # Ready, VideoPosition
         "frame 0002 t=33\\.333ms events=2 commands=2 "  # Playing, VideoPosition
         "frame 0003 t=50\\.000ms events=1 commands=2 "
         "bundle info: video ready\n" "bundle info: video playing\n" "bundle info: position 2500 at frame 151\n"
         " videos_opened=1 videos_failed=0 video_frames=[1-9][0-9]*"
  REJECT "warning" "error:" "video ended"
  PIXELS "@WORK@/out.png 32 24 0000ff 40" ${VIDEO_FRAME})

# The same under a still list (every frame after the key is flagged unchanged): the host draws
# the last list again, without its atlas commands, whenever the picture changes.
host_test(plays_under_an_unchanged_list PREFIX video
  ARGS @FIXTURES@/video_probe.wasm ${VIDEO} --keys select --frames 152 --screenshot @WORK@/out.png
  EXPECT "frame 0151 [^\n]*commands=0 bytes=24 " "bundle info: position 2500 at frame 151\n"
  REJECT "warning" "error:"
  PIXELS "@WORK@/out.png 32 24 0000ff 40" ${VIDEO_FRAME})

# Just before the end: white, the last second.
host_test(shows_the_last_second PREFIX video
  ARGS @FIXTURES@/video_probe.wasm ${VIDEO} --frames 240 --screenshot @WORK@/out.png
  REJECT "video ended" "warning" "error"
  PIXELS "@WORK@/out.png 32 24 ffffff 40" ${VIDEO_FRAME})

# At the end: Ended, paused on the last frame (VideoPosition goes on, at the duration).
host_test(ends_on_its_last_frame PREFIX video
  ARGS @FIXTURES@/video_probe.wasm ${VIDEO} --frames 250 --keys select --screenshot @WORK@/out.png
  EXPECT "bundle info: video ended\n" "summary: frames=250 "
  REJECT "warning" "error:"
  PIXELS "@WORK@/out.png 32 24 ffffff 40" ${VIDEO_FRAME})

# No video at the URL: VideoFailed NotFound with the next frame, a warning, and the run goes
# on (exit 0) with the surface black.
host_test(missing_file_keeps_running PREFIX video
  ARGS @FIXTURES@/video_probe.wasm --headless --size 64x48 --assets @WORK@ --frames 10 --screenshot @WORK@/out.png
  EXPECT "warning: frame 0000: video 7 \\(videos/colors\\.webm\\): not found: no such file: "
         "frame 0001 t=16\\.666ms events=1 " "bundle info: video failed: not found\n"
         " videos_opened=0 videos_failed=1 video_frames=0"
  REJECT "video ready" "error:"
  PIXELS "@WORK@/out.png 32 24 000000" "@WORK@/out.png 1 1 ffffff")

# Not a video (text under the video's name): VideoFailed Decode, GStreamer's reason in the
# warning, and the run goes on.
host_test(not_a_video_keeps_running PREFIX video
  ARGS @FIXTURES@/video_probe.wasm --headless --size 64x48 --assets @FIXTURES@/assets/not-a-video --frames 4
       --screenshot @WORK@/out.png
  EXPECT "warning: frame 0000: video 7 \\(videos/colors\\.webm\\): cannot decode: [^\n]+\n"
         "bundle info: video failed: cannot decode\n" " videos_opened=0 videos_failed=1 video_frames=0"
  REJECT "video ready" "error:"
  PIXELS "@WORK@/out.png 32 24 000000" "@WORK@/out.png 1 1 ffffff")

# Bundles older than 1.6 get no video fields in the summary (nor video events).
host_test(no_fields_before_abi_1_6 PREFIX video
  ARGS @FIXTURES@/video_surface.wasm --headless --size 64x48 --frames 2
  REJECT "videos_opened" "video_frames")
