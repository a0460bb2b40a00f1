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

// A value of T, or an error of type E (an Error unless a caller needs a code instead).
// `ok()` before `value()`; `error()` otherwise.
template <typename T, typename E = Error>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(E error) : data_(std::in_place_index<1>, std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T &value() & { return std::get<0>(data_); }
  const T &value() const & { return std::get<0>(data_); }
  T &&value() && { return std::get<0>(std::move(data_)); }
  const E &error() const { return std::get<1>(data_); }

 private:
  std::variant<T, E> data_;
};

// A Result without a value.
using Status = Result<std::monostate>;
inline Status ok_status() { return std::monostate{}; }

}  // namespace touchline::host
