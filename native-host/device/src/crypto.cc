#include "crypto.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace touchline::host {
namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX *ctx) const { EVP_MD_CTX_free(ctx); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY *key) const { EVP_PKEY_free(key); }
};
struct FileCloser {
  void operator()(std::FILE *f) const { std::fclose(f); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string to_hex(const uint8_t *data, size_t len) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (size_t i = 0; i < len; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 0x0f];
  }
  return out;
}

bool from_hex(std::string_view hex, std::vector<uint8_t> &out) {
  if (hex.size() % 2 != 0) return false;
  std::vector<uint8_t> bytes;
  bytes.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = hex_value(hex[i]);
    const int lo = hex_value(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    bytes.push_back(static_cast<uint8_t>(hi << 4 | lo));
  }
  out = std::move(bytes);
  return true;
}

bool is_lower_hex(std::string_view text, size_t len) {
  if (text.size() != len) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Result<Ed25519PublicKey> parse_public_key(std::string_view hex) {
  while (!hex.empty() && std::strchr(" \t\r\n", hex.front()) != nullptr) hex.remove_prefix(1);
  while (!hex.empty() && std::strchr(" \t\r\n", hex.back()) != nullptr) hex.remove_suffix(1);
  std::vector<uint8_t> bytes;
  if (hex.size() != 64 || !from_hex(hex, bytes)) {
    return Error{"a public key is 64 hex characters (32 bytes of raw Ed25519 key)"};
  }
  Ed25519PublicKey key;
  std::memcpy(key.data(), bytes.data(), key.size());
  return key;
}

struct Sha256Hasher::Impl {
  MdCtx ctx;
};

Sha256Hasher::Sha256Hasher() : impl_(std::make_unique<Impl>()) {
  impl_->ctx.reset(EVP_MD_CTX_new());
  if (!impl_->ctx || EVP_DigestInit_ex(impl_->ctx.get(), EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("OpenSSL cannot set up SHA-256");
  }
}

Sha256Hasher::~Sha256Hasher() = default;

void Sha256Hasher::update(const uint8_t *data, size_t len) {
  if (len > 0 && EVP_DigestUpdate(impl_->ctx.get(), data, len) != 1) {
    throw std::runtime_error("OpenSSL SHA-256 update failed");
  }
}

Sha256 Sha256Hasher::finish() {
  Sha256 out{};
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(impl_->ctx.get(), out.data(), &len) != 1 || len != out.size()) {
    throw std::runtime_error("OpenSSL SHA-256 final failed");
  }
  // Ready for another message.
  EVP_DigestInit_ex(impl_->ctx.get(), EVP_sha256(), nullptr);
  return out;
}

Sha256 sha256(const uint8_t *data, size_t len) {
  Sha256Hasher hasher;
  hasher.update(data, len);
  return hasher.finish();
}

Result<FileDigest> sha256_file(const std::string &path) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) return Error{"cannot read " + path + ": " + std::strerror(errno)};
  Sha256Hasher hasher;
  FileDigest digest;
  std::vector<uint8_t> chunk(1 << 16);
  for (;;) {
    const size_t n = std::fread(chunk.data(), 1, chunk.size(), file.get());
    hasher.update(chunk.data(), n);
    digest.size += n;
    if (n < chunk.size()) break;
  }
  if (std::ferror(file.get())) return Error{"cannot read " + path + ": " + std::strerror(errno)};
  digest.sha256 = hasher.finish();
  return digest;
}

bool ed25519_verify(const Ed25519PublicKey &key, const uint8_t *signature, size_t signature_len,
                    const uint8_t *message, size_t message_len) {
  if (signature_len != 64) return false;
  struct ClearErrors {  // a failed check leaves errors on OpenSSL's queue: nothing to report
    ~ClearErrors() { ERR_clear_error(); }
  } clear_errors;
  Pkey pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key.data(), key.size()));
  if (!pkey) return false;
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx) return false;
  // Ed25519 is one-shot: no digest (pure EdDSA), the whole message at once.
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), signature, signature_len, message, message_len) == 1;
}

}  // namespace touchline::host
