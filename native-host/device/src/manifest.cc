#include "manifest.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include <vector>

namespace touchline::host {
namespace {

using Json = nlohmann::json;
using Kind = ManifestErrorKind;

ManifestError error(Kind kind, std::string field, std::string detail = {}) {
  return ManifestError{kind, std::move(field), std::move(detail)};
}

const char *type_name(const Json &value) {
  switch (value.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::object: return "an object";
    case Json::value_t::array: return "an array";
    case Json::value_t::string: return "a string";
    case Json::value_t::boolean: return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return "a number";
    case Json::value_t::binary: return "binary";
    case Json::value_t::discarded: break;
  }
  return "nothing";
}

std::string join(const std::string &prefix, const char *key) {
  return prefix.empty() ? std::string(key) : prefix + "." + key;
}

// Field `key` of `object`, present and of the type `is` accepts.
template <typename Is>
Result<const Json *, ManifestError> field(const Json &object, const std::string &prefix,
                                         const char *key, Is is, const char *want) {
  const auto it = object.find(key);
  if (it == object.end()) return error(Kind::Missing, join(prefix, key));
  if (!is(*it)) {
    return error(Kind::WrongType, join(prefix, key),
                 std::string("is ") + type_name(*it) + ", not " + want);
  }
  return &*it;
}

bool is_string(const Json &v) { return v.is_string(); }
bool is_object(const Json &v) { return v.is_object(); }
// A non-negative whole number: nlohmann keeps those as number_unsigned (1.0 and -1 are not).
bool is_count(const Json &v) { return v.is_number_unsigned(); }

Result<std::string, ManifestError> text_field(const Json &object, const char *key) {
  auto value = field(object, "", key, is_string, "a string");
  if (!value) return value.error();
  const std::string text = value.value()->get<std::string>();
  if (text.size() > kMaxManifestTextBytes) {
    return error(Kind::BadValue, key, "is longer than " + std::to_string(kMaxManifestTextBytes) + " bytes");
  }
  for (char c : text) {
    if (c < 0x20 || c > 0x7e) return error(Kind::BadValue, key, "is not printable ASCII");
  }
  return text;
}

Result<uint32_t, ManifestError> abi_part(const Json &abi, const char *key) {
  auto value = field(abi, "abi", key, is_count, "a whole number");
  if (!value) return value.error();
  const uint64_t n = value.value()->get<uint64_t>();
  if (n > 0xffff) return error(Kind::BadValue, join("abi", key), "is over 65535");
  return static_cast<uint32_t>(n);
}

Result<ManifestFile, ManifestError> file_field(const Json &object, const char *key, uint64_t max_size,
                                               const char *max_name) {
  auto value = field(object, "", key, is_object, "an object");
  if (!value) return value.error();
  const Json &file = *value.value();
  ManifestFile out;
  auto url = field(file, key, "url", is_string, "a string");
  if (!url) return url.error();
  out.url = url.value()->get<std::string>();
  if (out.url.empty()) return error(Kind::BadValue, join(key, "url"), "is empty");
  auto size = field(file, key, "size", is_count, "a whole number");
  if (!size) return size.error();
  out.size = size.value()->get<uint64_t>();
  if (out.size > max_size) {
    return error(Kind::BadValue, join(key, "size"),
                 std::to_string(out.size) + " is over " + max_name);
  }
  auto sha = field(file, key, "sha256", is_string, "a string");
  if (!sha) return sha.error();
  out.sha256 = sha.value()->get<std::string>();
  if (!is_lower_hex(out.sha256, 64)) {
    return error(Kind::BadValue, join(key, "sha256"), "is not 64 lowercase hex characters");
  }
  return out;
}

}  // namespace

std::string ManifestError::message() const {
  switch (kind) {
    case Kind::TooLarge: return "larger than 64 KiB" + (detail.empty() ? "" : " (" + detail + ")");
    case Kind::NotJson: return "not JSON: " + detail;
    case Kind::Missing: return "missing field `" + field + "`";
    case Kind::WrongType:
    case Kind::BadValue: return "`" + field + "` " + detail;
  }
  return detail;
}

Result<Manifest, ManifestError> parse_manifest(std::string_view text) {
  if (text.size() > kMaxManifestBytes) {
    return error(Kind::TooLarge, "", std::to_string(text.size()) + " bytes");
  }
  Json doc;
  try {
    doc = Json::parse(text.begin(), text.end());
  } catch (const Json::exception &e) {
    // "[json.exception.parse_error.101] parse error at line 1, ...": keep what follows the tag.
    std::string what = e.what();
    if (const auto close = what.find("] "); what.rfind("[json.exception.", 0) == 0 && close != std::string::npos) {
      what = what.substr(close + 2);
    }
    return error(Kind::NotJson, "", what);
  }
  if (!doc.is_object()) return error(Kind::NotJson, "", std::string("the document is ") + type_name(doc) + ", not an object");

  Manifest m;
  auto format = field(doc, "", "format", [](const Json &v) { return v.is_number(); }, "a number");
  if (!format) return format.error();
  if (!format.value()->is_number_unsigned() || format.value()->get<uint64_t>() != kManifestFormat) {
    return error(Kind::BadValue, "format", "is " + format.value()->dump() + ", this host reads format 1");
  }
  auto app = text_field(doc, "app");
  if (!app) return app.error();
  m.app = std::move(app.value());
  auto version = text_field(doc, "version");
  if (!version) return version.error();
  m.version = std::move(version.value());

  auto abi = field(doc, "", "abi", is_object, "an object");
  if (!abi) return abi.error();
  auto major = abi_part(*abi.value(), "major");
  if (!major) return major.error();
  auto minor = abi_part(*abi.value(), "minor");
  if (!minor) return minor.error();
  m.abi_major = major.value();
  m.abi_minor = minor.value();

  auto bundle = file_field(doc, "bundle", kMaxBundleBytes, "64 MiB");
  if (!bundle) return bundle.error();
  m.bundle = std::move(bundle.value());
  if (doc.contains("legacy_js")) {
    auto js = file_field(doc, "legacy_js", kMaxLegacyJsBytes, "1 MiB");
    if (!js) return js.error();
    m.legacy_js = std::move(js.value());
  }
  if (doc.contains("assets")) {
    auto assets = field(doc, "", "assets", is_string, "a string");
    if (!assets) return assets.error();
    m.assets = assets.value()->get<std::string>();
    if (m.assets.empty() || m.assets.size() > kMaxAssetsUrlBytes || m.assets.back() != '/') {
      return error(Kind::BadValue, "assets",
                   "is not a directory URL (1 to " + std::to_string(kMaxAssetsUrlBytes) + " bytes, ending in `/`)");
    }
    for (char c : m.assets) {
      if (c <= 0x20 || c > 0x7e) return error(Kind::BadValue, "assets", "is not printable ASCII without spaces");
    }
    if (const auto colon = m.assets.find(':'); colon != std::string::npos && m.assets.find('/') > colon) {
      std::string scheme = m.assets.substr(0, colon);
      std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
      if (scheme != "http" && scheme != "https") {
        return error(Kind::BadValue, "assets", "is a `" + scheme + ":` URL, not http(s) or relative");
      }
    }
  }

  auto signature = field(doc, "", "signature", is_string, "a string");
  if (!signature) return signature.error();
  m.signature = signature.value()->get<std::string>();
  return m;
}

std::string signed_message(const Manifest &m) {
  std::string out = "touchline-manifest-v1\n";
  out += "app=" + m.app + "\n";
  out += "version=" + m.version + "\n";
  out += "abi=" + std::to_string(m.abi_major) + "." + std::to_string(m.abi_minor) + "\n";
  out += "bundle=" + std::to_string(m.bundle.size) + " " + m.bundle.sha256 + "\n";
  if (m.legacy_js) {
    out += "legacy_js=" + std::to_string(m.legacy_js->size) + " " + m.legacy_js->sha256 + "\n";
  } else {
    out += "legacy_js=none\n";
  }
  return out;
}

bool verify_signature(const Manifest &manifest, const Ed25519PublicKey &key) {
  std::vector<uint8_t> signature;
  if (manifest.signature.size() != 128 || !from_hex(manifest.signature, signature)) return false;
  const std::string message = signed_message(manifest);
  return ed25519_verify(key, signature.data(), signature.size(),
                        reinterpret_cast<const uint8_t *>(message.data()), message.size());
}

}  // namespace touchline::host
