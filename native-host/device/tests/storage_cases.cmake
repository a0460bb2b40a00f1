# The app's storage area (ABI 1.5; docs/host-abi.md, "Storage"), on the real app (the
# fault-injection build, @FAULT_BUNDLE@, whose pages are the app's): the profile chosen last is
# kept in --storage FILE and chosen again on the next run. host_test() cases (run_case.cmake);
# BEFORE is a first run of the host over the same work directory.

set(STORAGE_RUN @FAULT_BUNDLE@ --headless --size 1280x720 --key-interval 10 --quiet
    --module-cache "@WORK_ROOT@/recovery.clean_run/modules")

# Run 1 chooses Sam (right, OK: Home opens) and comes back (Back): the area is written once.
# Run 2 only moves to Sam: Sam is chosen already, from the kept area, and the screen equals
# run 1's; nothing is written.
host_test(kept_between_runs PREFIX storage REQUIRES touchline_fault_bundle touchline_fault_reference
  BEFORE ${STORAGE_RUN} --keys right,enter,back --frames 80 --storage @WORK@/app.json
         --screenshot @WORK@/chosen.png
  ARGS ${STORAGE_RUN} --keys right --frames 80 --storage @WORK@/app.json
       --screenshot @WORK@/out.png
  EXPECT " storage_writes=0"
  REJECT "warning" "error"
  FILES @WORK@/app.json
  SAME_IMAGES "@WORK@/chosen.png @WORK@/out.png")

# A kept area that is not JSON: the bundle says so, starts empty, and its next write replaces it.
host_test(not_json PREFIX storage REQUIRES touchline_fault_bundle touchline_fault_reference
  COPY "@FIXTURES@/not-a-bundle.txt=@WORK@"
  ARGS ${STORAGE_RUN} --keys right,enter --storage @WORK@/not-a-bundle.txt
  EXPECT "storage: the kept area is not a JSON object of strings: " " storage_writes=1")

# A file larger than any area (a copy of the bundle): a warning, an empty area, replaced.
host_test(too_large PREFIX storage REQUIRES touchline_fault_bundle touchline_fault_reference
  COPY "@FAULT_BUNDLE@=@WORK@"
  ARGS ${STORAGE_RUN} --keys right,enter --storage @WORK@/touchline_pages.wasm
  EXPECT "warning: the storage area [^\n]+touchline_pages.wasm is [0-9]+ bytes, more than 65536; starting empty\n"
         " storage_writes=1")
