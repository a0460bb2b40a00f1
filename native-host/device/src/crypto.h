// The two primitives delivery needs (docs/delivery.md), from OpenSSL's libcrypto: SHA-256
// (of bytes, or streamed over a file) and Ed25519 verification (RFC 8032, pure, no prehash)
// with a raw 32-byte public key. Hex helpers for the forms keys, hashes and signatures take
// in manifests and on the command line.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace touchline::host {

using Sha256 = std::array<uint8_t, 32>;
using Ed25519PublicKey = std::array<uint8_t, 32>;

// Lowercase hex of `len` bytes.
std::string to_hex(const uint8_t *data, size_t len);
template <size_t N>
std::string to_hex(const std::array<uint8_t, N> &bytes) {
  return to_hex(bytes.data(), N);
}

// Bytes of an even-length hex string (either case); false on anything else.
bool from_hex(std::string_view hex, std::vector<uint8_t> &out);

// True when `text` is exactly `len` lowercase hex characters.
bool is_lower_hex(std::string_view text, size_t len);

// A public key from 64 hex characters (one line; surrounding whitespace is ignored).
Result<Ed25519PublicKey> parse_public_key(std::string_view hex);

Sha256 sha256(const uint8_t *data, size_t len);
inline Sha256 sha256(std::string_view text) {
  return sha256(reinterpret_cast<const uint8_t *>(text.data()), text.size());
}

// SHA-256 of a file's bytes, streamed, and its size.
struct FileDigest {
  Sha256 sha256;
  uint64_t size = 0;
};
Result<FileDigest> sha256_file(const std::string &path);

// Incremental SHA-256 (for bytes that arrive in pieces).
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher &) = delete;
  Sha256Hasher &operator=(const Sha256Hasher &) = delete;

  void update(const uint8_t *data, size_t len);
  Sha256 finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// True when `signature` (64 bytes) is a valid Ed25519 signature of `message` by `key`.
// Anything malformed (a wrong length, a key that is not a curve point) is simply false.
bool ed25519_verify(const Ed25519PublicKey &key, const uint8_t *signature, size_t signature_len,
                    const uint8_t *message, size_t message_len);

}  // namespace touchline::host
