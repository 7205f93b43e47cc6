#include "render/template.h"

#include <gtest/gtest.h>

#include <kainjow/mustache.hpp>

namespace vetted::render::tmpl {
namespace {

namespace mus = kainjow::mustache;

// The same data in both models: {name, html, yes, no, empty, list:[{x},{x}], obj:{inner}, words:[a,b]}.
struct Both {
  mus::data k;
  Value v;
};

Both SiteData() {
  Both b;
  b.k["site_title"] = mus::data("Site & Co");
  b.k["name"] = mus::data("site name");
  b.v.Set("site_title", Value::String("Site & Co"));
  b.v.Set("name", Value::String("site name"));
  return b;
}

Both PageData(const std::string& html) {
  Both b;
  b.k["name"] = mus::data("<Ann> \"O'Neil\"");
  b.k["html"] = mus::data(html);
  b.k["yes"] = mus::data(true);
  b.k["no"] = mus::data(false);
  b.k["empty"] = mus::data(mus::data::type::list);
  mus::data list(mus::data::type::list), words(mus::data::type::list), obj;
  for (const char* x : {"one", "two"}) {
    mus::data item;
    item["x"] = mus::data(x);
    list.push_back(item);
    words.push_back(mus::data(x));
  }
  obj["inner"] = mus::data("deep");
  b.k["list"] = std::move(list);
  b.k["words"] = std::move(words);
  b.k["obj"] = std::move(obj);

  static const std::string kName = "<Ann> \"O'Neil\"";
  b.v.Set("name", Value::Ref(kName));
  b.v.Set("html", Value::String(html));
  b.v.Set("yes", Value::Bool(true));
  b.v.Set("no", Value::Bool(false));
  b.v.Set("empty", Value::List());
  Value& l = b.v.Set("list", Value::List(2));
  Value& w = b.v.Set("words", Value::List(2));
  for (const char* x : {"one", "two"}) {
    l.Append().Set("x", Value::String(x));
    w.Append(Value::String(x));
  }
  b.v.Set("obj", Value()).Set("inner", Value::String("deep"));
  return b;
}

TEST(TemplateTest, RendersExactlyAsKainjow) {
  const char* kTemplates[] = {
      "Hello {{name}} from {{site_title}}!\n",
      "{{{html}}}|{{&html}}|{{html}}",
      "<ul>\n{{#list}}\n  <li>{{x}} of {{name}}</li>\n{{/list}}\n</ul>\n",
      "{{#yes}}\nshown\n{{/yes}}\n{{#no}}\nhidden\n{{/no}}\n{{^no}}\nnot no\n{{/no}}\n",
      "{{#empty}}x{{/empty}}{{^empty}}nothing{{/empty}}\n  {{#empty}}  {{/empty}}  \nnext\n",
      "{{#missing}}a{{/missing}}{{^missing}}b{{/missing}}{{missing}}.\n",
      "{{obj.inner}} {{#obj}}{{inner}} {{site_title}}{{/obj}} {{obj.none}} {{name.x}}\n",
      "{{#words}}{{.}},{{/words}}\n{{! a comment }}\n{{#list}}{{#words}}{{x}}{{.}} {{/words}}{{/list}}\n",
      "a\r\n{{#yes}}\r\nb\r\n{{/yes}}\r\n \t{{#no}}x{{/no}}\t \nc",
      "{{=<% %>=}}<% name %> {{name}} <%={{ }}=%>{{ name }}\n",
      "{{#yes}}{{#list}}{{x}}{{/list}}{{/yes}} trailing {{#yes}}  {{/yes}}",
      "",
  };
  const std::string kHtmls[] = {"<b>bold</b> & 'co'", ""};
  Both site = SiteData();
  for (const std::string& html : kHtmls) {
    Both page = PageData(html);
    for (const char* text : kTemplates) {
      mus::mustache k(text);
      ASSERT_TRUE(k.is_valid()) << text;
      mus::context<std::string> ctx(&site.k);
      ctx.push(&page.k);
      std::string expected = k.render(ctx);
      std::string error;
      std::unique_ptr<Template> t = Template::Compile(text, &error);
      ASSERT_NE(t, nullptr) << error;
      std::string got = "prefix:";
      t->Render(site.v, page.v, &got);
      EXPECT_EQ(got, "prefix:" + expected) << text;
    }
  }
}

TEST(TemplateTest, ReportsKainjowErrors) {
  const char* kBad[] = {"{{#a}} never closed", "{{/a}}", "{{unclosed", "{{=x=}}"};
  for (const char* text : kBad) {
    std::string error;
    EXPECT_EQ(Template::Compile(text, &error), nullptr) << text;
    EXPECT_EQ(error, mus::mustache(text).error_message()) << text;
    EXPECT_FALSE(error.empty());
  }
}

TEST(TemplateTest, LaterSettingWins) {
  Value v;
  v.Set("k", Value::String("first"));
  v.Set("k", Value::String("second"));
  const Value* got = v.Get("k", HashKey("k"));
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->text(), "second");
  EXPECT_EQ(v.Get("other", HashKey("other")), nullptr);
  EXPECT_EQ(Value::String("s").Get("k", HashKey("k")), nullptr);
}

// HashKey reads at most the first and last 8 bytes: keys that differ only in
// between share a hash and must still be told apart.
TEST(TemplateTest, KeysWithTheSameHashStayDistinct) {
  const std::string a = "abcdefgh_x_abcdefgh", b = "abcdefgh_y_abcdefgh";
  EXPECT_EQ(HashKey(a), HashKey(b));
  std::vector<std::string> keys = {a, b, "", "k", "ab", "ba", "item_url", "item_urls", "author_summary"};
  Value v;
  for (const std::string& k : keys) v.Set(k, Value::String("value of " + k));
  for (const std::string& k : keys) {
    const Value* got = v.Get(k, HashKey(k));
    ASSERT_NE(got, nullptr) << k;
    EXPECT_EQ(got->text(), "value of " + k);
  }
  EXPECT_NE(HashKey("ab"), HashKey("ba"));
}

}  // namespace
}  // namespace vetted::render::tmpl
