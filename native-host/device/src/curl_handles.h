// RAII handles for libcurl and its process-wide set-up, shared by the fetcher, the release
// downloader and the report poster.
#pragma once

#include <curl/curl.h>

#include <memory>

namespace touchline::host {

struct CurlMultiDeleter {
  void operator()(CURLM *m) const { curl_multi_cleanup(m); }
};
struct CurlEasyDeleter {
  void operator()(CURL *e) const { curl_easy_cleanup(e); }
};
struct CurlListDeleter {
  void operator()(curl_slist *l) const { curl_slist_free_all(l); }
};
struct CurlUrlDeleter {
  void operator()(CURLU *u) const { curl_url_cleanup(u); }
};
struct CurlStringDeleter {
  void operator()(char *s) const { curl_free(s); }
};
using CurlMulti = std::unique_ptr<CURLM, CurlMultiDeleter>;
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlList = std::unique_ptr<curl_slist, CurlListDeleter>;
using CurlUrl = std::unique_ptr<CURLU, CurlUrlDeleter>;
using CurlString = std::unique_ptr<char, CurlStringDeleter>;

// libcurl's global state, set up once for the process, before any transfer.
inline bool curl_ready() {
  static const bool ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  return ready;
}

}  // namespace touchline::host
