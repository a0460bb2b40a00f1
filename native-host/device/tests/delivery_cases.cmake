# Delivery at launch (docs/delivery.md), case by case: each delivery_test() is one CTest test
# `delivery.NAME`, its STEPS run by run_delivery_case.cmake against `touchline serve` (the
# steps are described there). (No unbalanced "[" and no ";" in steps: CMake lists split there.)
#
# Versions are told apart by what they draw (at --size 64x48): 1.0.0 is minimal.wat, a red
# rect over the centre (32, 24); 2.0.0 is glyphs.wat, a green box at (11, 11) on black.

set(SHA "\\(sha256 [0-9a-f]+\\)")
set(V1_RUNS "pixel 32 24 ff0000")
set(V2_RUNS "pixel 11 11 00ff00" "pixel 32 24 000000")
set(FALLBACK_TO_V1
  "expect delivery: running last good version 1\\.0\\.0 ${SHA}\n"
  "expect bundle_source=fallback"
  ${V1_RUNS})
# Release 1.0.0 and run it from the network for 120 frames: it becomes good.
set(GOOD_V1
  "release minimal 1.0.0"
  "launch 0"
  "expect delivery: running version 1\\.0\\.0 ${SHA} from the network\n"
  "expect bundle_source=network"
  "reject delivery: failed"
  "good \"good\": .[ \n]*.[ \n]*\"version\": \"1\\.0\\.0\""
  ${V1_RUNS})

# ---- one case per network fault ----

delivery_test(server_down STEPS ${GOOD_V1}
  "release glyphs 2.0.0"
  "stop"
  "launch 0"
  "expect delivery: failed: manifest unreachable: connection refused\n"
  ${FALLBACK_TO_V1})

delivery_test(not_found_404 STEPS ${GOOD_V1}
  "release glyphs 2.0.0"
  "faults status=404@bundles/"
  "launch 0"
  "expect delivery: failed: bundle HTTP 404\n"
  ${FALLBACK_TO_V1}
  # A 4xx is not retried: one 404 only.
  "requests \"status\": *404"
  "no_requests \"status\": *404.*\"status\": *404")

delivery_test(server_error_500 STEPS ${GOOD_V1}
  "release glyphs 2.0.0"
  "faults status=500@manifest.json"
  "launch 0"
  "expect delivery: failed: manifest HTTP 500\n"
  ${FALLBACK_TO_V1}
  # Three attempts, then it gives up.
  "requests \"status\": *500.*\"status\": *500.*\"status\": *500"
  "no_requests \"status\": *500.*\"status\": *500.*\"status\": *500.*\"status\": *500")

delivery_test(retry_500_once STEPS ${GOOD_V1}
  "release glyphs 2.0.0"
  "faults status=500@manifest.json#1 status=503@bundles/#1"
  "launch 0"
  "reject delivery: failed"
  "expect delivery: running version 2\\.0\\.0 ${SHA} from the network\n"
  "expect bundle_source=network"
  ${V2_RUNS}
  "requests \"status\": *500.*\"status\": *503"
  "good \"good\": .[ \n]*.[ \n]*\"version\": \"2\\.0\\.0\"")

delivery_test(slow_beyond_timeout STEPS ${GOOD_V1}
  "release glyphs 2.0.0"
  "faults delay=3000@bundles/"
  "launch 0 --download-timeout-ms 300"
  "expect delivery: failed: bundle unreachable: timeout\n"
  ${FALLBACK_TO_V1})

# Each answer stops after 100 bytes: three attempts (the 2nd and 3rd resuming) get 300 of 492.
delivery_test(truncated_bundle STEPS ${GOOD_V1}
  "release glyphs 2.0.0"
  "faults truncate=100@bundles/"
  "launch 0"
  "expect delivery: failed: bundle truncated: got 300 of 492 bytes\n"
  ${FALLBACK_TO_V1}
  "requests \"range\": *\"bytes=100-\".*\"range\": *\"bytes=200-\"")

# The next launch resumes where the last one stopped (`Range: bytes=300-`, a 206).
delivery_test(resume_after_truncation STEPS ${GOOD_V1}
  "release glyphs 2.0.0"
  "faults truncate=100@bundles/"
  "launch 0"
  "expect delivery: failed: bundle truncated: got 300 of 492 bytes\n"
  ${FALLBACK_TO_V1}
  "faults"
  "launch 0"
  "reject delivery: failed"
  "expect delivery: running version 2\\.0\\.0 ${SHA} from the network\n"
  ${V2_RUNS}
  "requests \"range\": *\"bytes=300-\",[^}]*\"status\": *206")

# A CDN serving wrong bytes would serve them again: not retried.
delivery_test(flipped_byte STEPS ${GOOD_V1}
  "release glyphs 2.0.0"
  "faults corrupt=40@bundles/"
  "launch 0"
  "expect delivery: failed: bundle hash mismatch\n"
  ${FALLBACK_TO_V1}
  "no_requests bundles/touchline-.*bundles/touchline-.*bundles/touchline-")

delivery_test(bad_signature STEPS ${GOOD_V1}
  "keygen other"
  "release glyphs 2.0.0 --key @WORK@/other.secret"
  "launch 0"
  "expect delivery: failed: bad signature\n"
  ${FALLBACK_TO_V1})

delivery_test(wrong_abi STEPS ${GOOD_V1}
  "release abi_v2 2.0.0"
  "launch 0"
  "expect delivery: failed: wrong ABI: bundle speaks 2\\.0, host speaks 1\\.x\n"
  ${FALLBACK_TO_V1})

delivery_test(no_cache_no_bundle STEPS
  "release minimal 1.0.0"
  "faults status=404@manifest.json"
  "launch 1"
  "expect delivery: failed: manifest HTTP 404\n"
  "expect error: no bundle to run: manifest HTTP 404\n"
  "reject delivery: running"
  "reject summary:"
  "stop"
  "launch 1"
  "expect error: no bundle to run: manifest unreachable: connection refused\n")

# ---- start-up: the cache, bundles that do not start, demotion ----

# Unchanged manifest (its ETag answered with a 304): everything from the cache.
delivery_test(cached_second_launch STEPS ${GOOD_V1}
  "launch 0"
  "expect delivery: running version 1\\.0\\.0 ${SHA} from the cache\n"
  "expect bundle_source=cache"
  ${V1_RUNS}
  "requests \"status\": *304")

# Step 6: what the manifest names must start (signed and hashed as it is, it is still no bundle).
delivery_test(not_wasm STEPS ${GOOD_V1}
  "release not-a-bundle.txt 2.0.0 --abi 1.0"
  "launch 0"
  "expect delivery: failed: bundle does not start: .*is not a WebAssembly module"
  ${FALLBACK_TO_V1})

delivery_test(init_trap STEPS ${GOOD_V1}
  "release init_trap 2.0.0"
  "launch 0"
  "expect delivery: failed: bundle does not start: the bundle trapped in touchline_init"
  ${FALLBACK_TO_V1})

# trap_frame2.wat traps in frame 2. With --manifest the host recovers (restarts it), and each
# trap before 120 frames counts: launches of 3 frames trap once each, and the third launch in a
# row demotes it (the last good one starts at once, in the same launch).
delivery_test(demoted_after_three_traps STEPS ${GOOD_V1}
  "release trap_frame2 2.0.0"
  "launch 0 --frames 3"
  "expect delivery: running version 2\\.0\\.0 ${SHA} from the network\n"
  "expect recovered: frame 0002: panic "
  "reject demoted"
  "launch 0 --frames 3"
  "reject demoted"
  "launch 0 --frames 3"
  "expect delivery: demoted version 2\\.0\\.0 \\(trapped at start-up 3 times\\)\n"
  "expect delivery: running last good version 1\\.0\\.0 ${SHA}\n"
  "good \"demoted\": .[ \n]*\"[0-9a-f]"
  "launch 0"
  "expect delivery: failed: bundle demoted: version 2\\.0\\.0 trapped at start-up 3 times\n"
  ${FALLBACK_TO_V1})

# Legacy JS goes with its bundle (gzip-encoded by the server, checked decoded): without it,
# the release does not run.
delivery_test(legacy_js STEPS
  "write @WORK@/v1.js console.log('one')"
  "write @WORK@/v2.js console.log('two')"
  "release minimal 1.0.0 --legacy-js @WORK@/v1.js"
  "launch 0"
  "expect delivery: running version 1\\.0\\.0 ${SHA} from the network\n"
  "good \"js_sha256\": \"[0-9a-f]"
  "requests \"path\": *\"/?js/legacy-[0-9a-f]+\\.js\", *\"range\": *null, *\"status\": *200"
  "release glyphs 2.0.0 --legacy-js @WORK@/v2.js"
  "faults status=404@js/"
  "launch 0"
  "expect delivery: failed: legacy JS HTTP 404\n"
  ${FALLBACK_TO_V1})
