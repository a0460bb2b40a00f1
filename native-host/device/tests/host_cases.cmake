# What touchline-host must do, case by case (see host_test() in CMakeLists.txt).
# (No unbalanced "[" in patterns: CMake lists do not split inside square brackets.)
# Bundles are the fixtures/*.wat files, built to @FIXTURES@/NAME.wasm; @WORK@ is a fresh
# directory per test. Fixture lists are 64x48, so the tests run at --size 64x48; the red
# rect of minimal.wat covers (16, 12)-(48, 36).

set(SMALL --headless --size 64x48)

# ---- a good bundle ----
host_test(minimal_renders
  ARGS @FIXTURES@/minimal.wasm ${SMALL} --screenshot @WORK@/out.png
  EXPECT "frame 0000 t=0\\.000ms events=0 commands=1 bytes=64 engine_us=[0-9]+"
         "frame 0001 t=16\\.666ms"
         "summary: frames=2 launch_to_first_frame_ms=[0-9.]+ compile_ms=[0-9.]+ instantiate_ms=[0-9.]+"
         "engine_us_mean=[0-9]+ engine_us_p50=[0-9]+ engine_us_max=[0-9]+"
         "bundle info: hello from the minimal fixture"
  REJECT "frame 0002" "warning"
  FILES @WORK@/out.png
  PIXELS "@WORK@/out.png 32 24 ff0000" "@WORK@/out.png 2 2 000000" "@WORK@/out.png 15 24 000000")

host_test(frames_flag_and_quiet
  ARGS @FIXTURES@/minimal.wasm ${SMALL} --frames 7 --quiet
  EXPECT "summary: frames=7 "
  REJECT "frame 0000")

host_test(default_size_is_1080p
  ARGS @FIXTURES@/minimal.wasm --headless --frames 1 --screenshot @WORK@/out.png
  PIXELS "@WORK@/out.png 32 24 ff0000" "@WORK@/out.png 1919 1079 000000")

host_test(headless_without_display
  UNSET_ENV DISPLAY WAYLAND_DISPLAY
  ARGS @FIXTURES@/minimal.wasm --size 64x48 --screenshot @WORK@/out.png
  EXPECT "summary: frames=2 "
  PIXELS "@WORK@/out.png 32 24 ff0000")

host_test(pulley_engine
  ARGS @FIXTURES@/minimal.wasm ${SMALL} --engine pulley --screenshot @WORK@/out.png
  EXPECT "engine=pulley"
  PIXELS "@WORK@/out.png 32 24 ff0000")

host_test(dump_display_lists
  ARGS @FIXTURES@/minimal.wasm ${SMALL} --frames 3 --dump-display-list @WORK@/lists
  SIZES "@WORK@/lists/frame-0000.tldl=64" "@WORK@/lists/frame-0002.tldl=64"
  NO_FILES @WORK@/lists/frame-0003.tldl)

# Keys: delivered at frame 1 + j * interval as KeyDown + KeyUp, virtual time i * 1e6 / 60
# (keys.wat traps otherwise) and the fill shows the last key: right green, enter blue.
host_test(keys_are_scripted
  ARGS @FIXTURES@/keys.wasm ${SMALL} --keys right,enter --screenshot @WORK@/out.png
  EXPECT "frame 0000 t=0\\.000ms events=0" "frame 0001 t=16\\.666ms events=2"
         "frame 0002 t=33\\.333ms events=2" "frame 0003 t=50\\.000ms events=0" "summary: frames=4 "
  PIXELS "@WORK@/out.png 32 24 0000ff")

host_test(key_interval
  ARGS @FIXTURES@/keys.wasm ${SMALL} --keys right --key-interval 3 --frames 3 --screenshot @WORK@/out.png
  EXPECT "frame 0001 t=16\\.666ms events=2" "frame 0002 t=33\\.333ms events=0"
  PIXELS "@WORK@/out.png 32 24 00ff00")

host_test(key_interval_default_frames
  ARGS @FIXTURES@/keys.wasm ${SMALL} --keys right,enter,back --key-interval 2
  EXPECT "frame 0001 [^\n]*events=2" "frame 0003 [^\n]*events=2" "frame 0005 [^\n]*events=2"
         "frame 0002 [^\n]*events=0" "summary: frames=8 ")

host_test(glyph_atlas_lives_across_frames
  ARGS @FIXTURES@/glyphs.wasm ${SMALL} --frames 3 --screenshot @WORK@/out.png
  PIXELS "@WORK@/out.png 11 11 00ff00" "@WORK@/out.png 13 13 00ff00" "@WORK@/out.png 14 14 000000")

host_test(unchanged_frames_keep_pixels
  ARGS @FIXTURES@/unchanged.wasm ${SMALL} --frames 3 --screenshot @WORK@/out.png
  EXPECT "frame 0001 [^\n]*commands=0 bytes=24"
  PIXELS "@WORK@/out.png 32 24 ff0000")

string(REPEAT "a" 4096 LOG_LINE_4096)  # MAX_LOG_LINE_BYTES
host_test(log_is_bounded_and_sanitised
  ARGS @FIXTURES@/log_abuse.wasm ${SMALL} --screenshot @WORK@/out.png
  EXPECT "bundle warn: bell\\? and escape\\?.31m done" "bundle info: ${LOG_LINE_4096}\n"
         "bundle level 99: bell"
  REJECT "${LOG_LINE_4096}a"
  PIXELS "@WORK@/out.png 32 24 ff0000")

# ---- ABI 1.1: gradients, shadows, images and image requests ----
# The request fixtures load @FIXTURES@/assets/images/crest.png (8x6, left half red, right half
# blue) and garbage.png (text), written by touchline-make-test-assets. The desktop host's tests
# run the same fixtures (and compare both hosts' screenshots of new_commands.wat).
set(ASSETS --assets @FIXTURES@/assets)
set(NEW --headless --size 200x150 ${ASSETS})

# new_commands.wat: values as the desktop host renders them (see that fixture for the list).
host_test(gradient_runs_between_its_stops
  ARGS @FIXTURES@/new_commands.wasm ${NEW} --screenshot @WORK@/out.png
  PIXELS "@WORK@/out.png 12 24 ef1000" "@WORK@/out.png 80 24 00fd02" "@WORK@/out.png 148 24 000cf3"
         "@WORK@/out.png 7 24 000000"
         # half opacity over a gradient to a translucent stop (straight-alpha interpolation)
         "@WORK@/out.png 40 106 7a7208" "@WORK@/out.png 40 140 280425")

host_test(shadow_follows_the_formula
  ARGS @FIXTURES@/new_commands.wasm ${NEW} --screenshot @WORK@/out.png
  # c0c0ff at coverage smoothstep(0.5 - 2.5 / 12) at x 13.5, nothing 6 px out, the box on top
  PIXELS "@WORK@/out.png 13 76 272734 1" "@WORK@/out.png 8 76 000000 0" "@WORK@/out.png 40 76 303030"
         # rotated and scaled: full inside
         "@WORK@/out.png 184 35 80ff80")

host_test(images_fit_contain_and_cover
  ARGS @FIXTURES@/new_commands.wasm ${NEW} --screenshot @WORK@/out.png
  EXPECT "frame 0001 [^\n]*events=1 " "images_loaded=1 images_failed=0"
  REJECT "warning"
  # contain: bars left and right of the image untouched; cover: cropped to its box
  PIXELS "@WORK@/out.png 85 60 000000 0" "@WORK@/out.png 100 60 ff0000" "@WORK@/out.png 128 60 0000ff"
         "@WORK@/out.png 78 100 000000 0" "@WORK@/out.png 82 100 ff0000" "@WORK@/out.png 140 100 0000ff"
         # fill, rotated, in a rounded clip; and an image never loaded draws nothing
         "@WORK@/out.png 176 62 0000ff" "@WORK@/out.png 170 120 000000 0")

# images.wat: five loads in frame 0, answered in frame 1 (the fixture traps on anything else).
host_test(image_requests_are_answered_in_the_next_frame
  ARGS @FIXTURES@/images.wasm ${SMALL} ${ASSETS} --screenshot @WORK@/out.png
  EXPECT "frame 0000 t=0\\.000ms events=0 " "frame 0001 t=16\\.666ms events=5 "
         "warning: frame 0000: image 2 \\(\\.\\./secret\\.png\\): bad URL"
         "warning: frame 0000: image 3 \\(images/missing\\.png\\): not found"
         "warning: frame 0000: image 4 \\(images/garbage\\.png\\): cannot decode"
         "warning: frame 0000: image 5 \\(http://example\\.com/a\\.png\\): bad URL"
         "bundle info: image 1 loaded 8x6" "bundle info: image 2 failed: bad URL"
         "bundle info: image 3 failed: not found" "bundle info: image 4 failed: cannot decode"
         "bundle info: image 5 failed: bad URL"
         "engine=cranelift images_loaded=1 images_failed=4"
  PIXELS "@WORK@/out.png 20 20 ff0000" "@WORK@/out.png 44 30 0000ff" "@WORK@/out.png 10 10 000000")

host_test(unloaded_images_are_not_drawn
  ARGS @FIXTURES@/images.wasm ${SMALL} ${ASSETS} --frames 4 --screenshot @WORK@/out.png
  EXPECT "summary: frames=4 "
  PIXELS "@WORK@/out.png 20 20 000000")

host_test(image_requests_on_pulley
  ARGS @FIXTURES@/images.wasm ${SMALL} ${ASSETS} --engine pulley --screenshot @WORK@/out.png
  EXPECT "bundle info: image 1 loaded 8x6" "engine=pulley images_loaded=1 images_failed=4"
  PIXELS "@WORK@/out.png 20 20 ff0000")

# No --assets: `assets` in the current directory (the case's work directory).
host_test(default_asset_root_is_assets
  COPY "@FIXTURES@/assets=@WORK@"
  ARGS @FIXTURES@/images.wasm ${SMALL} --screenshot @WORK@/out.png
  EXPECT "bundle info: image 1 loaded 8x6"
  PIXELS "@WORK@/out.png 20 20 ff0000")

host_test(missing_asset_root_means_not_found EXIT 3
  ARGS @FIXTURES@/images.wasm ${SMALL} --assets @WORK@/nowhere
  EXPECT "warning: frame 0000: image 1 \\(images/crest\\.png\\): not found"
         "error: bundle trapped in frame 1: [^\n]*unreachable")

host_test(malformed_requests_are_reported
  ARGS @FIXTURES@/requests_malformed.wasm ${SMALL} ${ASSETS} --frames 8
  EXPECT "error: bundle made a malformed request in frame 0: request 1 at byte 32 is malformed: length is not a multiple of 4 of at least 8"
         "error: bundle made a malformed request in frame 1: request 0 at byte 0 is malformed: URL runs past the record"
         "error: bundle made a malformed request in frame 2: request 0 at byte 0 is malformed: URL is not UTF-8"
         "error: bundle made a malformed request in frame 3: request 0 at byte 0 is malformed: URL longer than 2048 bytes"
         "error: bundle made a malformed request in frame 4: request 0 at byte 0 is malformed: header runs past the end"
         "error: bundle made a malformed request in frame 5: request 0 at byte 0 is malformed: payload too short"
         "error: bundle made a malformed request in frame 6: request 0 at byte 0 is malformed: runs past the end"
         "bundle info: image 1 loaded 8x6" "summary: frames=8 ")

host_test(request_buffer_out_of_bounds EXIT 3
  ARGS @FIXTURES@/requests_oob.wasm ${SMALL} --frames 3 --screenshot @WORK@/out.png
  EXPECT "error: bundle returned a bad request buffer in frame 1: RequestBuffer at 2147483632 is outside linear memory of 131072 bytes"
         "summary: frames=1 "
  PIXELS "@WORK@/out.png 32 24 ff0000")

host_test(request_buffer_too_big EXIT 3
  ARGS @FIXTURES@/requests_too_big.wasm ${SMALL} --frames 3
  EXPECT "error: bundle returned a bad request buffer in frame 1: requests of 1048580 bytes are larger than MAX_REQUEST_BYTES \\(1048576\\)")

host_test(request_records_out_of_bounds EXIT 3
  ARGS @FIXTURES@/requests_records_oob.wasm ${SMALL} --frames 3
  EXPECT "error: bundle returned a bad request buffer in frame 1: request list at 131040 \\(64 bytes\\) is outside linear memory of 131072 bytes")

host_test(requests_export_of_the_wrong_type EXIT 1
  ARGS @FIXTURES@/requests_wrong_type.wasm --headless
  EXPECT "error: the bundle's export `touchline_requests` has the wrong type \\(expected \\(\\) -> i32\\)")

# ---- ABI 1.2: announcements ----
# announce.wat: "Tile 3, button, 3 of 12" in frame 0, two more in frame 1 (the fixture traps
# if anything answers them). Each is spoken as one `announce: TEXT` line on stdout, control
# characters shown as `?`, before the frame line of the frame that made it, --quiet or not.
host_test(announcements_are_spoken
  ARGS @FIXTURES@/announce.wasm ${SMALL} --frames 3 --screenshot @WORK@/out.png
  EXPECT "announce: Tile 3, button, 3 of 12\nframe 0000 "
         "announce: Équipe à domicile\nannounce: bell\\? tab\\? next\\?line\nframe 0001 "
         "frame 0002 [^\n]*\nsummary: frames=3 "
         " images_loaded=0 images_failed=0 announcements=3\n"
  REJECT "error" "warning"
  PIXELS "@WORK@/out.png 32 24 ff0000")

host_test(announcements_when_quiet
  ARGS @FIXTURES@/announce.wasm ${SMALL} --quiet
  EXPECT "announce: Tile 3, button, 3 of 12\nannounce: " " announcements=3\n"
  REJECT "frame 0000")

host_test(announcements_on_pulley
  ARGS @FIXTURES@/announce.wasm ${SMALL} --engine pulley
  EXPECT "announce: Tile 3, button, 3 of 12" "engine=pulley images_loaded=0 images_failed=0 announcements=3")

# announce_malformed.wat: bad Announce records are reported like any malformed request; the
# records before the bad one are spoken, those after it are not, and the run goes on.
host_test(malformed_announcements_are_reported
  ARGS @FIXTURES@/announce_malformed.wasm ${SMALL} --frames 6
  EXPECT "announce: Tile 3, button, 3 of 12\n"
         "error: bundle made a malformed request in frame 0: request 1 at byte 36 is malformed: text runs past the record"
         "error: bundle made a malformed request in frame 1: request 0 at byte 0 is malformed: text is not UTF-8"
         "error: bundle made a malformed request in frame 2: request 0 at byte 0 is malformed: text longer than 1024 bytes"
         "error: bundle made a malformed request in frame 3: request 0 at byte 0 is malformed: payload too short"
         "announce: still here\nframe 0004 "
         "summary: frames=6 [^\n]* announcements=2\n"
  REJECT "not spoken" "Menu" "trapped")

# ---- ABI 1.3: fetch, and VideoSurface drawn as opaque black ----
# fetch.wat: five fetches of asset files in frame 0 (one cancelled), answered in frame 1 in
# request order; the fixture traps on any other answer, checks the body bytes in the payload
# after the records and turns its rect green when all is right. Each delivered answer prints
# a `fetch:` line before the line of the frame it goes to (not with --quiet).
host_test(fetch_answers_asset_files_in_the_next_frame
  ARGS @FIXTURES@/fetch.wasm ${SMALL} ${ASSETS} --frames 3 --screenshot @WORK@/out.png
  EXPECT "frame 0000 t=0\\.000ms events=0 "
         "fetch: data/hello\\.txt -> 200 \\(17 bytes\\)\nfetch: data/missing\\.json -> 404 \\(0 bytes\\)\nfetch: \\.\\./secret\\.txt -> failed: bad URL\nfetch: data -> 404 \\(0 bytes\\)\nframe 0001 t=16\\.666ms events=4 "
         "bundle info: fetch 1: 200, 17 bytes" "bundle info: fetch 2: 404, 0 bytes"
         "bundle info: fetch 3 failed: bad URL" "bundle info: fetch 5: 404, 0 bytes"
         "bundle info: body of fetch 1 is right" "summary: frames=3 "
  REJECT "trapped" "error" "fetch: [^\n]*\nfetch: [^\n]*\nfetch: [^\n]*\nfetch: [^\n]*\nfetch: "
  PIXELS "@WORK@/out.png 32 24 00ff00" "@WORK@/out.png 2 2 000000")

host_test(fetch_when_quiet
  ARGS @FIXTURES@/fetch.wasm ${SMALL} ${ASSETS} --frames 3 --quiet --screenshot @WORK@/out.png
  EXPECT "bundle info: body of fetch 1 is right" "summary: frames=3 "
  REJECT "fetch: " "frame 0000"
  PIXELS "@WORK@/out.png 32 24 00ff00")

host_test(fetch_on_pulley
  ARGS @FIXTURES@/fetch.wasm ${SMALL} ${ASSETS} --frames 3 --engine pulley --screenshot @WORK@/out.png
  EXPECT "bundle info: body of fetch 1 is right" "engine=pulley"
  PIXELS "@WORK@/out.png 32 24 00ff00")

# No asset root there: data/hello.txt is a 404, which the fixture does not expect.
host_test(fetch_from_a_missing_asset_root_is_404 EXIT 3
  ARGS @FIXTURES@/fetch.wasm ${SMALL} --assets @WORK@/nowhere --frames 3
  EXPECT "fetch: data/hello\\.txt -> 404 \\(0 bytes\\)" "error: bundle trapped in frame 1: [^\n]*unreachable")

# fetch_malformed.wat: bad Fetch and CancelFetch records are reported like any malformed
# request; the record before the bad one in frame 0 is carried out and the run goes on.
host_test(malformed_fetches_are_reported
  ARGS @FIXTURES@/fetch_malformed.wasm ${SMALL} ${ASSETS} --frames 9
  EXPECT "error: bundle made a malformed request in frame 0: request 1 at byte 44 is malformed: unknown fetch method"
         "error: bundle made a malformed request in frame 1: request 0 at byte 0 is malformed: URL longer than 2048 bytes"
         "error: bundle made a malformed request in frame 2: request 0 at byte 0 is malformed: body longer than 65536 bytes"
         "error: bundle made a malformed request in frame 3: request 0 at byte 0 is malformed: URL runs past the record"
         "error: bundle made a malformed request in frame 4: request 0 at byte 0 is malformed: body runs past the record"
         "error: bundle made a malformed request in frame 5: request 0 at byte 0 is malformed: URL is not UTF-8"
         "error: bundle made a malformed request in frame 6: request 0 at byte 0 is malformed: payload too short"
         "error: bundle made a malformed request in frame 7: request 0 at byte 0 is malformed: payload too short"
         "fetch: data/hello\\.txt -> 200 \\(17 bytes\\)\nframe 0001 " "bundle info: fetch 9: 200, 17 bytes"
         "summary: frames=9 "
  REJECT "trapped")

host_test(video_surface_is_opaque_black
  ARGS @FIXTURES@/video_surface.wasm ${SMALL} --frames 1 --screenshot @WORK@/out.png
  PIXELS "@WORK@/out.png 8 4 000000" "@WORK@/out.png 27 13 000000" "@WORK@/out.png 28 13 ffffff"
         "@WORK@/out.png 10 6 ff0000" "@WORK@/out.png 45 25 000000" "@WORK@/out.png 35 25 ffffff"
         "@WORK@/out.png 4 44 808080 1" "@WORK@/out.png 20 28 000000")

# ---- bundles that cannot be used: exit 1 ----
host_test(missing_file EXIT 1
  ARGS @WORK@/no-such-bundle.wasm --headless
  EXPECT "error: cannot read [^\n]*no-such-bundle\\.wasm: No such file or directory")

host_test(directory_is_not_a_bundle EXIT 1
  ARGS @WORK@ --headless
  EXPECT "error: cannot read")

host_test(not_a_wasm_file EXIT 1
  ARGS @FIXTURES@/not-a-bundle.txt --headless
  EXPECT "error: [^\n]*not-a-bundle\\.txt is not a WebAssembly module")

host_test(truncated_module EXIT 1
  ARGS @FIXTURES@/truncated.wasm --headless
  EXPECT "error: cannot compile [^\n]*truncated\\.wasm: ")

host_test(wrong_abi_major EXIT 1
  ARGS @FIXTURES@/abi_v2.wasm --headless
  EXPECT "error: bundle speaks ABI 2\\.0, this host speaks 1\\.x"
  REJECT "trapped" "summary:")

host_test(missing_export EXIT 1
  ARGS @FIXTURES@/missing_export.wasm --headless
  EXPECT "error: the bundle does not export `touchline_frame`")

host_test(wrong_export_signature EXIT 1
  ARGS @FIXTURES@/wrong_signature.wasm --headless
  EXPECT "error: the bundle's export `touchline_frame` has the wrong type \\(expected \\(i64, i32\\) -> i32\\)")

host_test(unknown_import EXIT 1
  ARGS @FIXTURES@/unknown_import.wasm --headless
  EXPECT "error: cannot instantiate [^\n]*unknown import[^\n]*env::does_not_exist")

host_test(trap_in_init EXIT 1
  ARGS @FIXTURES@/init_trap.wasm --headless --screenshot @WORK@/out.png
  EXPECT "error: the bundle trapped in touchline_init: [^\n]*unreachable"
  NO_FILES @WORK@/out.png)

host_test(init_status_error EXIT 1
  ARGS @FIXTURES@/init_status.wasm --headless
  EXPECT "error: touchline_init failed with status -2 \\(BadArgument\\)")

# ---- failures during a frame: exit 3, last good frame kept ----
host_test(trap_in_frame_2 EXIT 3
  ARGS @FIXTURES@/trap_frame2.wasm ${SMALL} --frames 5 --screenshot @WORK@/out.png
  EXPECT "frame 0001 " "error: bundle trapped in frame 2: [^\n]*unreachable" "summary: frames=2 "
  REJECT "frame 0002 "
  PIXELS "@WORK@/out.png 32 24 ff0000")

host_test(command_past_the_end EXIT 3
  ARGS @FIXTURES@/bad_len.wasm ${SMALL} --screenshot @WORK@/out.png --dump-display-list @WORK@/lists
  EXPECT "error: bundle returned a malformed display list in frame 0: command 0 at byte 24 is malformed: runs past the end"
         "no frame was rendered"
  NO_FILES @WORK@/out.png
  SIZES "@WORK@/lists/frame-0000.tldl=64")

host_test(bad_magic_in_frame_1 EXIT 3
  ARGS @FIXTURES@/bad_magic.wasm ${SMALL} --screenshot @WORK@/out.png
  EXPECT "error: bundle returned a malformed display list in frame 1: display list magic is 0x4c444c58"
  PIXELS "@WORK@/out.png 32 24 ff0000")

host_test(frame_returns_null EXIT 3
  ARGS @FIXTURES@/frame_null.wasm ${SMALL}
  EXPECT "error: bundle returned a malformed display list in frame 0: touchline_frame returned 0")

host_test(frame_output_out_of_bounds EXIT 3
  ARGS @FIXTURES@/frame_oob.wasm ${SMALL}
  EXPECT "frame 0: FrameOutput at 2147483632 is outside linear memory of 131072 bytes")

host_test(display_list_out_of_bounds EXIT 3
  ARGS @FIXTURES@/list_oob.wasm ${SMALL}
  EXPECT "frame 0: display list at 131040 \\(64 bytes\\) is outside linear memory")

host_test(display_list_too_big EXIT 3
  ARGS @FIXTURES@/list_too_big.wasm ${SMALL}
  EXPECT "frame 0: display list of 2147483647 bytes is larger than MAX_DISPLAY_LIST_BYTES")

host_test(input_buffer_out_of_bounds EXIT 3
  ARGS @FIXTURES@/input_oob.wasm ${SMALL} --keys up --screenshot @WORK@/out.png
  EXPECT "frame 0000 " "frame 1: touchline_input_buffer returned 2147483392 for 32 bytes"
  PIXELS "@WORK@/out.png 32 24 ff0000")

host_test(stack_overflow_is_a_trap EXIT 3
  ARGS @FIXTURES@/stack_overflow.wasm ${SMALL}
  EXPECT "error: bundle trapped in frame 0: [^\n]*call stack exhausted")

host_test(memory_fault_is_a_trap EXIT 3
  ARGS @FIXTURES@/mem_oob.wasm ${SMALL}
  EXPECT "error: bundle trapped in frame 0: [^\n]*out of bounds memory access")

host_test(divide_by_zero_is_a_trap EXIT 3
  ARGS @FIXTURES@/div_zero.wasm ${SMALL}
  EXPECT "error: bundle trapped in frame 0: [^\n]*integer divide by zero")

host_test(proc_exit_ends_the_bundle EXIT 3
  ARGS @FIXTURES@/proc_exit.wasm ${SMALL}
  EXPECT "stdout through WASI" "error: bundle trapped in frame 0: the bundle exited with proc_exit\\(7\\)")

# ---- command line: exit 2 ----
host_test(help EXIT 0 ARGS --help EXPECT "usage: touchline-host BUNDLE\\.wasm" "--assets DIR")
host_test(no_bundle EXIT 2 ARGS --headless EXPECT "error: no bundle given" "usage:")
host_test(unknown_flag EXIT 2 ARGS @FIXTURES@/minimal.wasm --bogus EXPECT "unknown flag `--bogus`")
host_test(bad_size EXIT 2 ARGS @FIXTURES@/minimal.wasm --size 64 EXPECT "--size wants WxH")
host_test(zero_size EXIT 2 ARGS @FIXTURES@/minimal.wasm --size 0x10 EXPECT "--size wants WxH")
host_test(unknown_key EXIT 2 ARGS @FIXTURES@/minimal.wasm --keys right,jump EXPECT "unknown key `jump`")
host_test(bad_frames EXIT 2 ARGS @FIXTURES@/minimal.wasm --frames -1 EXPECT "--frames wants a whole number")
host_test(bad_engine EXIT 2 ARGS @FIXTURES@/minimal.wasm --engine v8 EXPECT "--engine wants cranelift or pulley")
host_test(zero_key_interval EXIT 2 ARGS @FIXTURES@/minimal.wasm --key-interval 0 EXPECT "--key-interval wants")
host_test(missing_flag_value EXIT 2 ARGS @FIXTURES@/minimal.wasm --screenshot EXPECT "--screenshot wants a file name")
host_test(missing_assets_value EXIT 2 ARGS @FIXTURES@/minimal.wasm --assets EXPECT "--assets wants a directory")
host_test(two_bundles EXIT 2 ARGS @FIXTURES@/minimal.wasm @FIXTURES@/keys.wasm EXPECT "one bundle only")
host_test(equals_form
  ARGS @FIXTURES@/minimal.wasm --headless --size=64x48 --frames=1 --screenshot=@WORK@/out.png
  EXPECT "summary: frames=1 "
  PIXELS "@WORK@/out.png 32 24 ff0000")

# ---- window mode, when an X server can be faked ----
find_program(XVFB_RUN xvfb-run)
if(XVFB_RUN AND SDL2_FOUND)
  host_test(window_screenshot_reads_back_the_window
    WRAPPER "${XVFB_RUN}" -a -s "-screen 0 640x480x24"
    ARGS @FIXTURES@/keys.wasm --size 64x48 --keys right --frames 3 --screenshot @WORK@/out.png
    REJECT "running headless"
    PIXELS "@WORK@/out.png 32 24 00ff00" "@WORK@/out.png 2 2 000000")
endif()
