#include "app_storage.h"

#include <cstdio>
#include <filesystem>
#include <string_view>
#include <system_error>

#include "abi.h"
#include "cache.h"

namespace touchline::host {

AppStorage::AppStorage(std::string path) : path_(std::move(path)) {
  if (path_.empty()) return;
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec)) return;
  const auto size = std::filesystem::file_size(path_, ec);
  if (ec) {
    std::fprintf(stderr, "warning: cannot read the storage area %s: %s; starting empty\n", path_.c_str(),
                 ec.message().c_str());
    return;
  }
  if (size > abi::MAX_STORAGE_BYTES) {
    std::fprintf(stderr, "warning: the storage area %s is %ju bytes, more than %u; starting empty\n",
                 path_.c_str(), static_cast<uintmax_t>(size), abi::MAX_STORAGE_BYTES);
    return;
  }
  auto text = read_text_file(path_);
  if (!text) {
    std::fprintf(stderr, "warning: the storage area: %s; starting empty\n", text.error().message.c_str());
    return;
  }
  const std::string &bytes = text.value();
  data_ = std::vector<uint8_t>(bytes.begin(), bytes.end());
}

void AppStorage::write(std::vector<uint8_t> bytes) {
  ++writes_;
  data_ = std::move(bytes);
  if (path_.empty()) return;
  std::error_code ec;
  const auto dir = std::filesystem::path(path_).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  const std::string_view view(reinterpret_cast<const char *>(data_->data()), data_->size());
  if (Status written = write_file_atomic(path_, view); !written) {
    std::fprintf(stderr, "warning: cannot keep the storage area: %s\n", written.error().message.c_str());
  }
}

}  // namespace touchline::host
