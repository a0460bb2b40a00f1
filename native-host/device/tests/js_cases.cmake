# The legacy JS VM beside the bundle in touchline-host (docs/legacy-js.md), case by case:
# host_test() cases (run_case.cmake) and one delivery_test() case (run_delivery_case.cmake, for
# its `touchline serve`, whose /collect the reports go to). The scripts are fixtures/*.js; the
# app runs are the fault-injection build of the app (@FAULT_BUNDLE@), with the module
# recovery.clean_run compiled. (No unbalanced "[" in patterns.)

set(SMALL --headless --size 64x48)
set(APP_RUN --headless --keys right,right --key-interval 10 --size 1280x720 --quiet)
set(REFERENCE "@WORK_ROOT@/recovery.clean_run")
set(MODULES --module-cache ${REFERENCE}/modules)

# (A step is one string: the flags joined by spaces.)
list(JOIN APP_RUN " " APP_RUN_STEP)
list(JOIN MODULES " " MODULES_STEP)
# The app's own legacy.js mirrors the history and, 5 s into the run (virtual time: frame 300),
# POSTs its batch (the profiles page's page_view metric) to the collector.
delivery_test(session_legacy_reports_reach_the_collector PREFIX js
  REQUIRES touchline_fault_bundle touchline_fault_reference
  STEPS
  "serve"
  "run 0 @FAULT_BUNDLE@ ${APP_RUN_STEP} --frames 400 ${MODULES_STEP} --legacy-js @SOURCE@/pages/legacy/legacy.js --collector http://127.0.0.1:@PORT@/collect"
  "expect summary: frames=400 [^\n]* announcements=3 js_errors=0 js_malformed=0 js_delivered=[1-9][0-9]* js_posted=1 js_dropped=0 reports_sent=[1-9][0-9]* reports_failed=0"
  "reject js: error"
  "collected \"reports\""
  "collected (\"page\":\"profiles\".*\"reports\"|\"reports\".*\"page\":\"profiles\")"
  "collected \"appVersion\":\"dev\""
  "collected \"device\":\"touchline-host\"")

# A handler that throws on every `history` message: each throw is printed and counted, the run
# goes on, and the keys still move the focus: the last frame is the clean run's.
host_test(session_js_throws PREFIX js REQUIRES touchline_fault_bundle touchline_fault_reference
  ARGS @FAULT_BUNDLE@ ${APP_RUN} --frames 100 ${MODULES} --legacy-js @FIXTURES@/throws_on_history.js
       --screenshot @WORK@/out.png
  EXPECT "js: error: Error: history is not welcome here \\(depth 1\\)\n"
         "announce: R Robin, tile, 3 of 4\n"
         "summary: frames=100 [^\n]* announcements=3 js_errors=[1-9][0-9]* js_malformed=0 js_delivered=[1-9][0-9]* "
  SAME_IMAGES "${REFERENCE}/clean.png @WORK@/out.png")

# host.post of values that are not messages: refused and counted (4 at load, 4 per tick), one
# good message posted; the run goes on.
host_test(session_malformed_post PREFIX js
  ARGS @FIXTURES@/minimal.wasm ${SMALL} --frames 5 --legacy-js @FIXTURES@/posts_malformed.js
       --screenshot @WORK@/out.png
  EXPECT "summary: frames=5 [^\n]* announcements=0 js_errors=0 js_malformed=0 js_delivered=0 js_posted=1 js_dropped=24 reports_sent=0 reports_failed=0\n"
  REJECT "js: error"
  PIXELS "@WORK@/out.png 32 24 ff0000")

# A script that does not compile: reported, and the run goes on without JS (no js_ fields).
host_test(session_syntax_error PREFIX js
  ARGS @FIXTURES@/minimal.wasm ${SMALL} --frames 5 --legacy-js @FIXTURES@/syntax_error.js
       --screenshot @WORK@/out.png
  EXPECT "js: error: legacy JS does not compile: SyntaxError: "
         "summary: frames=5 [^\n]* announcements=0\n"
  REJECT "js_errors=" "reports_sent="
  PIXELS "@WORK@/out.png 32 24 ff0000")

# A --legacy-js file that cannot be read is a bad command line.
host_test(bad_legacy_js_path PREFIX js EXIT 2
  ARGS @FIXTURES@/minimal.wasm ${SMALL} --legacy-js @WORK@/missing.js
  EXPECT "error: cannot read [^\n]*missing\\.js: No such file or directory\n"
  REJECT "summary:")

# Without --legacy-js (and no delivered script) there is no VM: no js_ fields.
host_test(no_vm_no_fields PREFIX js
  ARGS @FIXTURES@/minimal.wasm ${SMALL} --frames 2
  EXPECT "announcements=0\n"
  REJECT "js_errors=")

host_test(legacy_js_flag_wants_a_file PREFIX js EXIT 2
  ARGS @FIXTURES@/minimal.wasm --legacy-js=
  EXPECT "error: --legacy-js wants a file")
