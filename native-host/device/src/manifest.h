// The release manifest (docs/delivery.md, "The manifest"): parsing with every rule the doc
// gives (typed errors, all of them `manifest invalid: ...` to the user), the exact bytes the
// Ed25519 signature covers, and checking that signature.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crypto.h"
#include "result.h"

namespace touchline::host {

constexpr size_t kMaxManifestBytes = 64 * 1024;
constexpr uint64_t kMaxBundleBytes = 64ull * 1024 * 1024;
constexpr uint64_t kMaxLegacyJsBytes = 1024 * 1024;
constexpr size_t kMaxManifestTextBytes = 128;  // `app`, `version`
constexpr size_t kMaxAssetsUrlBytes = 2048;    // `assets`
constexpr uint64_t kManifestFormat = 1;

// A file the manifest names: where (relative to the manifest's URL, or absolute http(s)),
// how long and its SHA-256 (64 lowercase hex characters), both of the decoded bytes.
struct ManifestFile {
  std::string url;
  uint64_t size = 0;
  std::string sha256;
};

struct Manifest {
  std::string app;
  std::string version;
  uint32_t abi_major = 0;
  uint32_t abi_minor = 0;
  ManifestFile bundle;
  std::optional<ManifestFile> legacy_js;
  // Where the app's relative URLs resolve in a delivered run: a directory URL ending in `/`,
  // relative to the manifest's URL or absolute http(s); empty: not given (the local asset root).
  std::string assets;
  std::string signature;  // as written; checked (128 hex characters) by verify_signature

  // `major << 16 | minor`, as a bundle's touchline_abi_version returns it.
  uint32_t abi_version() const { return abi_major << 16 | abi_minor; }
};

// Why a manifest is invalid.
enum class ManifestErrorKind {
  TooLarge,   // over kMaxManifestBytes
  NotJson,    // does not parse, or is not a JSON object
  Missing,    // a required field is absent
  WrongType,  // a field has the wrong JSON type
  BadValue,   // the right type, a value the doc rules out (format 2, a size over the limit, ...)
};

struct ManifestError {
  ManifestErrorKind kind;
  std::string field;   // dotted path (`bundle.sha256`); empty for the whole document
  std::string detail;  // what is wrong, for a human

  // One line, e.g. "missing field `bundle.sha256`"; printed after `manifest invalid: `.
  std::string message() const;
};

// Parses and checks a manifest (unknown keys are ignored).
Result<Manifest, ManifestError> parse_manifest(std::string_view text);

// The bytes the signature is over (docs/delivery.md, "The signed message").
std::string signed_message(const Manifest &manifest);

// True when `manifest.signature` is 128 hex characters and an Ed25519 signature of
// signed_message(manifest) by `key`.
bool verify_signature(const Manifest &manifest, const Ed25519PublicKey &key);

}  // namespace touchline::host
