// Precompiled modules and start-up snapshots on disk (docs/delivery.md, "Precompiled
// modules"): a warm start maps the compiled code instead of compiling the bundle, and copies
// in the linear memory `touchline_init` left instead of running it.
//
// Each file has `<file>.xxh3` beside it: its XXH3-64 checksum, written last,
// so a half-written or bit-rotted module is never loaded. It is a checksum, not a signature:
// whoever can write the cache can write both files, and the bundle the module was compiled
// from was verified against the signed manifest. XXH3 rather than SHA-256 because the check
// sits on every warm start and runs at memory speed (SHA-256 of a 6 MB module is ~5 ms here
// with SHA instructions, tens of ms on a TV CPU without them).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <wasmtime.hh>

namespace touchline::host {

// The text of a module's checksum file: 16 lowercase hex digits of XXH3-64 (no newline).
std::string module_checksum(const void *data, size_t size);

// The module at `path`, when it and its checksum are there and agree and wasmtime takes it.
// A module that fails (or whose checksum is missing or malformed) is deleted with its
// checksum, with a `warning:` line; nothing is returned and the caller compiles.
std::optional<wasmtime::Module> load_precompiled(wasmtime::Engine &engine, const std::string &path);

// Writes `module` to `path`, then its checksum. Failures are warnings: the run goes on.
void store_precompiled(const wasmtime::Module &module, const std::string &path);

// `<module path without .cwasm>-<W>x<H>.snapshot`: the start-up snapshot of that module for
// that viewport.
std::string startup_snapshot_path(const std::string &module_path, uint32_t width, uint32_t height);

// The snapshot at `path` when it and its checksum are there and agree and it is whole pages
// of linear memory; a damaged one is deleted with a `warning:` line.
std::optional<std::vector<uint8_t>> load_startup_snapshot(const std::string &path);

// Writes a snapshot, then its checksum. Failures are warnings: the run goes on.
void store_startup_snapshot(const std::string &path, const std::vector<uint8_t> &memory);

}  // namespace touchline::host
