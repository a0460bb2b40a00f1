# Runs one app.* session (app_cases.cmake): `cmake -DSCENARIO=reel|playback|pages -DHOST=...
# -DSESSION=touchline-app-session -DPROBE=... -DBUNDLE=... -DMEDIA=... -DFIXTURES=... -DWORK=...
# -DMODULES=... -DGOLDENS=... -P run_app_case.cmake`.
#  1. touchline-app-session args: the session's key script, frames and screenshots;
#  2. touchline-host runs the app bundle over MEDIA (the catalog and videos touchline-matchdata
#     wrote) with fixtures/app_observer.js printing every bus message; stdout.log, stderr.log;
#  3. touchline-app-session check: the session against the catalog;
#  4. each screenshot against the reviewed golden of its page (GOLDENS/NAME.png, the desktop
#     host's: both hosts show the same pages): at most 0.2% of the pixels off by more than 32
#     (as tests/e2e_app.rs), and a mean difference of at most 1.0, not 0.3: the two hosts'
#     scalers round a full-screen 160x90 video a little differently everywhere (0.3 to 0.6
#     on the playback and reel pages, with no pixel off by more than 32).
cmake_minimum_required(VERSION 3.20)

set(match "${MEDIA}/catalog/matches/france-croatia-2018/match.json")
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")

execute_process(COMMAND "${SESSION}" args "${SCENARIO}" "${match}" "${WORK}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE script ERROR_VARIABLE err)
if(NOT rc STREQUAL "0")
  message(FATAL_ERROR "touchline-app-session args failed (${rc}): ${err}")
endif()
string(STRIP "${script}" script)
string(REPLACE "\n" ";" script "${script}")

set(command "${HOST}" "${BUNDLE}" --headless --size 1920x1080 --assets "${MEDIA}"
    --legacy-js "${FIXTURES}/app_observer.js" --storage "${WORK}/app.json" --module-cache "${MODULES}"
    ${script})
list(JOIN command " " shown)
message("$ ${shown}")
execute_process(COMMAND ${command} WORKING_DIRECTORY "${WORK}" RESULT_VARIABLE rc
                OUTPUT_FILE "${WORK}/stdout.log" ERROR_FILE "${WORK}/stderr.log")
file(READ "${WORK}/stderr.log" err)
file(STRINGS "${WORK}/stdout.log" summary REGEX "^summary: ")
message("${summary}")
set(failures "")
if(NOT rc STREQUAL "0")
  string(APPEND failures "  the host exited with ${rc}\n")
endif()
string(REGEX MATCHALL "(^|\n)(error|js: error)[^\n]*" errors "${err}")
if(errors)
  string(APPEND failures "  the host printed errors:${errors}\n")
endif()

execute_process(COMMAND "${SESSION}" check "${SCENARIO}" "${match}" "${WORK}" RESULT_VARIABLE rc
                OUTPUT_VARIABLE checked ERROR_VARIABLE check_err)
message("${checked}${check_err}")
if(NOT rc STREQUAL "0")
  string(APPEND failures "  the session's checks failed (above)\n")
endif()

# The pages screenshot: every `--screenshot-at N=WORK/NAME.png` of the script.
foreach(arg IN LISTS script)
  if(arg MATCHES "^[0-9]+=(.*/([a-z_]+)\\.png)$")
    set(shot "${CMAKE_MATCH_1}")
    set(golden "${GOLDENS}/${CMAKE_MATCH_2}.png")
    execute_process(COMMAND "${PROBE}" --like "${shot}" "${golden}" 32 0.002 1.0
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    message("${out}")
    if(NOT rc STREQUAL "0")
      string(APPEND failures "  ${shot} is not like the golden ${golden}\n")
    endif()
  endif()
endforeach()

if(failures)
  message(FATAL_ERROR "app.${SCENARIO} failed (work directory ${WORK}):\n${failures}")
endif()
