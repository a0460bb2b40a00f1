# Crash recovery, the bus, the sandbox and precompiled modules (ABI 1.4; docs/host-abi.md,
# "Recovery and the bus"), case by case: host_test() cases (run_case.cmake) and one
# delivery_test() case (run_delivery_case.cmake). (No unbalanced "[" in patterns.)
#
# The recovery.* cases run the real app built with `--features fault-injection` (@FAULT_BUNDLE@),
# which obeys the {"type":"touchline.fault"} messages --inject-fault posts. recovery.clean_run,
# the reference every recovery case compares its last frame with, also compiles the module
# (cold) into its work directory; the other cases load it from there (--module-cache), so only
# one compile is paid per ctest run.

set(SMALL --headless --size 64x48)
set(APP_RUN --headless --keys right,right --key-interval 10 --frames 100 --size 1280x720)
set(REFERENCE "@WORK_ROOT@/recovery.clean_run")
set(MODULES --module-cache ${REFERENCE}/modules)
# The user ends on the profiles page with focus on the third tile.
set(ON_THE_THIRD_TILE "announce: R Robin, tile, 3 of 4\n(frame [^\n]*\n|recovered: [^\n]*\n)*summary: ")

host_test(clean_run PREFIX recovery SETUP touchline_fault_reference REQUIRES touchline_fault_bundle
  ARGS @FAULT_BUNDLE@ ${APP_RUN} --quiet --module-cache @WORK@/modules --screenshot @WORK@/clean.png
  EXPECT "${ON_THE_THIRD_TILE}" "init=ran " "module=compiled"
  REJECT "error" "recovered"
  FILES @WORK@/clean.png)

# A panic, an endless loop and a memory bomb in frame 40: the host restarts the instance from
# the start-up snapshot, hands it the state it saved, and the last frame is pixel-equal to the
# clean run's; frame 40 is the only one not drawn (commands=0 bytes=0: the last good pixels
# stay). These runs start warm, from the snapshot the clean run kept, too.
function(recovery_case name fault kind)
  host_test(${name} PREFIX recovery REQUIRES touchline_fault_bundle touchline_fault_reference
    ARGS @FAULT_BUNDLE@ ${APP_RUN} --recover --inject-fault ${fault}@40 --frame-budget-ms 300
         --memory-limit-mb 128 ${MODULES} --screenshot @WORK@/out.png
    EXPECT "error: bundle trapped in frame 40: "
           "recovered: frame 0040: ${kind} \\([^\n]+\\); restarted in [0-9]+\\.[0-9] ms from the start-up snapshot, restoring the saved state\n"
           "frame 0040 t=666\\.666ms events=[0-9]+ commands=0 bytes=0 engine_us=[0-9]+\n"
           " crashes=1 recovered=1 recovery_ms_mean=[0-9.]+ recovery_ms_max=[0-9.]+ state_saves=[1-9][0-9]* bus_from_bundle=[0-9]+ bus_dropped=0 bus_malformed=0"
           "summary: frames=99 [^\n]* init=snapshot "
           "${ON_THE_THIRD_TILE}"
    REJECT "bytes=0 .*bytes=0 "
    SAME_IMAGES "${REFERENCE}/clean.png @WORK@/out.png")
endfunction()
recovery_case(bundle_panics_on_frame_n panic panic)
recovery_case(infinite_loop_in_a_frame loop watchdog)
recovery_case(memory_bomb oom "out of memory")

# A bundle that traps on frame 5 and every 10 frames after never gets through its start: the
# first restart restores its state, the second starts it fresh, the third trap gives up (exit 3).
host_test(startup_traps_give_up PREFIX recovery EXIT 3 REQUIRES touchline_fault_bundle touchline_fault_reference
  ARGS @FAULT_BUNDLE@ --headless --size 1280x720 --frames 60 --quiet --recover --inject-fault panic@5/10 ${MODULES}
  EXPECT "recovered: frame 0005: panic \\([^\n]+\\); restarted in [0-9.]+ ms from the start-up snapshot, restoring the saved state\n"
         "recovered: frame 0015: panic \\([^\n]+\\); restarted in [0-9.]+ ms from the start-up snapshot\n"
         "error: bundle trapped in frame 25: "
         "error: bundle trapped at start-up 3 times in a row; the last: wasm trap: wasm `unreachable` instruction executed \\(frame 25\\)\n"
         " crashes=2 recovered=2 "
  REJECT "recovered: frame 0025")

# The mechanics on a fixture: the state frame 0 saved comes back as the first event (and
# payload) of the restarted instance's first frame, which then draws green.
host_test(restores_the_saved_state PREFIX recovery
  ARGS @FIXTURES@/restore_state.wasm ${SMALL} --frames 5 --recover --screenshot @WORK@/out.png
  EXPECT "error: bundle trapped in frame 2: wasm trap: wasm `unreachable` instruction executed\n"
         "recovered: frame 0002: panic \\(wasm trap: wasm `unreachable` instruction executed\\); restarted in [0-9.]+ ms from the start-up snapshot, restoring the saved state\n"
         "frame 0002 t=33\\.333ms events=0 commands=0 bytes=0 "
         "frame 0003 t=50\\.000ms events=1 commands=1 "
         "summary: frames=4 [^\n]* crashes=1 recovered=1 [^\n]* state_saves=2 "
  PIXELS "@WORK@/out.png 32 24 00ff00")

# Without --recover a trap still ends the run (exit 3), and the summary has no recovery fields.
host_test(without_recover_a_trap_ends_the_run PREFIX recovery EXIT 3
  ARGS @FIXTURES@/restore_state.wasm ${SMALL} --frames 5 --screenshot @WORK@/out.png
  EXPECT "error: bundle trapped in frame 2: " "summary: frames=2 "
  REJECT "recovered" "crashes="
  PIXELS "@WORK@/out.png 32 24 ff0000")

# Delivered (--manifest implies recovery): a release whose bundle traps in every frame is
# demoted at its third start-up trap and the last good one starts in the same launch.
delivery_test(demoted_in_the_same_launch PREFIX recovery STEPS
  "release minimal 1.0.0"
  "launch 0"
  "expect delivery: running version 1\\.0\\.0 \\(sha256 [0-9a-f]+\\) from the network\n"
  "release trap_at_start 2.0.0"
  "launch 0"
  "expect delivery: running version 2\\.0\\.0 \\(sha256 [0-9a-f]+\\) from the network\n"
  "expect recovered: frame 0000: panic \\([^\n]+\\). restarted in [0-9.]+ ms from the start-up snapshot\n"
  "expect recovered: frame 0001: panic "
  "expect delivery: demoted version 2\\.0\\.0 \\(trapped at start-up 3 times\\)\ndelivery: running last good version 1\\.0\\.0 \\(sha256 [0-9a-f]+\\)\nrecovered: frame 0002: panic "
  # Only the last crash was followed by a frame on screen (the others by another trap).
  "expect summary: frames=117 [^\n]* crashes=3 recovered=1 [^\n]* bundle_source=fallback\n"
  "good \"demoted\": .[ \n]*\"[0-9a-f]"
  "pixel 32 24 ff0000")

# ---- the bus ----

host_test(malformed_post PREFIX bus
  ARGS @FIXTURES@/bus_malformed.wasm ${SMALL} --frames 4 --recover --screenshot @WORK@/out.png
  EXPECT "warning: frame 0001: the bundle posted a malformed bus message: not json\n"
         "frame 0003 t=50\\.000ms events=0 commands=1 "
         " crashes=0 recovered=0 [^\n]* bus_from_bundle=1 bus_dropped=0 bus_malformed=1\n"
  PIXELS "@WORK@/out.png 32 24 ff0000")

host_test(oversized PREFIX bus
  ARGS @FIXTURES@/bus_oversized.wasm ${SMALL} --frames 4 --recover --screenshot @WORK@/out.png
  EXPECT "error: bundle made a malformed request in frame 1: request 0 at byte 0 is malformed: message longer than 65536 bytes\n"
         "frame 0003 t=50\\.000ms events=0 commands=1 "
         " crashes=0 recovered=0 [^\n]* bus_from_bundle=0 bus_dropped=0 bus_malformed=0\n"
  PIXELS "@WORK@/out.png 32 24 ff0000")

# ---- the sandbox ----

host_test(memory_limit PREFIX sandbox
  ARGS @FIXTURES@/memory_bomb.wasm ${SMALL} --frames 4 --recover --memory-limit-mb 4 --screenshot @WORK@/out.png
  EXPECT "recovered: frame 0002: out of memory \\(wasm trap: wasm `unreachable` instruction executed\\); restarted in [0-9.]+ ms from the start-up snapshot\n"
         "frame 0003 t=50\\.000ms events=0 commands=1 "
  PIXELS "@WORK@/out.png 32 24 ff0000")

# No --recover: the endless frame is still stopped (exit 3), not a hung host.
host_test(frame_budget PREFIX sandbox EXIT 3
  ARGS @FIXTURES@/endless_loop.wasm ${SMALL} --frames 3 --frame-budget-ms 50 --screenshot @WORK@/out.png
  EXPECT "error: bundle trapped in frame 1: wasm trap: interrupt \\(the call ran past the host's time limit\\)\n"
  PIXELS "@WORK@/out.png 32 24 ff0000")

host_test(frame_budget_recovered PREFIX sandbox
  ARGS @FIXTURES@/endless_loop.wasm ${SMALL} --frames 3 --frame-budget-ms 50 --recover
  EXPECT "recovered: frame 0001: watchdog \\(wasm trap: interrupt \\(the call ran past the host's time limit\\)\\); restarted in "
         "frame 0002 t=33\\.333ms events=0 commands=1 ")

host_test(bad_flags PREFIX sandbox EXIT 2
  ARGS @FIXTURES@/minimal.wasm --frame-budget-ms 0 --memory-limit-mb 9999
  EXPECT "error: --frame-budget-ms wants")

host_test(bad_fault_spec PREFIX recovery EXIT 2
  ARGS @FIXTURES@/minimal.wasm --inject-fault crash@3
  EXPECT "error: --inject-fault \"crash\": the faults are panic, loop and oom")

# ---- precompiled modules ----

# recovery.clean_run compiled the module (cold) and kept it; this run loads it. Both runs'
# summary lines are printed: compile_ms cold and warm.
host_test(precompiled_warm_start PREFIX cache REQUIRES touchline_fault_bundle touchline_fault_reference
  ARGS @FAULT_BUNDLE@ ${APP_RUN} --quiet ${MODULES} --screenshot @WORK@/out.png
  EXPECT "module=cached" "${ON_THE_THIRD_TILE}"
  SAME_IMAGES "${REFERENCE}/clean.png @WORK@/out.png"
  SHOW "${REFERENCE}/output.log" "@WORK@/output.log")

# A fixture: the first run compiles and keeps the module, the second loads it.
host_test(module_cache_flag PREFIX cache
  BEFORE @FIXTURES@/minimal.wasm ${SMALL} --module-cache @WORK@/modules
  ARGS @FIXTURES@/minimal.wasm ${SMALL} --module-cache @WORK@/modules --screenshot @WORK@/out.png
  EXPECT "module=cached"
  PIXELS "@WORK@/out.png 32 24 ff0000")

host_test(module_cache_is_not_for_manifests PREFIX cache EXIT 2
  ARGS --manifest http://127.0.0.1:9/manifest.json --module-cache @WORK@/modules
  EXPECT "error: --module-cache goes with BUNDLE.wasm")
