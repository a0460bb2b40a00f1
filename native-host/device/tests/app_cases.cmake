# The app end to end (issue 7; the device host's half of tests/e2e_app.rs): the app bundle on
# touchline-host over the catalog, pictures and full-length match videos touchline-matchdata
# writes (small videos, the real timeline), a scripted remote, every bus message observed by a
# legacy JS fixture. touchline-app-session (app_session.cc) writes each session's key script
# and checks what happened; run_app_case.cmake runs it and compares the pages with the goldens.

add_executable(touchline-app-session app_session.cc)
target_link_libraries(touchline-app-session PRIVATE nlohmann_json::nlohmann_json)
touchline_warnings(touchline-app-session)

# The app bundle: TOUCHLINE_BUNDLE when given, else `app.bundle` builds it with cargo (a no-op
# when it is up to date).
set(TOUCHLINE_BUNDLE "" CACHE FILEPATH "The app bundle the app.* tests run; empty: build it with cargo")
set(APP_FIXTURES touchline_app_media)
if(TOUCHLINE_BUNDLE)
  set(APP_BUNDLE "${TOUCHLINE_BUNDLE}")
else()
  set(APP_BUNDLE "${TOUCHLINE_ROOT}/target/wasm32-wasip1/bundle/touchline_pages.wasm")
  add_test(NAME app.bundle
    COMMAND "${CARGO}" build --quiet -p touchline-pages --target wasm32-wasip1 --profile bundle
    WORKING_DIRECTORY "${TOUCHLINE_ROOT}")
  set_tests_properties(app.bundle PROPERTIES LABELS app TIMEOUT 1800 FIXTURES_SETUP touchline_bundle)
  list(APPEND APP_FIXTURES touchline_bundle)
endif()

# The media, as tests/support/mod.rs (`match_media`) renders it for the desktop host's e2e test:
# both hosts' sessions play the same files (cached: a second run only checks them).
set(APP_MEDIA "${TOUCHLINE_ROOT}/target/test-media")
add_test(NAME app.media
  COMMAND "${CARGO}" run --quiet -p touchline-matchdata -- build --out "${APP_MEDIA}/catalog"
          --video full --video-size 160x90 --fps 2
  WORKING_DIRECTORY "${TOUCHLINE_ROOT}")
set_tests_properties(app.media PROPERTIES LABELS app TIMEOUT 1800 FIXTURES_SETUP touchline_app_media)

foreach(scenario IN ITEMS reel playback pages)
  add_test(NAME app.${scenario}
    COMMAND "${CMAKE_COMMAND}"
      "-DSCENARIO=${scenario}"
      "-DHOST=$<TARGET_FILE:touchline-host>"
      "-DSESSION=$<TARGET_FILE:touchline-app-session>"
      "-DPROBE=$<TARGET_FILE:touchline-png-probe>"
      "-DBUNDLE=${APP_BUNDLE}"
      "-DMEDIA=${APP_MEDIA}"
      "-DFIXTURES=${FIXTURE_DIR}"
      "-DWORK=${CMAKE_CURRENT_BINARY_DIR}/work/app.${scenario}"
      "-DMODULES=${CMAKE_CURRENT_BINARY_DIR}/work/app.modules"
      "-DGOLDENS=${TOUCHLINE_ROOT}/tests/goldens/app"
      -P "${CMAKE_CURRENT_SOURCE_DIR}/run_app_case.cmake")
  set_tests_properties(app.${scenario} PROPERTIES LABELS app TIMEOUT 900 FIXTURES_REQUIRED "${APP_FIXTURES}")
endforeach()

# The app delivered: `touchline release --assets` puts the media beside the bundle, `touchline
# serve` serves both, and the host, given only the manifest's URL, fetches the catalog, the
# pictures and the match video from the release (the manifest's `assets`): Home, France–Croatia,
# Watch match.
delivery_test(delivered_from_the_release PREFIX app REQUIRES ${APP_FIXTURES}
  STEPS
  "release ${APP_BUNDLE} 1.0.0 --assets ${APP_MEDIA}"
  "launch 0 --size 1280x720 --frames 320 --keys wait,enter,right,enter,enter --key-interval 40"
  "expect summary: frames=320 [^\n]* images_loaded=[1-9][0-9]* images_failed=0 [^\n]* videos_opened=1 videos_failed=0 video_frames=[1-9]"
  "reject warning"
  "requests \"path\":\"/assets/catalog/catalog\\.json\",[^}]*\"status\":20[06]"
  "requests \"path\":\"/assets/catalog/matches/france-croatia-2018/thumbnail\\.png\",[^}]*\"status\":20[06]"
  "requests \"path\":\"/assets/catalog/matches/france-croatia-2018/match\\.json\",[^}]*\"status\":20[06]"
  "requests \"path\":\"/assets/catalog/matches/france-croatia-2018/video\\.webm\",[^}]*\"status\":20[06]"
  "file @WORK@/cdn/assets/catalog/catalog.json")
