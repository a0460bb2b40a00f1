#include "fetch.h"

#include "curl_handles.h"
#include <curl/curl.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <unordered_map>
#include <utility>

#include <sys/stat.h>

#include "images.h"

namespace touchline::host {
namespace {

using FetchError = abi::FetchError;

bool starts_with_nocase(const std::string &s, const char *prefix) {
  const size_t n = std::strlen(prefix);
  if (s.size() < n) return false;
  for (size_t i = 0; i < n; ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

struct FileCloser {
  void operator()(std::FILE *f) const { std::fclose(f); }
};

FetchOutcome status_only(uint32_t status) { return FetchAnswer{status, {}}; }

// 404 for "nothing there", 500 for any other read error.
FetchOutcome io_status(int error) {
  return status_only(error == ENOENT || error == ENOTDIR || error == EISDIR ? 404 : 500);
}

FetchError curl_fetch_error(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return FetchError::Timeout;
    case CURLE_FILESIZE_EXCEEDED:
      return FetchError::TooLarge;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return FetchError::BadUrl;
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_PARTIAL_FILE:
    case CURLE_TOO_MANY_REDIRECTS:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_PROXY:
      return FetchError::Network;
    default:
      return FetchError::Other;
  }
}

}  // namespace

uint32_t fetch_timeout_ms(uint32_t timeout_ms) {
  const uint32_t ms = timeout_ms == 0 ? abi::DEFAULT_FETCH_TIMEOUT_MS : timeout_ms;
  return std::min(ms, kMaxFetchTimeoutMs);
}

bool is_http_url(const std::string &text) {
  return starts_with_nocase(text, "http://") || starts_with_nocase(text, "https://");
}

Result<FetchTarget, FetchError> resolve_fetch_url(const std::string &assets, const std::string &url) {
  if (is_http_url(url)) {
    const size_t start = url.find("//") + 2;
    const size_t end = url.find_first_of("/?#", start);
    const size_t authority = (end == std::string::npos ? url.size() : end) - start;
    const bool printable = std::all_of(url.begin(), url.end(), [](char c) {
      return static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7f;
    });
    if (authority == 0 || !printable) return FetchError::BadUrl;
    return FetchTarget{true, url};
  }
  auto path = resolve_image_url(assets, url);
  if (!path) return path.error() == abi::ImageError::BadUrl ? FetchError::BadUrl : FetchError::Other;
  // A relative URL under an http(s) asset root is that root's URL plus the path, checked as
  // any http URL is (printable ASCII: a space is BadUrl, as in the desktop host).
  if (is_http_url(path.value())) return resolve_fetch_url(assets, path.value());
  return FetchTarget{false, std::move(path.value())};
}

FetchOutcome fetch_file(const std::string &path) {
  // Only regular files: a directory is not found, and a FIFO would block.
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) return io_status(errno);
  if (!S_ISREG(info.st_mode)) return status_only(404);
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) return io_status(errno);
  std::vector<uint8_t> bytes;
  uint8_t chunk[1 << 16];
  for (;;) {
    const size_t n = std::fread(chunk, 1, sizeof chunk, file.get());
    if (bytes.size() + n > abi::MAX_FETCH_BODY_BYTES) return FetchError::TooLarge;
    bytes.insert(bytes.end(), chunk, chunk + n);
    if (n < sizeof chunk) break;
  }
  if (std::ferror(file.get())) return io_status(errno);
  return FetchAnswer{200, std::move(bytes)};
}

const char *fetch_error_name(FetchError error) {
  switch (error) {
    case FetchError::Network: return "network error";
    case FetchError::Timeout: return "timeout";
    case FetchError::BadUrl: return "bad URL";
    case FetchError::TooLarge: return "too large";
    case FetchError::Other: break;
  }
  return "other";
}

struct Fetcher::Impl {
  // One fetch, queued or running. Its address is handed to curl (write callback, private
  // pointer), so it lives in a unique_ptr and never moves.
  struct Transfer {
    uint32_t id = 0;
    abi::FetchMethod method = abi::FetchMethod::Get;
    uint32_t timeout_ms = 0;
    std::string url;
    std::vector<uint8_t> request_body;
    std::vector<uint8_t> received;
    uint64_t body_limit = abi::MAX_FETCH_BODY_BYTES;
    bool too_large = false;
    bool failed_alloc = false;
    CurlEasy easy;
    CurlList headers;
  };

  CurlMulti multi;
  uint64_t body_limit = abi::MAX_FETCH_BODY_BYTES;  // of every transfer
  std::deque<std::unique_ptr<Transfer>> queued;
  std::vector<std::unique_ptr<Transfer>> running;
  std::vector<FetchFinished> unstarted;  // fetches that could not even start

  static size_t on_data(char *data, size_t size, size_t count, void *user) noexcept {
    auto *t = static_cast<Transfer *>(user);
    const size_t len = size * count;
    if (len > t->body_limit - std::min<uint64_t>(t->received.size(), t->body_limit)) {
      t->too_large = true;
      return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
    }
    try {
      t->received.insert(t->received.end(), data, data + len);
    } catch (const std::bad_alloc &) {
      t->failed_alloc = true;
      return 0;
    }
    return len;
  }

  // Sets the transfer up and adds it to the multi handle; false when curl refuses.
  bool begin(Transfer &t) {
    t.easy.reset(curl_easy_init());
    CURL *e = t.easy.get();
    if (e == nullptr) return false;
    bool ok = curl_easy_setopt(e, CURLOPT_URL, t.url.c_str()) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_MAXREDIRS, kMaxRedirects) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(t.timeout_ms)) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
                                static_cast<curl_off_t>(t.body_limit)) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Impl::on_data) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_WRITEDATA, &t) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_PRIVATE, &t) == CURLE_OK;
    if (t.method == abi::FetchMethod::Post) {
      t.headers.reset(curl_slist_append(nullptr, "Content-Type: application/octet-stream"));
      // No "Expect: 100-continue" round trip before the body. (Appending returns the head.)
      if (!t.headers || curl_slist_append(t.headers.get(), "Expect:") == nullptr) return false;
      ok = ok && curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.headers.get()) == CURLE_OK;
      ok = ok && curl_easy_setopt(e, CURLOPT_POST, 1L) == CURLE_OK;
      ok = ok && curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                                  static_cast<curl_off_t>(t.request_body.size())) == CURLE_OK;
      ok = ok && curl_easy_setopt(e, CURLOPT_POSTFIELDS,
                                  t.request_body.empty() ? "" : reinterpret_cast<const char *>(t.request_body.data())) ==
                     CURLE_OK;
    } else {
      ok = ok && curl_easy_setopt(e, CURLOPT_HTTPGET, 1L) == CURLE_OK;
    }
    return ok && curl_multi_add_handle(multi.get(), e) == CURLM_OK;
  }

  void start_queued() {
    while (running.size() < kMaxFetchesInFlight && !queued.empty()) {
      std::unique_ptr<Transfer> t = std::move(queued.front());
      queued.pop_front();
      if (!multi || !begin(*t)) {
        unstarted.push_back(FetchFinished{t->id, t->url, FetchError::Other});
        continue;
      }
      running.push_back(std::move(t));
    }
  }

  // Takes a running transfer out of the multi handle (its easy handle is freed with it).
  std::unique_ptr<Transfer> remove(size_t index) {
    std::unique_ptr<Transfer> t = std::move(running[index]);
    running.erase(running.begin() + static_cast<std::ptrdiff_t>(index));
    curl_multi_remove_handle(multi.get(), t->easy.get());
    return t;
  }

  static FetchOutcome outcome(Transfer &t, CURLcode code) {
    if (t.too_large) return FetchError::TooLarge;
    if (t.failed_alloc) return FetchError::Other;
    if (code != CURLE_OK) return curl_fetch_error(code);
    long status = 0;
    curl_easy_getinfo(t.easy.get(), CURLINFO_RESPONSE_CODE, &status);
    return FetchAnswer{static_cast<uint32_t>(status), std::move(t.received)};
  }
};

Fetcher::Fetcher(uint64_t body_limit) : impl_(std::make_unique<Impl>()) {
  impl_->body_limit = body_limit;
  if (curl_ready()) impl_->multi.reset(curl_multi_init());
}

Fetcher::~Fetcher() {
  // Running transfers leave the multi handle before either is freed.
  while (!impl_->running.empty()) impl_->remove(impl_->running.size() - 1);
}

void Fetcher::start(uint32_t id, abi::FetchMethod method, uint32_t timeout_ms, const std::string &url,
                    const std::vector<uint8_t> &body) {
  cancel(id);
  auto t = std::make_unique<Impl::Transfer>();
  t->id = id;
  t->method = method;
  t->timeout_ms = fetch_timeout_ms(timeout_ms);
  t->body_limit = impl_->body_limit;
  t->url = url;
  if (method == abi::FetchMethod::Post) t->request_body = body;
  impl_->queued.push_back(std::move(t));
  impl_->start_queued();
}

bool Fetcher::cancel(uint32_t id) {
  bool found = false;
  for (size_t i = impl_->running.size(); i-- > 0;) {
    if (impl_->running[i]->id == id) {
      impl_->remove(i);
      found = true;
    }
  }
  auto &queued = impl_->queued;
  const auto queued_end = std::remove_if(queued.begin(), queued.end(), [&](const auto &t) { return t->id == id; });
  found = found || queued_end != queued.end();
  queued.erase(queued_end, queued.end());
  auto &unstarted = impl_->unstarted;
  const auto unstarted_end =
      std::remove_if(unstarted.begin(), unstarted.end(), [&](const FetchFinished &f) { return f.id == id; });
  found = found || unstarted_end != unstarted.end();
  unstarted.erase(unstarted_end, unstarted.end());
  impl_->start_queued();
  return found;
}

std::vector<FetchFinished> Fetcher::poll() {
  std::vector<FetchFinished> finished = std::move(impl_->unstarted);
  impl_->unstarted.clear();
  if (!impl_->multi) return finished;
  for (int round = 0; round < 2; ++round) {
    int still_running = 0;
    curl_multi_perform(impl_->multi.get(), &still_running);
    int left = 0;
    while (CURLMsg *msg = curl_multi_info_read(impl_->multi.get(), &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      const CURLcode code = msg->data.result;
      CURL *easy = msg->easy_handle;
      auto &running = impl_->running;
      const auto it = std::find_if(running.begin(), running.end(),
                                   [&](const auto &t) { return t->easy.get() == easy; });
      if (it == running.end()) continue;
      auto t = impl_->remove(static_cast<size_t>(it - running.begin()));
      FetchOutcome outcome = Impl::outcome(*t, code);
      finished.push_back(FetchFinished{t->id, std::move(t->url), std::move(outcome)});
    }
    // Freed slots take queued fetches; the second round gets them going.
    const size_t before = impl_->running.size();
    impl_->start_queued();
    if (impl_->running.size() == before) break;
  }
  auto &unstarted = impl_->unstarted;
  for (auto &f : unstarted) finished.push_back(std::move(f));
  unstarted.clear();
  return finished;
}

size_t Fetcher::live() const {
  return impl_->queued.size() + impl_->running.size() + impl_->unstarted.size();
}

size_t Fetcher::running() const { return impl_->running.size(); }

}  // namespace touchline::host
