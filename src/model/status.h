// Errors as values. Nothing in a public header throws; exceptions from
// libraries are caught at the edge of the module that calls them.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace vetted {

enum class Code {
  kOk = 0,
  kNotFound,   // a file, record or key does not exist
  kInvalid,    // input was read but does not make sense (syntax, range)
  kIo,         // the operating system refused a read or write
  kConflict,   // the operation clashes with existing state
  kInternal,   // a bug: should never reach a user
  kForbidden,  // the caller may not do this (a newsroom rule refuses it; HTTP 403)
  kExhausted,  // no space left: the disk holding the database is full; nothing was written (HTTP 503, retry)
};

// Status: kOk or a code with a human message. Cheap to copy when ok.
class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(Code code, std::string message) { return Status(code, std::move(message)); }
  static Status NotFound(std::string m) { return Status(Code::kNotFound, std::move(m)); }
  static Status Invalid(std::string m) { return Status(Code::kInvalid, std::move(m)); }
  static Status Io(std::string m) { return Status(Code::kIo, std::move(m)); }
  static Status Internal(std::string m) { return Status(Code::kInternal, std::move(m)); }
  static Status Forbidden(std::string m) { return Status(Code::kForbidden, std::move(m)); }
  static Status Conflict(std::string m) { return Status(Code::kConflict, std::move(m)); }
  static Status Exhausted(std::string m) { return Status(Code::kExhausted, std::move(m)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// Result<T>: a value or a non-ok Status.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: must not be ok
  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace vetted
