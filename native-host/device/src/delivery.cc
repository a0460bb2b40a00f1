#include "delivery.h"

#include <cstdio>

#include "abi.h"

#ifndef TOUCHLINE_PUBLIC_KEY_HEX
#error "TOUCHLINE_PUBLIC_KEY_HEX (64 hex characters) comes from CMake: tools/keys/dev.public or -DTOUCHLINE_PUBLIC_KEY"
#endif

namespace touchline::host {
namespace {

void say(const std::string &line) {
  std::printf("delivery: %s\n", line.c_str());
  std::fflush(stdout);
}

std::string abi_text(uint32_t major, uint32_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

}  // namespace

std::string demoted_reason(const std::string &version) {
  return "bundle demoted: version " + version + " trapped at start-up " + std::to_string(kStartupTrapsToDemote) +
         " times";
}

const char *builtin_public_key_hex() { return TOUCHLINE_PUBLIC_KEY_HEX; }

const char *bundle_source_name(BundleSource source) {
  switch (source) {
    case BundleSource::Network: return "network";
    case BundleSource::Cache: return "cache";
    case BundleSource::Fallback: return "fallback";
  }
  return "unknown";
}

Delivery::Delivery(DeliveryOptions options) : options_(std::move(options)), cache_(options_.cache_dir) {}

Result<DeliveredBundle> Delivery::deliver() {
  if (auto prepared = cache_.prepare(); !prepared) return Error{"cache unusable: " + prepared.error().message};

  // 1. The manifest (a 304 means the one that last verified is current).
  const std::optional<Cache::CachedManifest> cached = cache_.load_manifest();
  auto fetched = fetch_manifest(options_.manifest_url, cached ? cached->etag : std::string(),
                                kMaxManifestBytes, options_.download);
  if (!fetched) {
    const DownloadError &e = fetched.error();
    if (e.kind == DownloadErrorKind::TooLarge) return Error{"manifest invalid: " + e.detail};
    return Error{e.message("manifest")};
  }
  const bool not_modified = fetched.value().not_modified;
  const std::string &text = not_modified ? cached->text : fetched.value().body;
  auto parsed = parse_manifest(text);
  if (!parsed) {
    if (not_modified) cache_.forget_manifest();
    return Error{"manifest invalid: " + parsed.error().message()};
  }
  const Manifest &manifest = parsed.value();

  // 2. The signature.
  auto key = options_.public_key;
  if (!key) {
    auto builtin = parse_public_key(builtin_public_key_hex());
    if (!builtin) return Error{"bad signature"};  // a build without a usable key verifies nothing
    key = builtin.value();
  }
  if (!verify_signature(manifest, *key)) {
    if (not_modified) cache_.forget_manifest();
    return Error{"bad signature"};
  }
  if (!not_modified) {
    if (auto saved = cache_.save_manifest(text, fetched.value().etag); !saved) {
      std::fprintf(stderr, "warning: %s\n", saved.error().message.c_str());
    }
  }

  // 3. The ABI major.
  if (manifest.abi_major != abi::ABI_VERSION_MAJOR) {
    return Error{"wrong ABI: bundle speaks " + abi_text(manifest.abi_major, manifest.abi_minor) +
                 ", host speaks " + std::to_string(abi::ABI_VERSION_MAJOR) + ".x"};
  }
  // A bundle that kept failing at start-up is not run again (the next release is).
  if (cache_.load_good().is_demoted(manifest.bundle.sha256)) {
    return Error{demoted_reason(manifest.version)};
  }

  DeliveredBundle out;
  out.version = manifest.version;
  out.sha256 = manifest.bundle.sha256;
  out.abi_major = manifest.abi_major;
  out.abi_minor = manifest.abi_minor;
  out.source = BundleSource::Cache;
  if (!manifest.assets.empty()) {
    auto assets = resolve_url(options_.manifest_url, manifest.assets);
    if (!assets) return Error{"manifest invalid: `assets` " + assets.error().message};
    out.assets_url = assets.value();
  }

  // 4. and 5. The bundle and the legacy JS: from the cache (re-hashed) or the network.
  const auto fetch = [&](const ManifestFile &file, const std::string &target, const char *what,
                         const char *field) -> Status {
    if (cache_.verify(target, file.sha256)) return ok_status();
    auto url = resolve_url(options_.manifest_url, file.url);
    if (!url) return Error{std::string("manifest invalid: `") + field + ".url` " + url.error().message};
    auto downloaded = download_verified(url.value(), file.size, file.sha256, cache_.partial_path(file.sha256),
                                        target, options_.download);
    if (!downloaded) return Error{downloaded.error().message(what)};
    out.source = BundleSource::Network;
    return ok_status();
  };
  out.path = cache_.bundle_path(manifest.bundle.sha256);
  if (auto got = fetch(manifest.bundle, out.path, "bundle", "bundle"); !got) return got.error();
  if (manifest.legacy_js) {
    out.js_sha256 = manifest.legacy_js->sha256;
    out.js_path = cache_.js_path(out.js_sha256);
    if (auto got = fetch(*manifest.legacy_js, out.js_path, "legacy JS", "legacy_js"); !got) return got.error();
  }
  return out;
}

Result<DeliveredBundle> Delivery::launch() {
  auto delivered = deliver();
  if (delivered) {
    const DeliveredBundle &d = delivered.value();
    tried_.insert(d.sha256);
    say("running version " + d.version + " (sha256 " + d.sha256 + ") from " +
        (d.source == BundleSource::Network ? "the network" : "the cache"));
    return delivered;
  }
  say("failed: " + delivered.error().message);
  return fallback(delivered.error().message);
}

Result<DeliveredBundle> Delivery::start_failed(const DeliveredBundle &bundle, const std::string &detail) {
  const std::string reason = "bundle does not start: " + detail;
  say("failed: " + reason);
  tried_.insert(bundle.sha256);
  return fallback(reason);
}

Result<DeliveredBundle> Delivery::fallback(const std::string &reason) {
  std::string warning;
  GoodList list = cache_.load_good(&warning);
  if (!warning.empty()) std::fprintf(stderr, "warning: ignoring %s\n", warning.c_str());
  bool forgot = false;
  for (auto it = list.good.begin(); it != list.good.end();) {
    const GoodEntry &e = *it;
    if (list.is_demoted(e.sha256) || tried_.count(e.sha256) != 0 || e.abi_major != abi::ABI_VERSION_MAJOR) {
      ++it;
      continue;
    }
    const std::string path = cache_.bundle_path(e.sha256);
    const std::string js_path = e.js_sha256.empty() ? std::string() : cache_.js_path(e.js_sha256);
    // A file that fails its hash is deleted and counts as missing: so does its version.
    if (!cache_.verify(path, e.sha256) || (!js_path.empty() && !cache_.verify(js_path, e.js_sha256))) {
      it = list.good.erase(it);
      forgot = true;
      continue;
    }
    DeliveredBundle out;
    out.path = path;
    out.js_path = js_path;
    out.version = e.version;
    out.sha256 = e.sha256;
    out.js_sha256 = e.js_sha256;
    out.abi_major = e.abi_major;
    out.abi_minor = e.abi_minor;
    out.source = BundleSource::Fallback;
    if (forgot) (void)cache_.save_good(list);
    tried_.insert(out.sha256);
    say("running last good version " + out.version + " (sha256 " + out.sha256 + ")");
    return out;
  }
  if (forgot) (void)cache_.save_good(list);
  return Error{reason};
}

void Delivery::mark_good(const DeliveredBundle &bundle) {
  const Status saved = cache_.mark_good(
      GoodEntry{bundle.version, bundle.sha256, bundle.abi_major, bundle.abi_minor, bundle.js_sha256});
  if (!saved) {
    std::fprintf(stderr, "warning: cannot record version %s as good: %s\n", bundle.version.c_str(),
                 saved.error().message.c_str());
  }
}

bool Delivery::startup_trap(const DeliveredBundle &bundle) {
  const uint32_t traps = cache_.record_startup_trap(bundle.sha256);
  if (traps < kStartupTrapsToDemote) return false;
  say("demoted version " + bundle.version + " (trapped at start-up " + std::to_string(traps) + " times)");
  return true;
}

}  // namespace touchline::host
