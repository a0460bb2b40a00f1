# wasmtime's C API (crate wasmtime-c-api-impl) as the imported static library
# `wasmtime_capi`, built by cargo from wasmtime-capi/ into ${CMAKE_BINARY_DIR}/cargo.
#
# The headers ship inside the crate; its build script configures wasmtime/conf.h for the
# enabled features and installs the whole tree into its OUT_DIR. wasmtime-capi/build.rs copies
# that tree to ${CMAKE_BINARY_DIR}/wasmtime-include, which is what we put on the include path.
# cargo only runs again when the crate's manifest, lock file or sources change (the stamp).

set(WASMTIME_CAPI_DIR "${CMAKE_CURRENT_SOURCE_DIR}/wasmtime-capi")
set(WASMTIME_CAPI_TARGET_DIR "${CMAKE_BINARY_DIR}/cargo")
set(WASMTIME_CAPI_LIB "${WASMTIME_CAPI_TARGET_DIR}/release/libtouchline_wasmtime_capi.a")
set(WASMTIME_CAPI_INCLUDE "${CMAKE_BINARY_DIR}/wasmtime-include")
set(WASMTIME_CAPI_STAMP "${CMAKE_BINARY_DIR}/wasmtime-capi.stamp")
file(MAKE_DIRECTORY "${WASMTIME_CAPI_INCLUDE}")

add_custom_command(
  OUTPUT "${WASMTIME_CAPI_STAMP}"
  BYPRODUCTS "${WASMTIME_CAPI_LIB}" "${WASMTIME_CAPI_INCLUDE}/wasmtime/conf.h"
  COMMAND "${CMAKE_COMMAND}" -E env "TOUCHLINE_WASMTIME_INCLUDE_DEST=${WASMTIME_CAPI_INCLUDE}"
          "${CARGO}" build --release --locked
          --manifest-path "${WASMTIME_CAPI_DIR}/Cargo.toml"
          --target-dir "${WASMTIME_CAPI_TARGET_DIR}"
  COMMAND "${CMAKE_COMMAND}" -E touch "${WASMTIME_CAPI_STAMP}"
  DEPENDS
    "${WASMTIME_CAPI_DIR}/Cargo.toml"
    "${WASMTIME_CAPI_DIR}/Cargo.lock"
    "${WASMTIME_CAPI_DIR}/build.rs"
    "${WASMTIME_CAPI_DIR}/src/lib.rs"
  WORKING_DIRECTORY "${WASMTIME_CAPI_DIR}"
  USES_TERMINAL
  COMMENT "Building wasmtime's C API with cargo (release; the first build takes minutes)"
)
add_custom_target(wasmtime_capi_build DEPENDS "${WASMTIME_CAPI_STAMP}")

add_library(wasmtime_capi STATIC IMPORTED GLOBAL)
set_target_properties(wasmtime_capi PROPERTIES
  IMPORTED_LOCATION "${WASMTIME_CAPI_LIB}"
  INTERFACE_INCLUDE_DIRECTORIES "${WASMTIME_CAPI_INCLUDE}"  # imported: SYSTEM includes
)
target_link_libraries(wasmtime_capi INTERFACE Threads::Threads ${CMAKE_DL_LIBS} m)
add_dependencies(wasmtime_capi wasmtime_capi_build)
