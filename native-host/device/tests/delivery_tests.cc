// Unit tests of delivery (docs/delivery.md): manifest parsing and the signed message, SHA-256
// and Ed25519 (RFC 8032), the cache (good.json, demotion), downloads (retries, resume, ETag,
// gzip) against a scripted loopback server, and the launch sequence with its fallback. One
// CTest test per function (`unit.delivery_*`): `touchline-delivery-tests NAME` runs one,
// without a name all run.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "cache.h"
#include "crypto.h"
#include "delivery.h"
#include "download.h"
#include "manifest.h"

using namespace touchline::host;
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

int g_failures = 0;

#define CHECK(cond)                                                                \
  do {                                                                             \
    if (!(cond)) {                                                                 \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++g_failures;                                                                \
    }                                                                              \
  } while (0)

#define CHECK_EQ_STR(a, b)                                                                   \
  do {                                                                                       \
    const std::string a_ = (a), b_ = (b);                                                    \
    if (a_ != b_) {                                                                          \
      std::fprintf(stderr, "%s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, a_.c_str(),     \
                   b_.c_str());                                                              \
      ++g_failures;                                                                          \
    }                                                                                        \
  } while (0)

// RFC 8032, section 7.1, TEST 1: the empty message.
const char kRfcSecret[] = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const char kRfcPublic[] = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const char kRfcSignature[] =
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

std::vector<uint8_t> unhex(const std::string &hex) {
  std::vector<uint8_t> out;
  if (!from_hex(hex, out)) {
    std::fprintf(stderr, "bad hex in a test: %s\n", hex.c_str());
    ++g_failures;
  }
  return out;
}

Ed25519PublicKey rfc_public_key() {
  auto key = parse_public_key(kRfcPublic);
  CHECK(key.ok());
  return key ? key.value() : Ed25519PublicKey{};
}

// Ed25519 signature (hex) of `message` with the RFC's test secret, as `touchline release`
// signs.
std::string sign(const std::string &message) {
  const auto seed = unhex(kRfcSecret);
  struct PkeyFree {
    void operator()(EVP_PKEY *k) const { EVP_PKEY_free(k); }
  };
  struct CtxFree {
    void operator()(EVP_MD_CTX *c) const { EVP_MD_CTX_free(c); }
  };
  std::unique_ptr<EVP_PKEY, PkeyFree> key(
      EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  uint8_t sig[64];
  size_t len = sizeof sig;
  const bool ok = key && ctx && EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) == 1 &&
                  EVP_DigestSign(ctx.get(), sig, &len, reinterpret_cast<const uint8_t *>(message.data()),
                                 message.size()) == 1;
  CHECK(ok && len == 64);
  return to_hex(sig, len);
}

std::string sha_hex(const std::string &bytes) { return to_hex(sha256(bytes)); }

// A fresh, empty directory under the system's temporary directory.
fs::path temp_dir(const std::string &name) {
  const fs::path dir = fs::temp_directory_path() / ("touchline-delivery-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write(const fs::path &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

std::string read(const fs::path &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A manifest's JSON for these files, signed with the RFC test key (or with `signature`).
struct Release {
  std::string version = "1.0.0";
  uint32_t major = 1;
  uint32_t minor = 3;
  std::string bundle_url = "bundles/b.wasm";
  std::string bundle;
  std::optional<std::string> js;
  std::string js_url = "js/l.js";

  Manifest manifest() const {
    Manifest m;
    m.app = "touchline";
    m.version = version;
    m.abi_major = major;
    m.abi_minor = minor;
    m.bundle = ManifestFile{bundle_url, bundle.size(), sha_hex(bundle)};
    if (js) m.legacy_js = ManifestFile{js_url, js->size(), sha_hex(*js)};
    return m;
  }

  std::string json(const std::string &signature = {}) const {
    const Manifest m = manifest();
    Json j = {{"format", 1},
              {"app", m.app},
              {"version", m.version},
              {"abi", {{"major", m.abi_major}, {"minor", m.abi_minor}}},
              {"bundle", {{"url", m.bundle.url}, {"size", m.bundle.size}, {"sha256", m.bundle.sha256}}},
              {"signature", signature.empty() ? sign(signed_message(m)) : signature}};
    if (m.legacy_js) {
      j["legacy_js"] = {{"url", m.legacy_js->url}, {"size", m.legacy_js->size}, {"sha256", m.legacy_js->sha256}};
    }
    return j.dump(2);
  }
};

// ---- crypto ----

void delivery_sha256_vectors() {
  CHECK_EQ_STR(sha_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK_EQ_STR(sha_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // Streamed over a file bigger than one read.
  const fs::path dir = temp_dir("sha");
  std::string big(200000, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7 + 3);
  write(dir / "big", big);
  auto digest = sha256_file((dir / "big").string());
  CHECK(digest.ok() && digest.value().size == big.size());
  CHECK(digest.ok() && to_hex(digest.value().sha256) == sha_hex(big));
  CHECK(!sha256_file((dir / "missing").string()).ok());
  Sha256Hasher pieces;
  pieces.update(reinterpret_cast<const uint8_t *>("a"), 1);
  pieces.update(reinterpret_cast<const uint8_t *>("bc"), 2);
  CHECK_EQ_STR(to_hex(pieces.finish()), sha_hex("abc"));
  CHECK_EQ_STR(to_hex(pieces.finish()), sha_hex(""));  // ready for another message
  // Hex helpers.
  std::vector<uint8_t> bytes;
  CHECK(from_hex("00fFa0", bytes) && bytes == std::vector<uint8_t>({0x00, 0xff, 0xa0}));
  CHECK(!from_hex("abc", bytes) && !from_hex("zz", bytes));
  CHECK(is_lower_hex(std::string(64, 'a'), 64) && !is_lower_hex(std::string(64, 'A'), 64));
  CHECK(!is_lower_hex(std::string(63, 'a'), 64));
  fs::remove_all(dir);
}

void delivery_ed25519_rfc8032_vector_1() {
  const Ed25519PublicKey key = rfc_public_key();
  const auto signature = unhex(kRfcSignature);
  CHECK(signature.size() == 64);
  CHECK(ed25519_verify(key, signature.data(), signature.size(), nullptr, 0));
  // Our signer (OpenSSL, as the test uses it for manifests) gives the RFC's signature.
  CHECK_EQ_STR(sign(""), kRfcSignature);
  // Any change fails: a flipped signature bit, another message, another key, a short signature.
  auto flipped = signature;
  flipped[10] ^= 0x01;
  CHECK(!ed25519_verify(key, flipped.data(), flipped.size(), nullptr, 0));
  const uint8_t one = 0x72;
  CHECK(!ed25519_verify(key, signature.data(), signature.size(), &one, 1));
  Ed25519PublicKey other = key;
  other[0] ^= 0x01;
  CHECK(!ed25519_verify(other, signature.data(), signature.size(), nullptr, 0));
  CHECK(!ed25519_verify(key, signature.data(), 63, nullptr, 0));
  // Keys from hex.
  CHECK(parse_public_key(std::string(kRfcPublic) + "\n").ok());
  CHECK(!parse_public_key(std::string(kRfcPublic).substr(2)).ok());
  CHECK(!parse_public_key(std::string(62, 'a') + "zz").ok());
}

// ---- manifest ----

void delivery_manifest_parses() {
  Release r;
  r.bundle = "bundle bytes";
  r.js = "console.log(1)";
  auto m = parse_manifest(r.json());
  CHECK(m.ok());
  if (!m) return;
  CHECK_EQ_STR(m.value().app, "touchline");
  CHECK_EQ_STR(m.value().version, "1.0.0");
  CHECK(m.value().abi_major == 1 && m.value().abi_minor == 3 && m.value().abi_version() == 0x00010003);
  CHECK_EQ_STR(m.value().bundle.url, "bundles/b.wasm");
  CHECK(m.value().bundle.size == r.bundle.size());
  CHECK_EQ_STR(m.value().bundle.sha256, sha_hex(r.bundle));
  CHECK(m.value().legacy_js.has_value() && m.value().legacy_js->size == r.js->size());
  CHECK(m.value().signature.size() == 128);
  // legacy_js is optional; unknown keys are ignored.
  Json j = Json::parse(r.json());
  j.erase("legacy_js");
  j["future"] = {{"anything", true}};
  auto without = parse_manifest(j.dump());
  CHECK(without.ok() && !without.value().legacy_js.has_value() && without.value().assets.empty());
  // assets: a directory URL, relative or absolute http(s); not signed.
  for (const char *assets : {"assets/", "https://cdn.example/touchline/assets/", "HTTP://cdn/a/"}) {
    j["assets"] = assets;
    auto with = parse_manifest(j.dump());
    CHECK(with.ok() && with.value().assets == assets);
    if (with) CHECK_EQ_STR(signed_message(with.value()), signed_message(without.value()));
  }
}

void delivery_manifest_rejects_invalid() {
  Release r;
  r.bundle = "b";
  const Json good = Json::parse(r.json());
  struct Case {
    std::function<void(Json &)> edit;
    ManifestErrorKind kind;
    const char *message;
  };
  const std::vector<Case> cases = {
      {[](Json &j) { j.erase("version"); }, ManifestErrorKind::Missing, "missing field `version`"},
      {[](Json &j) { j["bundle"].erase("sha256"); }, ManifestErrorKind::Missing, "missing field `bundle.sha256`"},
      {[](Json &j) { j["abi"].erase("minor"); }, ManifestErrorKind::Missing, "missing field `abi.minor`"},
      {[](Json &j) { j.erase("signature"); }, ManifestErrorKind::Missing, "missing field `signature`"},
      {[](Json &j) { j["app"] = 7; }, ManifestErrorKind::WrongType, "`app` is a number, not a string"},
      {[](Json &j) { j["bundle"]["size"] = "12"; }, ManifestErrorKind::WrongType,
       "`bundle.size` is a string, not a whole number"},
      {[](Json &j) { j["bundle"]["size"] = 1.5; }, ManifestErrorKind::WrongType,
       "`bundle.size` is a number, not a whole number"},
      {[](Json &j) { j["bundle"]["size"] = -1; }, ManifestErrorKind::WrongType,
       "`bundle.size` is a number, not a whole number"},
      {[](Json &j) { j["abi"] = "1.3"; }, ManifestErrorKind::WrongType, "`abi` is a string, not an object"},
      {[](Json &j) { j["legacy_js"] = nullptr; }, ManifestErrorKind::WrongType, "`legacy_js` is null, not an object"},
      {[](Json &j) { j["format"] = 2; }, ManifestErrorKind::BadValue, "`format` is 2, this host reads format 1"},
      {[](Json &j) { j["version"] = "1.0\n"; }, ManifestErrorKind::BadValue, "`version` is not printable ASCII"},
      {[](Json &j) { j["app"] = std::string(129, 'a'); }, ManifestErrorKind::BadValue,
       "`app` is longer than 128 bytes"},
      {[](Json &j) { j["bundle"]["size"] = kMaxBundleBytes + 1; }, ManifestErrorKind::BadValue,
       "`bundle.size` 67108865 is over 64 MiB"},
      {[](Json &j) { j["legacy_js"] = {{"url", "l.js"}, {"size", kMaxLegacyJsBytes + 1}, {"sha256", std::string(64, 'a')}}; },
       ManifestErrorKind::BadValue, "`legacy_js.size` 1048577 is over 1 MiB"},
      {[](Json &j) { j["bundle"]["sha256"] = std::string(64, 'A'); }, ManifestErrorKind::BadValue,
       "`bundle.sha256` is not 64 lowercase hex characters"},
      {[](Json &j) { j["bundle"]["sha256"] = "../../etc/passwd"; }, ManifestErrorKind::BadValue,
       "`bundle.sha256` is not 64 lowercase hex characters"},
      {[](Json &j) { j["abi"]["major"] = 70000; }, ManifestErrorKind::BadValue, "`abi.major` is over 65535"},
      {[](Json &j) { j["assets"] = 7; }, ManifestErrorKind::WrongType, "`assets` is a number, not a string"},
      {[](Json &j) { j["assets"] = "assets"; }, ManifestErrorKind::BadValue,
       "`assets` is not a directory URL (1 to 2048 bytes, ending in `/`)"},
      {[](Json &j) { j["assets"] = std::string(2048, 'a') + "/"; }, ManifestErrorKind::BadValue,
       "`assets` is not a directory URL (1 to 2048 bytes, ending in `/`)"},
      {[](Json &j) { j["assets"] = "my assets/"; }, ManifestErrorKind::BadValue,
       "`assets` is not printable ASCII without spaces"},
      {[](Json &j) { j["assets"] = "file:///srv/assets/"; }, ManifestErrorKind::BadValue,
       "`assets` is a `file:` URL, not http(s) or relative"},
  };
  for (const Case &c : cases) {
    Json j = good;
    c.edit(j);
    auto m = parse_manifest(j.dump());
    CHECK(!m.ok());
    if (m) continue;
    CHECK(m.error().kind == c.kind);
    CHECK_EQ_STR(m.error().message(), c.message);
  }
  auto not_json = parse_manifest("{\"format\": 1,");
  CHECK(!not_json.ok() && not_json.error().kind == ManifestErrorKind::NotJson);
  CHECK(!not_json.ok() && not_json.error().message().rfind("not JSON: parse error", 0) == 0);
  auto array = parse_manifest("[1]");
  CHECK(!array.ok() && array.error().kind == ManifestErrorKind::NotJson);
  auto huge = parse_manifest(std::string(kMaxManifestBytes + 1, ' '));
  CHECK(!huge.ok() && huge.error().kind == ManifestErrorKind::TooLarge);
  CHECK(!huge.ok() && huge.error().message().rfind("larger than 64 KiB", 0) == 0);
}

void delivery_manifest_signed_message() {
  Manifest m;
  m.app = "touchline";
  m.version = "0.6.0-3f2a9c1";
  m.abi_major = 1;
  m.abi_minor = 4;
  m.bundle = ManifestFile{"bundles/x.wasm", 1860412, std::string(64, 'a')};
  CHECK_EQ_STR(signed_message(m),
               "touchline-manifest-v1\n"
               "app=touchline\n"
               "version=0.6.0-3f2a9c1\n"
               "abi=1.4\n"
               "bundle=1860412 " + std::string(64, 'a') + "\n"
               "legacy_js=none\n");
  m.legacy_js = ManifestFile{"js/l.js", 4211, std::string(64, 'b')};
  CHECK_EQ_STR(signed_message(m),
               "touchline-manifest-v1\n"
               "app=touchline\n"
               "version=0.6.0-3f2a9c1\n"
               "abi=1.4\n"
               "bundle=1860412 " + std::string(64, 'a') + "\n"
               "legacy_js=4211 " + std::string(64, 'b') + "\n");
  // URLs are not signed.
  Manifest moved = m;
  moved.bundle.url = "https://cdn.example/elsewhere.wasm";
  CHECK_EQ_STR(signed_message(moved), signed_message(m));
}

void delivery_manifest_signature() {
  Release r;
  r.bundle = "bundle";
  r.js = "js";
  const Ed25519PublicKey key = rfc_public_key();
  auto m = parse_manifest(r.json());
  CHECK(m.ok() && verify_signature(m.value(), key));
  // Every signed field counts.
  for (const auto &edit : std::vector<std::function<void(Manifest &)>>{
           [](Manifest &x) { x.version = "1.0.1"; },
           [](Manifest &x) { x.app = "other"; },
           [](Manifest &x) { x.abi_minor = 4; },
           [](Manifest &x) { x.bundle.size += 1; },
           [](Manifest &x) { x.bundle.sha256[0] = x.bundle.sha256[0] == 'a' ? 'b' : 'a'; },
           [](Manifest &x) { x.legacy_js.reset(); },
       }) {
    if (!m) break;
    Manifest changed = m.value();
    edit(changed);
    CHECK(!verify_signature(changed, key));
  }
  if (m) {
    Manifest bad = m.value();
    bad.signature = bad.signature.substr(0, 126);  // not 128 hex characters
    CHECK(!verify_signature(bad, key));
    bad.signature = std::string(128, 'g');
    CHECK(!verify_signature(bad, key));
    Manifest upper = m.value();  // hex in either case
    for (char &c : upper.signature) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    CHECK(verify_signature(upper, key));
    Ed25519PublicKey other = key;
    other[31] ^= 0x40;
    CHECK(!verify_signature(m.value(), other));
  }
}

void delivery_urls_resolve() {
  const std::string base = "http://cdn.example:8080/releases/tv/manifest.json";
  const auto resolved = [&](const std::string &url) {
    auto r = resolve_url(base, url);
    return r ? r.value() : "error: " + r.error().message;
  };
  CHECK_EQ_STR(resolved("bundles/a.wasm"), "http://cdn.example:8080/releases/tv/bundles/a.wasm");
  CHECK_EQ_STR(resolved("../b.wasm"), "http://cdn.example:8080/releases/b.wasm");
  CHECK_EQ_STR(resolved("/root.wasm"), "http://cdn.example:8080/root.wasm");
  CHECK_EQ_STR(resolved("https://other.example/x.wasm"), "https://other.example/x.wasm");
  CHECK_EQ_STR(resolved("HTTP://other.example/x.wasm"), "http://other.example/x.wasm");
  CHECK(!resolve_url(base, "file:///etc/passwd").ok());
  CHECK(!resolve_url(base, "ftp://example/x").ok());
  // Spaces are percent-encoded, as a browser does.
  CHECK_EQ_STR(resolved("with space.wasm"), "http://cdn.example:8080/releases/tv/with%20space.wasm");
  auto query = resolve_url("http://h/a/manifest.json?v=2", "b.wasm");
  CHECK(query.ok() && query.value() == "http://h/a/b.wasm");
}

// ---- cache ----

GoodEntry entry(const std::string &version, char fill, const std::string &js = {}) {
  return GoodEntry{version, std::string(64, fill), 1, 3, js};
}

void delivery_cache_good_json_round_trip() {
  GoodList list;
  list.good = {entry("2.0.0", 'b', std::string(64, 'c')), entry("1.0.0", 'a')};
  list.demoted = {std::string(64, 'd')};
  list.startup_traps[std::string(64, 'e')] = 2;
  const std::string text = good_list_to_json(list);
  const Json j = Json::parse(text);
  CHECK(j["format"] == 1);
  CHECK(j["good"][0]["version"] == "2.0.0" && j["good"][0]["abi"]["major"] == 1 && j["good"][0]["abi"]["minor"] == 3);
  CHECK(j["good"][0]["js_sha256"] == std::string(64, 'c') && j["good"][1]["js_sha256"].is_null());
  CHECK(j["demoted"][0] == std::string(64, 'd'));
  auto back = good_list_from_json(text);
  CHECK(back.ok());
  if (back) {
    CHECK(back.value().good == list.good);
    CHECK(back.value().demoted == list.demoted);
    CHECK(back.value().startup_traps == list.startup_traps);
  }
  // No traps: no key. Unknown keys are ignored; wrong types are errors.
  CHECK(Json::parse(good_list_to_json(GoodList{})).count("startup_traps") == 0);
  CHECK(good_list_from_json("{\"format\":1,\"good\":[],\"later\":true}").ok());
  CHECK(!good_list_from_json("{\"format\":2,\"good\":[]}").ok());
  CHECK(!good_list_from_json("{\"format\":1,\"good\":{}}").ok());
  CHECK(!good_list_from_json("{\"format\":1,\"good\":[{\"version\":\"1\",\"sha256\":\"x\",\"abi\":{\"major\":1,\"minor\":0}}]}").ok());
  CHECK(!good_list_from_json("not json").ok());

  // Through the cache directory: written atomically (no temporary left), read back.
  const fs::path dir = temp_dir("good");
  Cache cache(dir.string());
  CHECK(cache.prepare().ok());
  CHECK(fs::is_directory(dir / "bundles") && fs::is_directory(dir / "partial"));
  CHECK(cache.load_good().good.empty());  // missing: empty
  CHECK(cache.save_good(list).ok());
  CHECK(cache.load_good().good == list.good);
  size_t files = 0;
  for (const auto &e : fs::directory_iterator(dir)) files += e.is_regular_file() ? 1 : 0;
  CHECK(files == 1);  // good.json only
  write(dir / "good.json", "{ broken");
  std::string warning;
  CHECK(cache.load_good(&warning).good.empty() && !warning.empty());
  // The manifest and its ETag: both or neither.
  CHECK(!cache.load_manifest().has_value());
  CHECK(cache.save_manifest("{\"m\":1}", "\"abc\"").ok());
  auto cached = cache.load_manifest();
  CHECK(cached.has_value() && cached->text == "{\"m\":1}" && cached->etag == "\"abc\"");
  CHECK(cache.save_manifest("{\"m\":2}", "").ok());
  CHECK(!cache.load_manifest().has_value() && read(dir / "manifest.json") == "{\"m\":2}");
  cache.forget_manifest();
  CHECK(!fs::exists(dir / "manifest.json"));
  fs::remove_all(dir);
}

void delivery_cache_keeps_three_and_demotes() {
  const fs::path dir = temp_dir("demote");
  Cache cache(dir.string());
  CHECK(cache.prepare().ok());
  for (char c : {'a', 'b', 'c', 'd'}) write(cache.bundle_path(std::string(64, c)), "x");
  write(cache.js_path(std::string(64, 'f')), "js");
  // Precompiled modules and a start-up snapshot of "1", and a module of "2".
  const fs::path modules = dir / "modules";
  fs::create_directories(modules);
  const std::string a_module = (modules / (std::string(64, 'a') + "-pulley-v.cwasm")).string();
  const std::string a_snapshot = (modules / (std::string(64, 'a') + "-pulley-v-64x48.snapshot")).string();
  const std::string b_module = (modules / (std::string(64, 'b') + "-cranelift-v.cwasm")).string();
  for (const std::string &file : {a_module, a_module + ".xxh3", a_snapshot, b_module}) write(file, "m");
  CHECK(cache.mark_good(entry("1", 'a', std::string(64, 'f'))).ok());
  CHECK(cache.mark_good(entry("2", 'b')).ok());
  CHECK(cache.mark_good(entry("3", 'c')).ok());
  CHECK(cache.mark_good(entry("2", 'b')).ok());  // again: moves first, no duplicate
  GoodList list = cache.load_good();
  CHECK(list.good.size() == 3 && list.good[0].version == "2" && list.good[1].version == "3" &&
        list.good[2].version == "1");
  CHECK(cache.mark_good(entry("4", 'd')).ok());  // "1" falls off: its files go
  list = cache.load_good();
  CHECK(list.good.size() == kMaxGoodVersions && list.good[0].version == "4" && list.good[2].version == "3");
  CHECK(!fs::exists(cache.bundle_path(std::string(64, 'a'))));
  CHECK(!fs::exists(cache.js_path(std::string(64, 'f'))));
  CHECK(!fs::exists(a_module) && !fs::exists(a_module + ".xxh3") && !fs::exists(a_snapshot));
  CHECK(fs::exists(cache.bundle_path(std::string(64, 'b'))) && fs::exists(b_module));

  // Start-up traps: the third in a row demotes; becoming good resets the count.
  const std::string d(64, 'd');
  const std::string e(64, 'e');
  CHECK(cache.record_startup_trap(e) == 1);
  CHECK(cache.load_good().startup_traps[e] == 1);
  CHECK(cache.mark_good(entry("5", 'e')).ok());
  CHECK(cache.load_good().startup_traps.count(e) == 0);
  const std::string d_module = (modules / (d + "-cranelift-v.cwasm")).string();
  write(d_module, "m");
  CHECK(cache.record_startup_trap(d) == 1);
  CHECK(cache.record_startup_trap(d) == 2);
  CHECK(!cache.load_good().is_demoted(d) && fs::exists(d_module));
  CHECK(cache.record_startup_trap(d) == 3);
  list = cache.load_good();
  CHECK(list.is_demoted(d) && list.startup_traps.count(d) == 0);
  CHECK(!fs::exists(cache.bundle_path(d)) && !fs::exists(d_module));  // a demoted bundle's files go
  CHECK(std::none_of(list.good.begin(), list.good.end(), [&](const GoodEntry &g) { return g.sha256 == d; }));
  // At most kMaxDemoted remembered, the oldest forgotten first.
  for (size_t i = 0; i < kMaxDemoted + 2; ++i) {
    char name[65];
    std::snprintf(name, sizeof name, "%064zx", i + 1);
    for (uint32_t k = 0; k < kStartupTrapsToDemote; ++k) (void)cache.record_startup_trap(name);
  }
  list = cache.load_good();
  CHECK(list.demoted.size() == kMaxDemoted && !list.is_demoted(d));
  fs::remove_all(dir);
}

void delivery_cache_verify_deletes_bad_files() {
  const fs::path dir = temp_dir("verify");
  Cache cache(dir.string());
  CHECK(cache.prepare().ok());
  const std::string bytes = "a bundle";
  const std::string sha = sha_hex(bytes);
  write(cache.bundle_path(sha), bytes);
  CHECK(cache.verify(cache.bundle_path(sha), sha));
  CHECK(fs::exists(cache.bundle_path(sha)));
  write(cache.bundle_path(sha), "a bundlE");  // a flipped byte on disk
  CHECK(!cache.verify(cache.bundle_path(sha), sha));
  CHECK(!fs::exists(cache.bundle_path(sha)));  // deleted: counts as missing
  CHECK(!cache.verify(cache.bundle_path(sha), sha));
  CHECK(cache.bundle_path(sha) == (dir / "bundles" / (sha + ".wasm")).string());
  CHECK(cache.js_path(sha) == (dir / "bundles" / (sha + ".js")).string());
  CHECK(cache.partial_path(sha) == (dir / "partial" / (sha + ".part")).string());
  // Atomic writes replace whole files.
  CHECK(write_file_atomic((dir / "f").string(), "one").ok());
  CHECK(write_file_atomic((dir / "f").string(), "two").ok());
  CHECK(read(dir / "f") == "two");
  CHECK(!write_file_atomic((dir / "no" / "f").string(), "x").ok());
  fs::remove_all(dir);
}

// ---- downloads, against a scripted loopback server ----

// What the server sends for one request: raw bytes (status line, headers, body; possibly cut
// short), after an optional delay, then it closes the connection.
struct Reply {
  std::string raw;
  int delay_ms = 0;
};

std::string reply(const std::string &status, const std::string &body, const std::string &headers = {},
                  std::optional<size_t> content_length = std::nullopt, std::optional<size_t> send = std::nullopt) {
  std::string raw = "HTTP/1.1 " + status + "\r\nContent-Length: " +
                    std::to_string(content_length.value_or(body.size())) + "\r\nConnection: close\r\n" +
                    headers + "\r\n";
  raw += body.substr(0, send.value_or(body.size()));
  return raw;
}

// A header's value in a request head (name in lower case), or "".
std::string header(const std::string &head, const std::string &name) {
  std::string lower = head;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) { return static_cast<char>(std::tolower(c)); });
  const auto at = lower.find("\r\n" + name + ":");
  if (at == std::string::npos) return {};
  const auto start = head.find_first_not_of(' ', at + 2 + name.size() + 1);
  return head.substr(start, head.find("\r\n", start) - start);
}

std::string path_of(const std::string &head) {
  const auto a = head.find(' ') + 1;
  return head.substr(a, head.find(' ', a) - a);
}

// Answers each connection on its own thread with what `handler` says for the request head
// (and its index). Stops and joins when destroyed.
class ScriptServer {
 public:
  using Handler = std::function<Reply(const std::string &head, size_t index)>;

  explicit ScriptServer(Handler handler) : handler_(std::move(handler)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 16) != 0 || ::getsockname(fd_, reinterpret_cast<sockaddr *>(&addr), &len) != 0) {
      std::fprintf(stderr, "cannot start the test server\n");
      ++g_failures;
      return;
    }
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] {
      for (;;) {
        const int client = ::accept(fd_, nullptr, nullptr);
        if (client < 0) return;
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) {
          ::close(client);
          return;
        }
        threads_.emplace_back([this, client] {
          handle(client);
          ::close(client);
        });
      }
    });
  }

  ~ScriptServer() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
      stop_.notify_all();
    }
    if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
    if (acceptor_.joinable()) acceptor_.join();
    if (fd_ >= 0) ::close(fd_);
    std::vector<std::thread> threads;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      threads.swap(threads_);
    }
    for (auto &t : threads) t.join();
  }

  std::string url(const std::string &path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

  std::vector<std::string> heads() {
    std::lock_guard<std::mutex> lock(mutex_);
    return heads_;
  }

 private:
  void handle(int fd) {
    timeval timeout{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    std::string head;
    char c;
    while (head.size() < 4 || head.compare(head.size() - 4, 4, "\r\n\r\n") != 0) {
      if (::recv(fd, &c, 1, 0) != 1) return;
      head += c;
    }
    size_t index = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      index = heads_.size();
      heads_.push_back(head);
    }
    const Reply r = handler_(head, index);
    if (r.delay_ms > 0) {
      std::unique_lock<std::mutex> lock(mutex_);
      stop_.wait_for(lock, std::chrono::milliseconds(r.delay_ms), [this] { return stopping_; });
    }
    size_t sent = 0;
    while (sent < r.raw.size()) {
      const ssize_t n = ::send(fd, r.raw.data() + sent, r.raw.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<size_t>(n);
    }
  }

  Handler handler_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::thread acceptor_;
  std::mutex mutex_;
  std::condition_variable stop_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
  std::vector<std::string> heads_;
};

DownloadOptions fast() {
  DownloadOptions o;
  o.backoff_ms = 1;
  o.timeout_ms = 2000;
  return o;
}

std::string refused_url() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len);
  ::close(fd);  // never listened: connections are refused
  return "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/manifest.json";
}

std::string file_bytes(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i % 26);
  return s;
}

void delivery_download_resumes() {
  const fs::path dir = temp_dir("resume");
  const std::string file = file_bytes(1000);
  const std::string sha = sha_hex(file);
  const std::string partial = (dir / "f.part").string();
  const std::string target = (dir / "f.wasm").string();
  {
    // The first answer stops after 300 bytes; the second asks for the rest and gets a 206.
    ScriptServer server([&](const std::string &head, size_t index) {
      if (index == 0) return Reply{reply("200 OK", file, {}, file.size(), 300)};
      const std::string range = header(head, "range");
      if (range != "bytes=300-") return Reply{reply("400 Bad Request", "want a range")};
      return Reply{reply("206 Partial Content", file.substr(300), "Content-Range: bytes 300-999/1000\r\n")};
    });
    auto done = download_verified(server.url("/f"), file.size(), sha, partial, target, fast());
    CHECK(done.ok());
    CHECK(read(target) == file && !fs::exists(partial));
    const auto heads = server.heads();
    CHECK(heads.size() == 2);
    if (heads.size() == 2) {
      CHECK(header(heads[0], "range").empty() && header(heads[0], "accept-encoding") == "gzip");
      CHECK(header(heads[1], "range") == "bytes=300-" && header(heads[1], "accept-encoding").empty());
    }
  }
  fs::remove(target);
  {
    // A partial file from an earlier launch; the server ignores the range: a 200 starts over.
    write(partial, "zzzzz");  // not even a prefix of the file
    ScriptServer server([&](const std::string &, size_t) { return Reply{reply("200 OK", file)}; });
    auto done = download_verified(server.url("/f"), file.size(), sha, partial, target, fast());
    CHECK(done.ok() && read(target) == file);
    CHECK(server.heads().size() == 1 && header(server.heads()[0], "range") == "bytes=5-");
  }
  fs::remove(target);
  {
    // A complete partial file (the rename never happened): no request at all.
    write(partial, file);
    ScriptServer server([&](const std::string &, size_t) { return Reply{reply("500 Oops", "")}; });
    auto done = download_verified(server.url("/f"), file.size(), sha, partial, target, fast());
    CHECK(done.ok() && read(target) == file && server.heads().empty());
  }
  fs::remove(target);
  {
    // A 206 for another range than asked: the partial file goes and the next attempt starts over.
    write(partial, file.substr(0, 100));
    ScriptServer server([&](const std::string &, size_t index) {
      if (index == 0) return Reply{reply("206 Partial Content", file.substr(50), "Content-Range: bytes 50-999/1000\r\n")};
      return Reply{reply("200 OK", file)};
    });
    auto done = download_verified(server.url("/f"), file.size(), sha, partial, target, fast());
    CHECK(done.ok() && read(target) == file && server.heads().size() == 2);
  }
  fs::remove_all(dir);
}

void delivery_download_retries_and_gives_up() {
  const fs::path dir = temp_dir("retry");
  const std::string file = file_bytes(1000);
  const std::string sha = sha_hex(file);
  const std::string partial = (dir / "f.part").string();
  const std::string target = (dir / "f.wasm").string();
  const auto attempt = [&](ScriptServer &server) {
    return download_verified(server.url("/f"), file.size(), sha, partial, target, fast());
  };
  {
    ScriptServer server([&](const std::string &, size_t index) {
      return Reply{index == 0 ? reply("503 Busy", "") : reply("200 OK", file)};
    });
    CHECK(attempt(server).ok() && server.heads().size() == 2);  // a 5xx is retried
  }
  fs::remove(target);
  {
    ScriptServer server([&](const std::string &, size_t) { return Reply{reply("500 Oops", "")}; });
    auto failed = attempt(server);
    CHECK(!failed.ok() && failed.error().message("bundle") == "bundle HTTP 500");
    CHECK(server.heads().size() == 3);  // three attempts, then it gives up
  }
  {
    ScriptServer server([&](const std::string &, size_t) { return Reply{reply("404 Not Found", "")}; });
    auto failed = attempt(server);
    CHECK(!failed.ok() && failed.error().message("bundle") == "bundle HTTP 404");
    CHECK(server.heads().size() == 1);  // a 4xx is not retried
  }
  {
    // Every answer is cut short after 100 bytes: 300 kept, resumed next launch.
    ScriptServer server([&](const std::string &head, size_t) {
      const std::string range = header(head, "range");
      const size_t from = range.empty() ? 0 : std::stoul(range.substr(6));
      const std::string rest = file.substr(from);
      const std::string extra =
          range.empty() ? "" : "Content-Range: bytes " + std::to_string(from) + "-999/1000\r\n";
      return Reply{reply(range.empty() ? "200 OK" : "206 Partial Content", rest, extra, rest.size(), 100)};
    });
    auto failed = attempt(server);
    CHECK(!failed.ok() && failed.error().message("bundle") == "bundle truncated: got 300 of 1000 bytes");
    CHECK(fs::file_size(partial) == 300 && !fs::exists(target));
  }
  fs::remove(partial);
  {
    DownloadOptions o = fast();
    auto failed = download_verified(refused_url(), file.size(), sha, partial, target, o);
    CHECK(!failed.ok() && failed.error().message("bundle") == "bundle unreachable: connection refused");
  }
  {
    DownloadOptions o = fast();
    o.timeout_ms = 150;
    ScriptServer server([&](const std::string &, size_t) { return Reply{reply("200 OK", file), 3000}; });
    const auto start = std::chrono::steady_clock::now();
    auto failed = download_verified(server.url("/f"), file.size(), sha, partial, target, o);
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(!failed.ok() && failed.error().message("bundle") == "bundle unreachable: timeout");
    CHECK(server.heads().size() == 3);
    CHECK(took < std::chrono::seconds(2));
  }
  fs::remove_all(dir);
}

void delivery_download_rejects_wrong_bytes() {
  const fs::path dir = temp_dir("wrong");
  const std::string file = file_bytes(1000);
  const std::string sha = sha_hex(file);
  const std::string partial = (dir / "f.part").string();
  const std::string target = (dir / "f.wasm").string();
  const auto fetch = [&](ScriptServer &server) {
    return download_verified(server.url("/f"), file.size(), sha, partial, target, fast());
  };
  {
    std::string flipped = file;
    flipped[500] = static_cast<char>(flipped[500] ^ 0xff);
    ScriptServer server([&](const std::string &, size_t) { return Reply{reply("200 OK", flipped)}; });
    auto failed = fetch(server);
    CHECK(!failed.ok() && failed.error().message("bundle") == "bundle hash mismatch");
    CHECK(server.heads().size() == 1 && !fs::exists(partial) && !fs::exists(target));  // not retried
  }
  {
    ScriptServer server([&](const std::string &, size_t) { return Reply{reply("200 OK", file + "more")}; });
    auto failed = fetch(server);
    CHECK(!failed.ok() && failed.error().message("bundle") == "bundle size mismatch: got 1004, manifest says 1000");
    CHECK(server.heads().size() == 1 && !fs::exists(partial));
  }
  {
    // No Content-Length, a longer body: stopped as soon as it is longer.
    ScriptServer server([&](const std::string &, size_t) {
      return Reply{"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + file + std::string(5000, 'x')};
    });
    auto failed = fetch(server);
    CHECK(!failed.ok() && failed.error().kind == DownloadErrorKind::SizeMismatch);
    CHECK(!failed.ok() && failed.error().got > 1000);
  }
  fs::remove_all(dir);
}

void delivery_manifest_fetch_etag_and_gzip() {
  static const char kGzip[] =
      "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff\xab\x56\xca\x48\xcd\xc9\xc9\x57\xb2\x52\x50\x4a\xaf\xca"
      "\x2c\x50\xaa\x05\x00\x8e\xb2\x13\x1b\x11\x00\x00\x00";
  const std::string gz(kGzip, sizeof kGzip - 1);
  ScriptServer server([&](const std::string &head, size_t) {
    if (header(head, "if-none-match") == "\"v1\"") return Reply{reply("304 Not Modified", "", "ETag: \"v1\"\r\n", 0)};
    if (path_of(head) == "/gz") {
      return Reply{reply("200 OK", gz, "Content-Encoding: gzip\r\nETag: \"v1\"\r\n")};
    }
    if (path_of(head) == "/big") return Reply{reply("200 OK", std::string(kMaxManifestBytes + 1, ' '))};
    if (path_of(head) == "/gone") return Reply{reply("404 Not Found", "")};
    return Reply{reply("500 Oops", "")};
  });
  auto fresh = fetch_manifest(server.url("/gz"), "", kMaxManifestBytes, fast());
  CHECK(fresh.ok());
  if (fresh) {
    CHECK(!fresh.value().not_modified);
    CHECK_EQ_STR(fresh.value().body, "{\"hello\": \"gzip\"}");  // decoded
    CHECK_EQ_STR(fresh.value().etag, "\"v1\"");
  }
  CHECK(header(server.heads().at(0), "accept-encoding") == "gzip");
  CHECK(header(server.heads().at(0), "if-none-match").empty());
  auto again = fetch_manifest(server.url("/gz"), "\"v1\"", kMaxManifestBytes, fast());
  CHECK(again.ok() && again.value().not_modified);
  auto big = fetch_manifest(server.url("/big"), "", kMaxManifestBytes, fast());
  CHECK(!big.ok() && big.error().kind == DownloadErrorKind::TooLarge);
  auto gone = fetch_manifest(server.url("/gone"), "", kMaxManifestBytes, fast());
  CHECK(!gone.ok() && gone.error().message("manifest") == "manifest HTTP 404");
  const size_t before = server.heads().size();
  auto broken = fetch_manifest(server.url("/broken"), "", kMaxManifestBytes, fast());
  CHECK(!broken.ok() && broken.error().message("manifest") == "manifest HTTP 500");
  CHECK(server.heads().size() == before + 3);
  auto refused = fetch_manifest(refused_url(), "", kMaxManifestBytes, fast());
  CHECK(!refused.ok() && refused.error().message("manifest") == "manifest unreachable: connection refused");
}

// ---- the launch sequence ----

// A CDN: path -> bytes, with faults by path prefix, and ETags.
class Cdn {
 public:
  Cdn()
      : server_([this](const std::string &head, size_t) { return answer(head); }) {}

  void put(const std::string &path, const std::string &bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    files_[path] = bytes;
  }
  void fault(const std::string &prefix, const std::string &status) {
    std::lock_guard<std::mutex> lock(mutex_);
    faults_[prefix] = status;
  }
  void clear_faults() {
    std::lock_guard<std::mutex> lock(mutex_);
    faults_.clear();
  }
  std::string url(const std::string &path) const { return server_.url(path); }
  std::vector<std::string> heads() { return server_.heads(); }

 private:
  Reply answer(const std::string &head) {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string path = path_of(head).substr(1);
    for (const auto &[prefix, status] : faults_) {
      if (path.rfind(prefix, 0) == 0) return Reply{reply(status, "")};
    }
    const auto it = files_.find(path);
    if (it == files_.end()) return Reply{reply("404 Not Found", "")};
    const std::string etag = "\"" + sha_hex(it->second) + "\"";
    if (header(head, "if-none-match") == etag) return Reply{reply("304 Not Modified", "", "ETag: " + etag + "\r\n", 0)};
    return Reply{reply("200 OK", it->second, "ETag: " + etag + "\r\n")};
  }

  std::mutex mutex_;
  std::map<std::string, std::string> files_;
  std::map<std::string, std::string> faults_;
  ScriptServer server_;  // last: stopped before the maps go
};

void delivery_launch_and_fallback() {
  const fs::path dir = temp_dir("launch");
  Cdn cdn;
  DeliveryOptions options;
  options.manifest_url = cdn.url("/rel/manifest.json");
  options.cache_dir = (dir / "cache").string();
  options.public_key = rfc_public_key();
  options.download = fast();

  Release v1;
  v1.version = "1.0.0";
  v1.bundle = "bundle one";
  v1.bundle_url = "bundles/one.wasm";
  v1.js = "js one";
  cdn.put("rel/manifest.json", v1.json());
  cdn.put("rel/bundles/one.wasm", v1.bundle);
  cdn.put("rel/js/l.js", *v1.js);

  // From the network, then (the manifest unchanged: a 304) from the cache.
  {
    Delivery delivery(options);
    auto launched = delivery.launch();
    CHECK(launched.ok());
    if (!launched) return;
    const DeliveredBundle &b = launched.value();
    CHECK(b.source == BundleSource::Network && b.version == "1.0.0" && b.sha256 == sha_hex(v1.bundle));
    CHECK(read(b.path) == v1.bundle && read(b.js_path) == *v1.js);
    CHECK(b.abi_version() == 0x00010003);
    delivery.mark_good(b);
  }
  {
    Delivery delivery(options);
    auto launched = delivery.launch();
    CHECK(launched.ok() && launched.value().source == BundleSource::Cache);
    CHECK(header(cdn.heads().back(), "if-none-match").size() == 66);  // "<sha256>"
  }

  // Version 2's bundle is unavailable: the last good version runs.
  Release v2 = v1;
  v2.version = "2.0.0";
  v2.bundle = "bundle two";
  v2.bundle_url = "bundles/two.wasm";
  cdn.put("rel/manifest.json", v2.json());
  cdn.put("rel/bundles/two.wasm", v2.bundle);
  cdn.fault("rel/bundles/two", "503 Unavailable");
  {
    Delivery delivery(options);
    auto launched = delivery.launch();
    CHECK(launched.ok() && launched.value().source == BundleSource::Fallback);
    CHECK(launched.ok() && launched.value().version == "1.0.0" && read(launched.value().js_path) == *v1.js);
  }
  // Available again: version 2 arrives; it does not start, so version 1 runs, and nothing is
  // left after that.
  cdn.clear_faults();
  {
    Delivery delivery(options);
    auto launched = delivery.launch();
    CHECK(launched.ok() && launched.value().source == BundleSource::Network && launched.value().version == "2.0.0");
    if (!launched) return;
    auto next = delivery.start_failed(launched.value(), "the bundle trapped in touchline_init: unreachable");
    CHECK(next.ok() && next.value().version == "1.0.0" && next.value().source == BundleSource::Fallback);
    if (!next) return;
    auto none = delivery.start_failed(next.value(), "no");
    CHECK(!none.ok() && none.error().message == "bundle does not start: no");
  }
  // Version 2 traps at start-up three launches in a row: demoted, and not run again.
  for (int launch = 1; launch <= 3; ++launch) {
    Delivery delivery(options);
    auto launched = delivery.launch();
    CHECK(launched.ok() && launched.value().version == "2.0.0" && launched.value().source == BundleSource::Cache);
    if (!launched) return;
    CHECK(delivery.startup_trap(launched.value()) == (launch == 3));
  }
  {
    Delivery delivery(options);
    auto launched = delivery.launch();
    CHECK(launched.ok() && launched.value().version == "1.0.0" && launched.value().source == BundleSource::Fallback);
    CHECK(Cache(options.cache_dir).load_good().is_demoted(sha_hex(v2.bundle)));
  }
  // A bad signature, then a tampered cache: the good bundle fails its hash and is gone.
  cdn.put("rel/manifest.json", v2.json(std::string(128, '0')));
  {
    Delivery delivery(options);
    auto launched = delivery.launch();
    CHECK(launched.ok() && launched.value().source == BundleSource::Fallback);
    if (launched) write(launched.value().path, "tampered");
  }
  {
    Delivery delivery(options);
    auto launched = delivery.launch();
    CHECK(!launched.ok() && launched.error().message == "bad signature");
  }
  // A manifest whose ABI major differs.
  Release v3 = v1;
  v3.major = 2;
  v3.minor = 0;
  cdn.put("rel/manifest.json", v3.json());
  {
    Delivery delivery(options);
    auto launched = delivery.launch();
    CHECK(!launched.ok() && launched.error().message == "wrong ABI: bundle speaks 2.0, host speaks 1.x");
  }
  // Nothing cached, server gone.
  {
    DeliveryOptions empty = options;
    empty.cache_dir = (dir / "empty").string();
    empty.manifest_url = refused_url();
    Delivery delivery(empty);
    auto launched = delivery.launch();
    CHECK(!launched.ok() && launched.error().message == "manifest unreachable: connection refused");
  }
  fs::remove_all(dir);
}

const std::map<std::string, std::function<void()>> &tests() {
  static const std::map<std::string, std::function<void()>> kTests = {
      {"delivery_sha256_vectors", delivery_sha256_vectors},
      {"delivery_ed25519_rfc8032_vector_1", delivery_ed25519_rfc8032_vector_1},
      {"delivery_manifest_parses", delivery_manifest_parses},
      {"delivery_manifest_rejects_invalid", delivery_manifest_rejects_invalid},
      {"delivery_manifest_signed_message", delivery_manifest_signed_message},
      {"delivery_manifest_signature", delivery_manifest_signature},
      {"delivery_urls_resolve", delivery_urls_resolve},
      {"delivery_cache_good_json_round_trip", delivery_cache_good_json_round_trip},
      {"delivery_cache_keeps_three_and_demotes", delivery_cache_keeps_three_and_demotes},
      {"delivery_cache_verify_deletes_bad_files", delivery_cache_verify_deletes_bad_files},
      {"delivery_download_resumes", delivery_download_resumes},
      {"delivery_download_retries_and_gives_up", delivery_download_retries_and_gives_up},
      {"delivery_download_rejects_wrong_bytes", delivery_download_rejects_wrong_bytes},
      {"delivery_manifest_fetch_etag_and_gzip", delivery_manifest_fetch_etag_and_gzip},
      {"delivery_launch_and_fallback", delivery_launch_and_fallback},
  };
  return kTests;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc > 1 && std::string(argv[1]) == "--list") {
    for (const auto &[name, fn] : tests()) std::printf("%s\n", name.c_str());
    return 0;
  }
  int ran = 0;
  for (const auto &[name, fn] : tests()) {
    if (argc > 1 && name != argv[1]) continue;
    fn();
    ++ran;
  }
  if (ran == 0) {
    std::fprintf(stderr, "no test named %s\n", argc > 1 ? argv[1] : "");
    return 1;
  }
  if (g_failures > 0) {
    std::fprintf(stderr, "%d check(s) failed\n", g_failures);
    return 1;
  }
  std::printf("ok (%d test%s)\n", ran, ran == 1 ? "" : "s");
  return 0;
}
