// Result<T>: a value or an Error with a human-readable message. Used instead of exceptions
// for everything a bundle or the user can get wrong.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace touchline::host {

// What went wrong, as one line for a human.
struct Error {
  std::string message;
};

// A value of T, or an Error. `ok()` before `value()`; `error()` otherwise.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : data_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T &value() & { return std::get<0>(data_); }
  const T &value() const & { return std::get<0>(data_); }
  T &&value() && { return std::get<0>(std::move(data_)); }
  const Error &error() const { return std::get<1>(data_); }

 private:
  std::variant<T, Error> data_;
};

// A Result without a value.
using Status = Result<std::monostate>;
inline Status ok_status() { return std::monostate{}; }

}  // namespace touchline::host
