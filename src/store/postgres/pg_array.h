// store/postgres/: one-dimensional array parameters in PostgreSQL's binary
// format, so that one statement takes a whole batch of rows
// ("... FROM unnest($1::text[], $2::int8[])") instead of one statement each.
// Bind Encoded() as an ordinary parameter and cast it in the SQL to the
// array type matching the element type ($1::text[], ::bytea[], ::int8[], ::bool[]).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vetted::store::pg {

class Array {
 public:
  // Element type OIDs (pg_type.h).
  static constexpr uint32_t kBool = 16, kBytea = 17, kInt8 = 20, kText = 25;

  explicit Array(uint32_t element_type) : element_type_(element_type) {}

  // An element of a text or bytea array (its exact bytes).
  void AddBytes(std::string_view v) {
    Put32(body_, static_cast<uint32_t>(v.size()));
    body_.append(v);
    ++count_;
  }
  // An element of an int8 array.
  void AddInt(int64_t v) {
    Put32(body_, 8);
    Put32(body_, static_cast<uint32_t>(static_cast<uint64_t>(v) >> 32));
    Put32(body_, static_cast<uint32_t>(static_cast<uint64_t>(v)));
    ++count_;
  }
  // An element of a bool array.
  void AddBool(bool v) {
    Put32(body_, 1);
    body_.push_back(v ? 1 : 0);
    ++count_;
  }

  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }

  // The array as array_recv reads it: dimensions, no nulls, element type, then the elements.
  std::string Encoded() const {
    std::string out;
    out.reserve(20 + body_.size());
    Put32(out, count_ == 0 ? 0 : 1);
    Put32(out, 0);
    Put32(out, element_type_);
    if (count_ > 0) {
      Put32(out, static_cast<uint32_t>(count_));
      Put32(out, 1);  // lower bound
    }
    out += body_;
    return out;
  }

 private:
  static void Put32(std::string& out, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
  }

  uint32_t element_type_;
  std::string body_;
  size_t count_ = 0;
};

}  // namespace vetted::store::pg
