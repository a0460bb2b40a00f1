# touchline_abi.h, generated from the Rust ABI crate (abi/src) by touchline-abi-header-gen:
# the one definition of the ABI types, never copied by hand. Exposed as the interface target
# `touchline_abi_header`.

set(TOUCHLINE_ABI_HEADER_DIR "${CMAKE_BINARY_DIR}/generated")
set(TOUCHLINE_ABI_HEADER "${TOUCHLINE_ABI_HEADER_DIR}/touchline_abi.h")
file(MAKE_DIRECTORY "${TOUCHLINE_ABI_HEADER_DIR}")
file(GLOB TOUCHLINE_ABI_SOURCES CONFIGURE_DEPENDS
  "${TOUCHLINE_ROOT}/abi/src/*.rs"
  "${TOUCHLINE_ROOT}/abi/header-gen/src/*.rs"
)

add_custom_command(
  OUTPUT "${TOUCHLINE_ABI_HEADER}"
  COMMAND "${CARGO}" run --release --quiet -p touchline-abi-header-gen -- "${TOUCHLINE_ABI_HEADER}"
  DEPENDS
    ${TOUCHLINE_ABI_SOURCES}
    "${TOUCHLINE_ROOT}/abi/Cargo.toml"
    "${TOUCHLINE_ROOT}/abi/header-gen/Cargo.toml"
  WORKING_DIRECTORY "${TOUCHLINE_ROOT}"
  COMMENT "Generating touchline_abi.h from abi/src (touchline-abi-header-gen)"
)
add_custom_target(touchline_abi_header_gen DEPENDS "${TOUCHLINE_ABI_HEADER}")

add_library(touchline_abi_header INTERFACE)
target_include_directories(touchline_abi_header INTERFACE "${TOUCHLINE_ABI_HEADER_DIR}")
add_dependencies(touchline_abi_header touchline_abi_header_gen)
