#include "http_post.h"

#include "curl_handles.h"
#include <curl/curl.h>

#include <algorithm>
#include <deque>
#include <utility>

namespace touchline::host {
namespace {

// The answer's body is not wanted: read and dropped.
size_t discard(char *, size_t size, size_t count, void *) noexcept { return size * count; }

}  // namespace

struct HttpPoster::Impl {
  // One post, queued or running. curl holds pointers into it (body, headers), so it lives in a
  // unique_ptr and never moves.
  struct Transfer {
    HttpPost post;
    CurlEasy easy;
    CurlList headers;
  };

  long timeout_ms = kHttpPostTimeoutMs;
  CurlMulti multi;
  std::deque<std::unique_ptr<Transfer>> queued;
  std::vector<std::unique_ptr<Transfer>> running;
  std::vector<HttpPostDone> finished;  // not yet handed back by poll()
  HttpPostCounters counters;

  bool begin(Transfer &t) {
    t.easy.reset(curl_easy_init());
    CURL *e = t.easy.get();
    if (e == nullptr) return false;
    t.headers.reset(curl_slist_append(nullptr, "Content-Type: application/json"));
    // No "Expect: 100-continue" round trip before the body. (Appending returns the head.)
    if (!t.headers || curl_slist_append(t.headers.get(), "Expect:") == nullptr) return false;
    bool ok = curl_easy_setopt(e, CURLOPT_URL, t.post.url.c_str()) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &discard) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.headers.get()) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_POST, 1L) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                                static_cast<curl_off_t>(t.post.body.size())) == CURLE_OK;
    ok = ok && curl_easy_setopt(e, CURLOPT_POSTFIELDS, t.post.body.c_str()) == CURLE_OK;
    return ok && curl_multi_add_handle(multi.get(), e) == CURLM_OK;
  }

  void finish(HttpPostDone done) {
    (done.ok() ? counters.ok : counters.failed) += 1;
    finished.push_back(std::move(done));
  }

  void start_queued() {
    while (running.size() < kMaxHttpPostsInFlight && !queued.empty()) {
      std::unique_ptr<Transfer> t = std::move(queued.front());
      queued.pop_front();
      if (!multi || !begin(*t)) {
        finish(HttpPostDone{std::move(t->post.url), 0, "the post could not be started"});
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
};

HttpPoster::HttpPoster(long timeout_ms) : impl_(std::make_unique<Impl>()) {
  impl_->timeout_ms = timeout_ms;
  if (curl_ready()) impl_->multi.reset(curl_multi_init());
}

HttpPoster::~HttpPoster() {
  // Running transfers leave the multi handle before either is freed.
  while (!impl_->running.empty()) impl_->remove(impl_->running.size() - 1);
}

bool HttpPoster::post(HttpPost post) {
  if (impl_->queued.size() >= kMaxHttpPostsQueued) {
    impl_->counters.dropped += 1;
    return false;
  }
  auto t = std::make_unique<Impl::Transfer>();
  t->post = std::move(post);
  impl_->queued.push_back(std::move(t));
  impl_->start_queued();
  return true;
}

std::vector<HttpPostDone> HttpPoster::poll() {
  Impl &s = *impl_;
  if (s.multi) {
    for (int round = 0; round < 2; ++round) {
      int still_running = 0;
      curl_multi_perform(s.multi.get(), &still_running);
      int left = 0;
      while (CURLMsg *msg = curl_multi_info_read(s.multi.get(), &left)) {
        if (msg->msg != CURLMSG_DONE) continue;
        const CURLcode code = msg->data.result;
        CURL *easy = msg->easy_handle;
        const auto it = std::find_if(s.running.begin(), s.running.end(),
                                     [&](const auto &t) { return t->easy.get() == easy; });
        if (it == s.running.end()) continue;
        HttpPostDone done;
        if (code == CURLE_OK) {
          curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &done.status);
        } else {
          done.error = curl_easy_strerror(code);
        }
        auto t = s.remove(static_cast<size_t>(it - s.running.begin()));
        done.url = std::move(t->post.url);
        s.finish(std::move(done));
      }
      // Freed slots take queued posts; the second round gets them going.
      const size_t before = s.running.size();
      s.start_queued();
      if (s.running.size() == before) break;
    }
  }
  std::vector<HttpPostDone> finished = std::move(s.finished);
  s.finished.clear();
  return finished;
}

size_t HttpPoster::live() const { return impl_->queued.size() + impl_->running.size(); }

size_t HttpPoster::running() const { return impl_->running.size(); }

HttpPostCounters HttpPoster::counters() const { return impl_->counters; }

}  // namespace touchline::host
