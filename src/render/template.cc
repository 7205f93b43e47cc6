#include "render/template.h"

#include <cstring>
#include <kainjow/mustache.hpp>

#include "util/util.h"

namespace vetted::render::tmpl {
namespace {

namespace mus = kainjow::mustache;
using Component = mus::component<std::string>;

}  // namespace

// Every Set hashes its key (~300 a page), so the hash reads the key in at most
// two 8-byte loads instead of a byte at a time; equal hashes are confirmed by
// comparing the keys, so a collision costs only a comparison.
uint64_t HashKey(std::string_view key) {
  const size_t n = key.size();
  uint64_t a = 0, b = n;
  if (n >= 8) {
    std::memcpy(&a, key.data(), 8);
    std::memcpy(&b, key.data() + n - 8, 8);
    b ^= n;
  } else {
    for (size_t i = 0; i < n; ++i) a = (a << 8) | static_cast<unsigned char>(key[i]);
  }
  uint64_t h = a * 0x9E3779B97F4A7C15ull ^ (b * 0xC2B2AE3D27D4EB4Full + (b >> 31));
  return h ^ (h >> 29);
}

// ---- Value ------------------------------------------------------------------

Value Value::Bool(bool b) {
  Value v;
  v.kind_ = b ? Kind::kTrue : Kind::kFalse;
  return v;
}

Value Value::String(std::string s) {
  Value v;
  v.kind_ = Kind::kString;
  v.str_ = std::move(s);
  return v;
}

Value Value::Ref(const std::string& s) {
  Value v;
  v.kind_ = Kind::kString;
  v.ref_ = &s;
  return v;
}

Value Value::List(size_t capacity) {
  Value v;
  v.kind_ = Kind::kList;
  v.items_.reserve(capacity);
  return v;
}

Value& Value::Set(std::string_view key, Value v) {
  fields_.emplace_back(HashKey(key), key, std::move(v));  // one move of v, not two
  return fields_.back().value;
}

const Value* Value::Get(std::string_view key, uint64_t hash) const {
  if (kind_ != Kind::kObject) return nullptr;
  for (size_t k = fields_.size(); k-- > 0;) {  // the last setting wins
    const Field& f = fields_[k];
    if (f.hash == hash && f.key == key) return &f.value;
  }
  return nullptr;
}

Value& Value::Append() {
  items_.emplace_back();
  return items_.back();
}

// ---- Template ---------------------------------------------------------------

struct Template::Op {
  enum Kind : uint8_t { kText, kNewline, kVariable, kRaw, kSection, kInverted, kPartial, kNothing };
  Kind kind = kText;
  std::string text;  // kText, kNewline; the name for kPartial
  bool dot = false;  // {{.}}
  std::vector<std::pair<std::string, uint64_t>> path;
  size_t end = 0;  // sections: index of the first op after the section
};

struct Template::State {
  std::string& out;
  size_t line_start = 0;
  bool section_line = false;  // the current line held a section tag
  std::vector<const Value*> stack;

  // kainjow: a line that held a section tag and is blank is dropped.
  void EndLine(std::string_view newline) {
    bool blank = section_line;
    for (size_t k = line_start; blank && k < out.size(); ++k) blank = out[k] == ' ' || out[k] == '\t';
    if (blank) {
      out.resize(line_start);
    } else {
      out.append(newline);
    }
    line_start = out.size();
    section_line = false;
  }

  const Value* Lookup(const Op& op) const {
    if (op.dot) return stack.back();
    for (size_t k = stack.size(); k-- > 0;) {
      const Value* v = stack[k];
      for (const auto& [name, hash] : op.path) {
        v = v->Get(name, hash);
        if (!v) break;
      }
      if (v) return v;
    }
    return nullptr;
  }
};

namespace {

// kainjow splits dotted names with std::getline: a trailing empty part is dropped.
std::vector<std::pair<std::string, uint64_t>> SplitName(const std::string& name) {
  std::vector<std::pair<std::string, uint64_t>> parts;
  size_t pos = 0;
  for (;;) {
    size_t dot = name.find('.', pos);
    std::string part = name.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
    if (dot == std::string::npos) {
      if (!part.empty() || parts.empty()) parts.emplace_back(part, HashKey(part));
      break;
    }
    parts.emplace_back(part, HashKey(part));
    pos = dot + 1;
  }
  return parts;
}

void Flatten(const std::vector<Component>& children, std::vector<Template::Op>& ops) {
  bool merge = false;  // ops.back() is text of this level
  for (const Component& c : children) {
    using T = mus::tag_type;
    Template::Op op;
    switch (c.tag.type) {
      case T::text:
        if (c.is_newline()) {
          op.kind = Template::Op::kNewline;
        } else if (merge) {
          ops.back().text += c.text;
          continue;
        }
        merge = op.kind == Template::Op::kText;
        op.text = c.text;
        ops.push_back(std::move(op));
        continue;
      case T::variable:
      case T::unescaped_variable:
        op.kind = c.tag.type == T::variable ? Template::Op::kVariable : Template::Op::kRaw;
        break;
      case T::section_begin:
      case T::section_begin_inverted:
        op.kind = c.tag.type == T::section_begin ? Template::Op::kSection : Template::Op::kInverted;
        break;
      case T::partial:
        op.kind = Template::Op::kPartial;
        op.text = c.tag.name;
        ops.push_back(std::move(op));
        merge = false;
        continue;
      default:  // comments, delimiter changes
        continue;
    }
    merge = false;
    op.dot = c.tag.name == ".";
    op.path = SplitName(c.tag.name);
    bool section = op.kind == Template::Op::kSection || op.kind == Template::Op::kInverted;
    ops.push_back(std::move(op));
    if (section) {
      size_t at = ops.size() - 1;
      Flatten(c.children, ops);
      ops[at].end = ops.size();
    }
  }
}

}  // namespace

Template::~Template() = default;

std::unique_ptr<Template> Template::Compile(const std::string& source, std::string* error) {
  mus::mustache checked(source);
  if (!checked.is_valid()) {
    *error = checked.error_message();
    return nullptr;
  }
  mus::context<std::string> ctx;
  mus::context_internal<std::string> internal{ctx};
  Component root;
  std::string message;
  mus::parser<std::string> parse{source, internal, root, message};
  if (!message.empty()) {
    *error = message;
    return nullptr;
  }
  std::unique_ptr<Template> t(new Template());
  Flatten(root.children, t->ops_);
  return t;
}

void Template::Render(const Value& site, const Value& page, std::string* out) const {
  State state{*out, out->size(), false, {&site, &page}};
  state.stack.reserve(8);
  RenderRange(0, ops_.size(), state);
  state.EndLine("");
}

void Template::RenderRange(size_t begin, size_t end, State& state) const {
  for (size_t i = begin; i < end; ++i) {
    const Op& op = ops_[i];
    switch (op.kind) {
      case Op::kText:
        state.out.append(op.text);
        break;
      case Op::kNewline:
        state.EndLine(op.text);
        break;
      case Op::kVariable:
      case Op::kRaw:
        if (const Value* v = state.Lookup(op); v && v->is_string()) {
          if (op.kind == Op::kRaw) {
            state.out.append(v->text());
          } else {
            util::AppendEscaped(state.out, v->text(), "&apos;");
          }
        }
        break;
      case Op::kSection:
      case Op::kInverted: {
        const Value* v = state.Lookup(op);
        bool truthy = v && v->kind() != Value::Kind::kFalse && !v->empty_list();
        if (truthy == (op.kind == Op::kSection)) RenderSection(i, v, state);
        i = op.end - 1;
        break;
      }
      case Op::kPartial: {
        // Only reachable with changed delimiters (partials are expanded before
        // parsing); kainjow renders a string value of that name as a template.
        uint64_t hash = HashKey(op.text);
        const Value* v = nullptr;
        for (size_t k = state.stack.size(); !v && k-- > 0;) v = state.stack[k]->Get(op.text, hash);
        std::string error;
        std::unique_ptr<Template> sub =
            v && v->is_string() ? Compile(std::string(v->text()), &error) : nullptr;
        if (sub) sub->RenderRange(0, sub->ops_.size(), state);
        break;
      }
      case Op::kNothing:
        break;
    }
  }
}

void Template::RenderSection(size_t i, const Value* v, State& state) const {
  const Op& op = ops_[i];
  auto body = [&](const Value* top) {
    state.section_line = true;
    if (top) state.stack.push_back(top);
    RenderRange(i + 1, op.end, state);
    if (top) state.stack.pop_back();
    state.section_line = true;
  };
  if (v && v->kind() == Value::Kind::kList && !v->items().empty()) {
    for (const Value& item : v->items()) body(&item);
  } else {
    body(v);
  }
}

}  // namespace vetted::render::tmpl
