#include "download.h"

#include "curl_handles.h"
#include <curl/curl.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "crypto.h"

namespace touchline::host {
namespace {

namespace fs = std::filesystem;
using Kind = DownloadErrorKind;

struct FileCloser {
  void operator()(std::FILE *f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

std::string lower(std::string s) {
  for (char &c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::string trim(const std::string &s) {
  const auto begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  const auto end = s.find_last_not_of(" \t\r\n");
  return s.substr(begin, end - begin + 1);
}

// One HTTP request.
struct Request {
  std::string url;
  uint32_t timeout_ms = 0;
  uint32_t connect_timeout_ms = 0;
  bool accept_gzip = true;
  std::vector<std::string> headers;
};

// What came back: curl's code and, when an answer started, its status and headers.
struct Response {
  CURLcode code = CURLE_OK;
  long status = 0;
  long os_errno = 0;
  std::string curl_message;  // curl's error buffer
  // Headers of the last answer (after redirects), names in lower case.
  std::string etag;
  std::string content_encoding;
  std::string content_range;
  bool has_content_length = false;
  uint64_t content_length = 0;
};

// Receives the body; returns false to abort the transfer. Its first call comes once the
// answer's status and headers are known.
using Sink = std::function<bool(const Response &, const char *, size_t)>;

struct Transfer {
  Response response;
  const Sink *sink = nullptr;
  bool aborted = false;

  static size_t on_header(char *data, size_t size, size_t count, void *user) noexcept {
    auto *t = static_cast<Transfer *>(user);
    const size_t len = size * count;
    try {
      const std::string line(data, len);
      if (line.rfind("HTTP/", 0) == 0) {  // a new answer (after a redirect or a 100)
        Response &r = t->response;
        r.etag.clear();
        r.content_encoding.clear();
        r.content_range.clear();
        r.has_content_length = false;
        r.content_length = 0;
        const auto space = line.find(' ');
        r.status = space == std::string::npos ? 0 : std::strtol(line.c_str() + space + 1, nullptr, 10);
        return len;
      }
      const auto colon = line.find(':');
      if (colon == std::string::npos) return len;
      const std::string name = lower(trim(line.substr(0, colon)));
      const std::string value = trim(line.substr(colon + 1));
      if (name == "etag") {
        t->response.etag = value;
      } else if (name == "content-encoding") {
        t->response.content_encoding = lower(value);
      } else if (name == "content-range") {
        t->response.content_range = value;
      } else if (name == "content-length") {
        char *end = nullptr;
        errno = 0;
        const unsigned long long n = std::strtoull(value.c_str(), &end, 10);
        if (errno == 0 && end != value.c_str() && *end == '\0') {
          t->response.has_content_length = true;
          t->response.content_length = n;
        }
      }
    } catch (...) {
      return 0;
    }
    return len;
  }

  static size_t on_data(char *data, size_t size, size_t count, void *user) noexcept {
    auto *t = static_cast<Transfer *>(user);
    const size_t len = size * count;
    try {
      if ((*t->sink)(t->response, data, len)) return len;
    } catch (...) {
    }
    t->aborted = true;
    return 0;  // CURLE_WRITE_ERROR
  }
};

Response perform(const Request &request, const Sink &sink) {
  Transfer t;
  t.sink = &sink;
  Response &r = t.response;
  if (!curl_ready()) {
    r.code = CURLE_FAILED_INIT;
    return r;
  }
  CurlEasy easy(curl_easy_init());
  if (!easy) {
    r.code = CURLE_FAILED_INIT;
    return r;
  }
  CURL *e = easy.get();
  char errbuf[CURL_ERROR_SIZE] = {0};
  CurlList headers;
  for (const auto &h : request.headers) {
    curl_slist *appended = curl_slist_append(headers.get(), h.c_str());
    if (appended == nullptr) {
      r.code = CURLE_OUT_OF_MEMORY;
      return r;
    }
    if (!headers) headers.reset(appended);
  }
  bool ok = curl_easy_setopt(e, CURLOPT_URL, request.url.c_str()) == CURLE_OK;
  ok = ok && curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK;
  ok = ok && curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") == CURLE_OK;
  ok = ok && curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L) == CURLE_OK;
  ok = ok && curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L) == CURLE_OK;
  ok = ok && curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
  ok = ok && curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout_ms)) == CURLE_OK;
  ok = ok && curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                              static_cast<long>(request.connect_timeout_ms)) == CURLE_OK;
  ok = ok && curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf) == CURLE_OK;
  ok = ok && curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Transfer::on_header) == CURLE_OK;
  ok = ok && curl_easy_setopt(e, CURLOPT_HEADERDATA, &t) == CURLE_OK;
  ok = ok && curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Transfer::on_data) == CURLE_OK;
  ok = ok && curl_easy_setopt(e, CURLOPT_WRITEDATA, &t) == CURLE_OK;
  // Sends `Accept-Encoding: gzip` and decodes a gzip answer; nothing at all when not set.
  if (request.accept_gzip) ok = ok && curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "gzip") == CURLE_OK;
  if (headers) ok = ok && curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers.get()) == CURLE_OK;
  if (!ok) {
    r.code = CURLE_FAILED_INIT;
    return r;
  }
  r.code = curl_easy_perform(e);
  long status = 0;
  if (curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK && status != 0) r.status = status;
  long os_errno = 0;
  if (curl_easy_getinfo(e, CURLINFO_OS_ERRNO, &os_errno) == CURLE_OK) r.os_errno = os_errno;
  r.curl_message = errbuf[0] != '\0' ? std::string(errbuf) : std::string(curl_easy_strerror(r.code));
  return r;
}

// What a failed connection (no complete answer) was, in a few words.
std::string network_detail(const Response &r) {
  switch (r.code) {
    case CURLE_COULDNT_CONNECT:
      if (r.os_errno == ECONNREFUSED) return "connection refused";
      return r.os_errno != 0 ? std::string("cannot connect: ") + std::strerror(static_cast<int>(r.os_errno))
                             : "cannot connect";
    case CURLE_COULDNT_RESOLVE_HOST: return "cannot resolve host";
    case CURLE_COULDNT_RESOLVE_PROXY: return "cannot resolve proxy";
    case CURLE_OPERATION_TIMEDOUT: return "timeout";
    case CURLE_GOT_NOTHING: return "connection closed without an answer";
    case CURLE_PARTIAL_FILE: return "the answer ended short";
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR: return "connection reset";
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR: return "TLS: " + r.curl_message;
    default: return r.curl_message;
  }
}

DownloadError unreachable(std::string detail) {
  DownloadError e{Kind::Unreachable, std::move(detail)};
  return e;
}

DownloadError http_error(long status) {
  DownloadError e{Kind::Http, {}};
  e.status = status;
  return e;
}

DownloadError sized(Kind kind, uint64_t got, uint64_t want) {
  DownloadError e{kind, {}};
  e.got = got;
  e.want = want;
  return e;
}

// Waits before attempt `attempt` (2, 3, ...): backoff, 2 x backoff, ..., x a 0.5-1.5 jitter.
void back_off(uint32_t attempt, uint32_t backoff_ms) {
  static std::mt19937 rng{std::random_device{}()};
  std::uniform_real_distribution<double> jitter(0.5, 1.5);
  const double base = static_cast<double>(backoff_ms) * static_cast<double>(1u << std::min(attempt - 2, 16u));
  std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(base * jitter(rng)));
}

uint64_t file_size(const std::string &path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  return ec ? 0 : static_cast<uint64_t>(size);
}

void remove_quietly(const std::string &path) {
  std::error_code ec;
  fs::remove(path, ec);
}

// `bytes START-END/TOTAL`: START, or -1.
long long range_start(const std::string &content_range) {
  const std::string prefix = "bytes ";
  if (lower(content_range).rfind(prefix, 0) != 0) return -1;
  const char *p = content_range.c_str() + prefix.size();
  char *end = nullptr;
  errno = 0;
  const long long start = std::strtoll(p, &end, 10);
  if (errno != 0 || end == p || *end != '-') return -1;
  return start;
}

// A complete `partial` whose hash is right moves to `target`; false (and `partial` gone) when
// its hash is wrong.
Result<bool> promote(const std::string &partial, const std::string &target, const std::string &sha256) {
  auto digest = sha256_file(partial);
  if (!digest) return digest.error();
  if (to_hex(digest.value().sha256) != sha256) {
    remove_quietly(partial);
    return false;
  }
  std::error_code ec;
  fs::rename(partial, target, ec);
  if (ec) return Error{"cannot move " + partial + " to " + target + ": " + ec.message()};
  return true;
}

}  // namespace

std::string DownloadError::message(const std::string &what) const {
  switch (kind) {
    case Kind::Unreachable: return what + " unreachable: " + detail;
    case Kind::Http: return what + " HTTP " + std::to_string(status);
    case Kind::Truncated:
      return what + " truncated: got " + std::to_string(got) + " of " + std::to_string(want) + " bytes";
    case Kind::SizeMismatch:
      return what + " size mismatch: got " + std::to_string(got) + ", manifest says " + std::to_string(want);
    case Kind::HashMismatch: return what + " hash mismatch";
    case Kind::TooLarge: return what + " too large: " + detail;
    case Kind::Local: return what + " cannot be cached: " + detail;
  }
  return what + ": " + detail;
}

Result<std::string> resolve_url(const std::string &base, const std::string &relative) {
  CurlUrl url(curl_url());
  if (!url) return Error{"out of memory"};
  if (curl_url_set(url.get(), CURLUPART_URL, base.c_str(), 0) != CURLUE_OK) {
    return Error{"`" + base + "` is not a URL"};
  }
  // A relative URL set on a handle holding one is resolved against it (RFC 3986, as browsers do).
  if (curl_url_set(url.get(), CURLUPART_URL, relative.c_str(), 0) != CURLUE_OK) {
    return Error{"`" + relative + "` is not a URL"};
  }
  char *scheme_raw = nullptr;
  if (curl_url_get(url.get(), CURLUPART_SCHEME, &scheme_raw, 0) != CURLUE_OK) {
    return Error{"`" + relative + "` has no scheme"};
  }
  const CurlString scheme(scheme_raw);
  const std::string s = lower(scheme.get());
  if (s != "http" && s != "https") return Error{"`" + relative + "` is not an http(s) URL"};
  char *full_raw = nullptr;
  if (curl_url_get(url.get(), CURLUPART_URL, &full_raw, 0) != CURLUE_OK) {
    return Error{"`" + relative + "` is not a URL"};
  }
  const CurlString full(full_raw);
  return std::string(full.get());
}

Result<ManifestResponse, DownloadError> fetch_manifest(const std::string &url, const std::string &etag,
                                                       size_t max_bytes, const DownloadOptions &options) {
  Request request;
  request.url = url;
  request.timeout_ms = options.manifest_timeout_ms();
  request.connect_timeout_ms = std::min(options.connect_timeout_ms, request.timeout_ms);
  if (!etag.empty()) request.headers.push_back("If-None-Match: " + etag);

  DownloadError last = unreachable("no attempt made");
  for (uint32_t attempt = 1; attempt <= std::max(options.attempts, 1u); ++attempt) {
    if (attempt > 1) back_off(attempt, options.backoff_ms);
    std::string body;
    bool too_large = false;
    const Sink sink = [&](const Response &r, const char *data, size_t len) {
      if (r.status != 200) return true;  // an error page: not kept
      if (body.size() + len > max_bytes) {
        too_large = true;
        return false;
      }
      body.append(data, len);
      return true;
    };
    const Response r = perform(request, sink);
    if (too_large) {
      DownloadError e{Kind::TooLarge, "larger than " + std::to_string(max_bytes / 1024) + " KiB"};
      return e;
    }
    if (r.code != CURLE_OK) {
      last = unreachable(network_detail(r));
      continue;  // connection failures, timeouts and short bodies are retried
    }
    if (r.status == 304 && !etag.empty()) {
      ManifestResponse out;
      out.not_modified = true;
      out.etag = etag;
      return out;
    }
    if (r.status == 200) {
      ManifestResponse out;
      out.body = std::move(body);
      out.etag = r.etag;
      return out;
    }
    last = http_error(r.status);
    if (r.status < 500) return last;  // 4xx (and anything else unexpected) is not retried
  }
  return last;
}

DownloadStatus download_verified(const std::string &url, uint64_t size, const std::string &sha256,
                                 const std::string &partial, const std::string &target,
                                 const DownloadOptions &options) {
  const auto local = [](std::string detail) {
    DownloadError e{Kind::Local, std::move(detail)};
    return e;
  };
  // All of it came in an earlier launch (and the rename did not happen): no request.
  if (const uint64_t have = file_size(partial); have >= size && have > 0) {
    if (have == size) {
      auto promoted = promote(partial, target, sha256);
      if (!promoted) return local(promoted.error().message);
      if (promoted.value()) return std::monostate{};
    }
    remove_quietly(partial);
  }

  DownloadError last = unreachable("no attempt made");
  for (uint32_t attempt = 1; attempt <= std::max(options.attempts, 1u); ++attempt) {
    if (attempt > 1) back_off(attempt, options.backoff_ms);
    uint64_t have = file_size(partial);
    if (have >= size) {
      remove_quietly(partial);
      have = 0;
    }
    Request request;
    request.url = url;
    request.timeout_ms = options.bundle_timeout_ms();
    request.connect_timeout_ms = std::min(options.connect_timeout_ms, request.timeout_ms);
    if (have > 0) {
      // Offsets are of the decoded bytes: the rest is asked for as it is, not gzip-encoded.
      request.headers.push_back("Range: bytes=" + std::to_string(have) + "-");
      request.accept_gzip = false;
    }

    File out;
    bool started = false;
    long started_status = 0;  // the answer the decisions below are about
    bool keep = false;        // a 200 or the 206 asked for: the body goes to `partial`
    uint64_t base = 0;        // where this answer's bytes start in the file
    uint64_t written = 0;
    bool oversize = false;
    bool length_mismatch = false;
    bool bad_range = false;
    uint64_t got = 0;
    std::string write_error;
    const auto start = [&](const Response &r) {
      started = true;
      started_status = r.status;
      const bool encoded = !r.content_encoding.empty() && r.content_encoding != "identity";
      if (r.status == 200) {
        base = 0;
      } else if (r.status == 206 && have > 0) {
        if (range_start(r.content_range) != static_cast<long long>(have)) {
          bad_range = true;
          return false;
        }
        base = have;
      } else {
        return true;  // an error page: not kept
      }
      if (r.has_content_length && !encoded && base + r.content_length != size) {
        length_mismatch = true;
        got = base + r.content_length;
        return false;
      }
      out.reset(std::fopen(partial.c_str(), base == 0 ? "wb" : "ab"));
      if (!out) {
        write_error = "cannot write " + partial + ": " + std::strerror(errno);
        return false;
      }
      keep = true;
      return true;
    };
    const Sink sink = [&](const Response &r, const char *data, size_t len) {
      // (A new answer, after one whose body was not kept, is decided afresh.)
      if ((!started || (!keep && r.status != started_status)) && !start(r)) return false;
      if (!keep) return true;
      if (base + written + len > size) {
        oversize = true;
        got = base + written + len;
        return false;
      }
      if (std::fwrite(data, 1, len, out.get()) != len) {
        write_error = "cannot write " + partial + ": " + std::strerror(errno);
        return false;
      }
      written += len;
      return true;
    };
    const Response r = perform(request, sink);
    // An answer with no body at all never reached the sink.
    if (!started && r.code == CURLE_OK && (r.status == 200 || r.status == 206)) (void)start(r);
    if (out) {
      const bool flushed = std::fflush(out.get()) == 0;
      std::FILE *f = out.release();
      const bool closed = std::fclose(f) == 0;
      if ((!flushed || !closed) && write_error.empty()) {
        write_error = "cannot write " + partial + ": " + std::strerror(errno);
      }
    }
    if (!write_error.empty()) return local(write_error);
    if (oversize || length_mismatch) {
      remove_quietly(partial);
      return sized(Kind::SizeMismatch, got, size);  // the CDN would send the same again
    }
    if (bad_range) {
      remove_quietly(partial);
      last = unreachable("the answer's Content-Range is not the range asked for");
      continue;
    }
    if (keep) {
      // The body (all of it, or the part that came before the connection failed) is in
      // `partial`: whole means check it, short means retry (resuming).
      const uint64_t now = file_size(partial);
      if (now < size) {
        last = r.code == CURLE_OPERATION_TIMEDOUT ? unreachable("timeout")
                                                   : sized(Kind::Truncated, now, size);
        continue;
      }
      auto promoted = promote(partial, target, sha256);
      if (!promoted) return local(promoted.error().message);
      if (!promoted.value()) {
        DownloadError e{Kind::HashMismatch, {}};
        return e;
      }
      return std::monostate{};
    }
    if (r.code != CURLE_OK) {
      last = unreachable(network_detail(r));
      continue;
    }
    last = http_error(r.status);
    if (r.status == 416) {
      remove_quietly(partial);  // what we have is not a prefix of the file: start over
      continue;
    }
    if (r.status < 500) return last;
  }
  return last;
}

}  // namespace touchline::host
