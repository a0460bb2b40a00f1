// Delivery's HTTP side (docs/delivery.md, "Network behaviour"), with libcurl's easy interface
// (delivery runs before the first frame, so blocking is fine):
//
//  * every request: a connect timeout (5 s) and a total timeout (the manifest's 5 s and the
//    bundle's 20 s unless --download-timeout-ms sets one for both);
//  * up to 3 attempts, waiting backoff, then twice that (x a random 0.5-1.5 jitter) between
//    them. Retried: connection failures, timeouts, 5xx, a short body. Not retried: 4xx, a hash
//    or size mismatch;
//  * a short body is kept in CACHE/partial/<sha256>.part, and the next attempt (this launch or
//    a later one) asks for the rest with `Range: bytes=N-`: a 206 is appended, a 200 starts
//    over. The hash is checked over the whole file;
//  * `Accept-Encoding: gzip` goes with every request but a ranged one (curl decodes the answer;
//    sizes and hashes are of the decoded bytes, so a resumed range is of decoded bytes too);
//  * the manifest is a plain GET, with `If-None-Match` when an ETag was seen; 304 means the
//    cached manifest is current.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "result.h"

namespace touchline::host {

struct DownloadOptions {
  uint32_t connect_timeout_ms = 5000;
  std::optional<uint32_t> timeout_ms;  // --download-timeout-ms: every request's total timeout
  uint32_t backoff_ms = 200;           // the first wait between attempts; the second is twice it
  uint32_t attempts = 3;

  uint32_t manifest_timeout_ms() const { return timeout_ms.value_or(5000); }
  uint32_t bundle_timeout_ms() const { return timeout_ms.value_or(20000); }
};

// Why a download failed, in the words of docs/delivery.md's table (see message()).
enum class DownloadErrorKind {
  Unreachable,   // connection refused, DNS, TLS, a timeout (after all attempts)
  Http,          // a status other than 200/206 (after retries for 5xx)
  Truncated,     // the body ended short after all attempts
  SizeMismatch,  // a longer body, or a Content-Length that is not the manifest's size
  HashMismatch,  // the SHA-256 differs
  TooLarge,      // a manifest over its limit
  Local,         // the cache could not be written
};

struct DownloadError {
  DownloadErrorKind kind;
  std::string detail;  // Unreachable, Local: what happened
  long status = 0;     // Http
  uint64_t got = 0;    // Truncated, SizeMismatch
  uint64_t want = 0;   // Truncated, SizeMismatch

  // `what` names the file: "manifest", "bundle", "legacy JS". E.g. "bundle HTTP 404",
  // "manifest unreachable: connection refused", "bundle truncated: got 50 of 400 bytes".
  std::string message(const std::string &what) const;
};

// A URL named in a manifest, resolved against the manifest's URL as a browser resolves a
// relative link; only http(s) URLs are allowed.
Result<std::string> resolve_url(const std::string &base, const std::string &relative);

// What fetching the manifest gave.
struct ManifestResponse {
  bool not_modified = false;  // 304: the cached manifest (the one `etag` came with) is current
  std::string body;           // at most `max_bytes`
  std::string etag;           // the answer's ETag, possibly empty
};

// GETs the manifest (retrying as above); sends `If-None-Match: etag` when `etag` is not empty.
Result<ManifestResponse, DownloadError> fetch_manifest(const std::string &url, const std::string &etag,
                                                       size_t max_bytes, const DownloadOptions &options);

using DownloadStatus = Result<std::monostate, DownloadError>;

// Downloads `url` (retrying and resuming as above) through `partial` into `target`: when it
// succeeds, `target` holds exactly `size` bytes whose SHA-256 is `sha256` (lowercase hex).
// A complete `partial` left by an earlier launch is checked and used without a request.
DownloadStatus download_verified(const std::string &url, uint64_t size, const std::string &sha256,
                                 const std::string &partial, const std::string &target,
                                 const DownloadOptions &options);

}  // namespace touchline::host
