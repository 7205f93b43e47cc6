// Internal to render/: a compiled Mustache template and the data it renders.
//
// Templates are parsed by kainjow/mustache (so the syntax accepted and its
// error messages are kainjow's) and then flattened into a list of operations
// that render with kainjow's exact output rules (HTML escaping of & < > " ',
// lines that held a section tag and are left blank are dropped), but without
// kainjow's per-value heap objects: a Value is one flat node, keys are
// hashed, strings may refer to text that outlives the render instead of
// copying it, and output is appended straight to one string.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vetted::render::tmpl {

uint64_t HashKey(std::string_view key);

// Template data: an object (the default), a string, a boolean or a list.
class Value {
 public:
  enum class Kind : uint8_t { kObject, kString, kTrue, kFalse, kList };

  Value() = default;
  static Value Bool(bool b);
  static Value String(std::string s);
  // A string that refers to `s`, which must outlive every render of this value.
  static Value Ref(const std::string& s);
  static Value Ref(std::string&&) = delete;
  static Value List(size_t capacity = 0);

  Kind kind() const { return kind_; }
  bool is_string() const { return kind_ == Kind::kString; }
  std::string_view text() const { return ref_ ? std::string_view(*ref_) : std::string_view(str_); }

  // Objects. `key` must outlive the value (string literals, or keys kept by
  // the owner); setting a key again replaces its value for lookups.
  Value& Set(std::string_view key, Value v);
  const Value* Get(std::string_view key, uint64_t hash) const;
  void Reserve(size_t fields);

  // Lists.
  Value& Append();  // a new object item
  void Append(Value v);
  const std::vector<Value>& items() const { return items_; }
  bool empty_list() const { return kind_ == Kind::kList && items_.empty(); }

 private:
  struct Field;
  Kind kind_ = Kind::kObject;
  const std::string* ref_ = nullptr;
  std::string str_;
  std::vector<Field> fields_;
  std::vector<Value> items_;
};

struct Value::Field {
  // A constructor, not an aggregate: clang 14 (fuzz/) has no parenthesized
  // aggregate initialisation for Set's emplace_back; one move of the value.
  Field(uint64_t h, std::string_view k, Value&& v) : hash(h), key(k), value(std::move(v)) {}
  uint64_t hash;
  std::string_view key;
  Value value;
};
// Defined here, where Field is complete (clang, which builds fuzz/, requires it for both).
inline void Value::Reserve(size_t fields) {
  fields_.reserve(fields);
}
inline void Value::Append(Value v) {
  items_.push_back(std::move(v));
}

class Template {
 public:
  // Parses `source`; on error returns nullptr and sets *error (kainjow's message).
  static std::unique_ptr<Template> Compile(const std::string& source, std::string* error);
  ~Template();

  // Appends the rendering to *out, looking names up in `page`, then `site`.
  void Render(const Value& site, const Value& page, std::string* out) const;

  struct Op;
  struct State;

 private:
  Template() = default;
  void RenderRange(size_t begin, size_t end, State& state) const;
  void RenderSection(size_t i, const Value* v, State& state) const;
  std::vector<Op> ops_;
};

}  // namespace vetted::render::tmpl
