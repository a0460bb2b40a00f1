#include "cache.h"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "crypto.h"

namespace touchline::host {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

std::string errno_text() { return std::strerror(errno); }

// Closes a file descriptor.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd &) = delete;
  Fd &operator=(const Fd &) = delete;
  int get() const { return fd_; }
  // Closes now; false (errno set) when close reports an error.
  bool close() {
    const int fd = fd_;
    fd_ = -1;
    return fd < 0 || ::close(fd) == 0;
  }

 private:
  int fd_;
};

Result<GoodEntry> entry_from_json(const Json &j) {
  if (!j.is_object()) return Error{"a good entry is not an object"};
  GoodEntry e;
  const auto version = j.find("version");
  const auto sha = j.find("sha256");
  const auto abi = j.find("abi");
  if (version == j.end() || !version->is_string()) return Error{"a good entry has no string `version`"};
  if (sha == j.end() || !sha->is_string() || !is_lower_hex(sha->get<std::string>(), 64)) {
    return Error{"a good entry has no `sha256` of 64 lowercase hex characters"};
  }
  e.version = version->get<std::string>();
  e.sha256 = sha->get<std::string>();
  if (abi == j.end() || !abi->is_object()) return Error{"a good entry has no `abi` object"};
  const auto major = abi->find("major");
  const auto minor = abi->find("minor");
  if (major == abi->end() || !major->is_number_unsigned() || major->get<uint64_t>() > 0xffff ||
      minor == abi->end() || !minor->is_number_unsigned() || minor->get<uint64_t>() > 0xffff) {
    return Error{"a good entry's `abi` is not {\"major\": M, \"minor\": m}"};
  }
  e.abi_major = static_cast<uint32_t>(major->get<uint64_t>());
  e.abi_minor = static_cast<uint32_t>(minor->get<uint64_t>());
  if (const auto js = j.find("js_sha256"); js != j.end() && !js->is_null()) {
    if (!js->is_string() || !is_lower_hex(js->get<std::string>(), 64)) {
      return Error{"a good entry's `js_sha256` is not null or 64 lowercase hex characters"};
    }
    e.js_sha256 = js->get<std::string>();
  }
  return e;
}

// Written in the doc's order (ordered_json keeps insertion order).
using OrderedJson = nlohmann::ordered_json;

OrderedJson entry_to_json(const GoodEntry &e) {
  OrderedJson j = OrderedJson::object();
  j["version"] = e.version;
  j["sha256"] = e.sha256;
  j["abi"] = OrderedJson{{"major", e.abi_major}, {"minor", e.abi_minor}};
  j["js_sha256"] = e.js_sha256.empty() ? OrderedJson(nullptr) : OrderedJson(e.js_sha256);
  return j;
}

Json parse_or_null(std::string_view text) {
  return Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
}

void remove_quietly(const std::string &path) {
  std::error_code ec;
  fs::remove(path, ec);
}

}  // namespace

bool GoodList::is_demoted(const std::string &sha256) const {
  return std::find(demoted.begin(), demoted.end(), sha256) != demoted.end();
}

std::string good_list_to_json(const GoodList &list) {
  OrderedJson good = OrderedJson::array();
  for (const auto &e : list.good) good.push_back(entry_to_json(e));
  OrderedJson doc = OrderedJson::object();
  doc["format"] = 1;
  doc["good"] = std::move(good);
  doc["demoted"] = list.demoted;
  if (!list.startup_traps.empty()) doc["startup_traps"] = list.startup_traps;
  return doc.dump(2) + "\n";
}

Result<GoodList> good_list_from_json(std::string_view text) {
  const Json doc = parse_or_null(text);
  if (doc.is_discarded()) return Error{"not JSON"};
  if (!doc.is_object()) return Error{"not a JSON object"};
  const auto format = doc.find("format");
  if (format == doc.end() || !format->is_number_unsigned() || format->get<uint64_t>() != 1) {
    return Error{"`format` is not 1"};
  }
  GoodList list;
  const auto good = doc.find("good");
  if (good == doc.end() || !good->is_array()) return Error{"`good` is not an array"};
  for (const auto &j : *good) {
    auto entry = entry_from_json(j);
    if (!entry) return entry.error();
    list.good.push_back(std::move(entry.value()));
  }
  if (const auto demoted = doc.find("demoted"); demoted != doc.end()) {
    if (!demoted->is_array()) return Error{"`demoted` is not an array"};
    for (const auto &j : *demoted) {
      if (!j.is_string() || !is_lower_hex(j.get<std::string>(), 64)) {
        return Error{"`demoted` holds something other than a sha256"};
      }
      list.demoted.push_back(j.get<std::string>());
    }
  }
  if (const auto traps = doc.find("startup_traps"); traps != doc.end()) {
    if (!traps->is_object()) return Error{"`startup_traps` is not an object"};
    for (const auto &[sha, count] : traps->items()) {
      if (!is_lower_hex(sha, 64) || !count.is_number_unsigned() || count.get<uint64_t>() > UINT32_MAX) {
        return Error{"`startup_traps` holds something other than sha256: count"};
      }
      list.startup_traps[sha] = static_cast<uint32_t>(count.get<uint64_t>());
    }
  }
  return list;
}

Status write_file_atomic(const std::string &path, std::string_view bytes) {
  const std::string temp = path + ".tmp-" + std::to_string(::getpid());
  {
    Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (fd.get() < 0) return Error{"cannot write " + temp + ": " + errno_text()};
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const std::string why = errno_text();
        fd.close();
        remove_quietly(temp);
        return Error{"cannot write " + temp + ": " + why};
      }
      done += static_cast<size_t>(n);
    }
    // On disk before the rename makes it visible: a crash leaves the old file or the new one.
    if (::fsync(fd.get()) != 0 || !fd.close()) {
      const std::string why = errno_text();
      remove_quietly(temp);
      return Error{"cannot write " + temp + ": " + why};
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string why = errno_text();
    remove_quietly(temp);
    return Error{"cannot rename " + temp + " to " + path + ": " + why};
  }
  return ok_status();
}

Result<std::string> read_text_file(const std::string &path) {
  struct Closer {
    void operator()(std::FILE *f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> file(std::fopen(path.c_str(), "rb"));
  if (!file) return Error{"cannot read " + path + ": " + errno_text()};
  std::string text;
  char chunk[4096];
  for (;;) {
    const size_t n = std::fread(chunk, 1, sizeof chunk, file.get());
    text.append(chunk, n);
    if (n < sizeof chunk) break;
  }
  if (std::ferror(file.get())) return Error{"cannot read " + path + ": " + errno_text()};
  return text;
}

Cache::Cache(std::string dir) : dir_(std::move(dir)) {}

std::string Cache::path(const char *name) const { return (fs::path(dir_) / name).string(); }

Status Cache::prepare() const {
  for (const char *sub : {"bundles", "partial"}) {
    std::error_code ec;
    fs::create_directories(fs::path(dir_) / sub, ec);
    if (ec) return Error{"cannot create " + path(sub) + ": " + ec.message()};
  }
  return ok_status();
}

std::string Cache::bundle_path(const std::string &sha256) const {
  return (fs::path(dir_) / "bundles" / (sha256 + ".wasm")).string();
}

std::string Cache::js_path(const std::string &sha256) const {
  return (fs::path(dir_) / "bundles" / (sha256 + ".js")).string();
}

std::string Cache::partial_path(const std::string &sha256) const {
  return (fs::path(dir_) / "partial" / (sha256 + ".part")).string();
}

std::string Cache::good_path() const { return path("good.json"); }

bool Cache::verify(const std::string &file, const std::string &sha256) const {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return false;
  auto digest = sha256_file(file);
  if (digest && to_hex(digest.value().sha256) == sha256) return true;
  remove_quietly(file);
  return false;
}

GoodList Cache::load_good(std::string *warning) const {
  std::error_code ec;
  if (!fs::exists(good_path(), ec)) return {};
  auto text = read_text_file(good_path());
  if (!text) {
    if (warning != nullptr) *warning = text.error().message;
    return {};
  }
  auto list = good_list_from_json(text.value());
  if (!list) {
    if (warning != nullptr) *warning = good_path() + ": " + list.error().message;
    return {};
  }
  return std::move(list.value());
}

Status Cache::save_good(const GoodList &list) const {
  return write_file_atomic(good_path(), good_list_to_json(list));
}

Status Cache::mark_good(const GoodEntry &entry) const {
  GoodList list = load_good();
  list.good.erase(std::remove_if(list.good.begin(), list.good.end(),
                                 [&](const GoodEntry &e) { return e.sha256 == entry.sha256; }),
                  list.good.end());
  list.good.insert(list.good.begin(), entry);
  list.startup_traps.erase(entry.sha256);
  std::vector<GoodEntry> dropped;
  while (list.good.size() > kMaxGoodVersions) {
    dropped.push_back(list.good.back());
    list.good.pop_back();
  }
  if (auto saved = save_good(list); !saved) return saved;
  // The files of versions no longer kept go, unless a kept version shares them.
  const auto kept = [&](const std::string &sha) {
    return std::any_of(list.good.begin(), list.good.end(),
                       [&](const GoodEntry &e) { return e.sha256 == sha || e.js_sha256 == sha; });
  };
  for (const auto &e : dropped) {
    if (!kept(e.sha256)) remove_bundle_files(e.sha256);
    if (!e.js_sha256.empty() && !kept(e.js_sha256)) remove_quietly(js_path(e.js_sha256));
  }
  return ok_status();
}

void Cache::remove_bundle_files(const std::string &sha256) const {
  remove_quietly(bundle_path(sha256));
  remove_quietly(partial_path(sha256));
  // Its precompiled modules and start-up snapshots (and their checksums), for every engine,
  // host version and viewport: `modules/<sha256>-…`.
  std::error_code ec;
  const std::string prefix = sha256 + "-";
  for (const auto &entry : fs::directory_iterator(path("modules"), ec)) {
    if (entry.path().filename().string().rfind(prefix, 0) == 0) remove_quietly(entry.path().string());
  }
}

uint32_t Cache::record_startup_trap(const std::string &sha256) const {
  GoodList list = load_good();
  const uint32_t traps = list.startup_traps[sha256] + 1;
  if (traps >= kStartupTrapsToDemote) {
    list.startup_traps.erase(sha256);
    list.good.erase(std::remove_if(list.good.begin(), list.good.end(),
                                   [&](const GoodEntry &e) { return e.sha256 == sha256; }),
                    list.good.end());
    if (!list.is_demoted(sha256)) list.demoted.push_back(sha256);
    // A demoted bundle never runs again: its files go (a good version never shares them).
    remove_bundle_files(sha256);
    if (list.demoted.size() > kMaxDemoted) {
      list.demoted.erase(list.demoted.begin(),
                         list.demoted.begin() + static_cast<std::ptrdiff_t>(list.demoted.size() - kMaxDemoted));
    }
  } else {
    list.startup_traps[sha256] = traps;
  }
  (void)save_good(list);
  return traps;
}

std::optional<Cache::CachedManifest> Cache::load_manifest() const {
  auto text = read_text_file(path("manifest.json"));
  auto etag = read_text_file(path("manifest.etag"));
  if (!text || !etag) return std::nullopt;
  CachedManifest cached{std::move(text.value()), std::move(etag.value())};
  while (!cached.etag.empty() && std::strchr(" \t\r\n", cached.etag.back()) != nullptr) cached.etag.pop_back();
  if (cached.etag.empty()) return std::nullopt;
  return cached;
}

Status Cache::save_manifest(const std::string &text, const std::string &etag) const {
  // The old ETag goes first and the new one comes last: an ETag never names other text.
  remove_quietly(path("manifest.etag"));
  if (auto saved = write_file_atomic(path("manifest.json"), text); !saved) return saved;
  if (!etag.empty()) return write_file_atomic(path("manifest.etag"), etag + "\n");
  return ok_status();
}

void Cache::forget_manifest() const {
  remove_quietly(path("manifest.etag"));
  remove_quietly(path("manifest.json"));
}

}  // namespace touchline::host
