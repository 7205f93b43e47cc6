// Hostile content through the newsroom (docs/reliability.md): the
// script-injection corpus goes in through every field a signed-in account can
// write (article front matter and body, people, glossary, callouts,
// references, image uploads and their file names, review notes, publish
// reasons, schedules, reader feedback and tickets, accounts), the article is
// taken through the whole workflow to publication, and then every public and
// admin page reachable from each role's start pages (and the pages that echo
// a query) is read and parsed by html_sinks_test_util.h, which fails on any
// executable sink. App over a memory store, in-process.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <future>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "newsroom/newsroom.h"
#include "server/admin/html_sinks_test_util.h"
#include "server/admin/image_resize.h"
#include "server/app.h"
#include "store/open.h"
#include "util/util.h"

namespace vetted::server {
namespace {

using nlohmann::json;
using testing::ExecutableSinks;

const std::string kHost = "127.0.0.1:8080";
const std::string kOrigin = "http://127.0.0.1:8080";
const std::string kPassword = "tram-lamp-orbit";
const std::string kBoundary = "----vettedHostileBoundary";

// Plain-text payloads: each field gets all of them. Tags and attributes an
// attacker would add are named with testing::kMarker ("pwn"), so that one
// appearing in the markup shows that a payload broke out.
const std::vector<std::string> kText = {
    "\"><script>alert(1)</script>",
    "\" pwnattr=\"1",
    "' pwnattr='1 x='",
    "<img src=x onerror=alert(1)>",
    "</textarea></title></style></option><script>alert(1)</script>",
    "{{mustache}} {{{triple}}} ${alert(1)} <%= pwn %>",
    "<svg onload=alert(1)><pwntag>",
    "javascript:alert(1)",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe><base href=\"//evil.example/\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "\u202Egnp.exe <pwntag> \u2028 \uFF1Cscript\uFF1E java\u200Bscript:alert(1)",
    "]]><!--<script>alert(1)</script>--><pwntag x=\"-->\">",
    "<a href=\"jav&#x61;script:alert(1)\">x</a>",
    "&lt;pwntag&gt; &amp;lt;script&amp;gt;",
};

// Markdown bodies (the markup module's hostile corpus, src/markup/hostile_test.cc,
// as whole paragraphs of an article).
const std::vector<std::string> kMarkdown = {
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//x.org/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<div onclick=\"alert(1)\">x</div>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<svg/onload=alert(1)>",
    "<!-- comment --><style>*{}</style>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](jav&#x61;script:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](java&Tab;script:alert(1))",
    "[x](&#1;javascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "<javascript:alert(1)>",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml,<svg onload=alert(1)>)",
    "![x\"onerror=\"alert(1)](https://x.org/a.png)",
    "[x](https://x.org/ \"\\\"><script>alert(1)</script>\")",
    "[x](https://x.org/\"onmouseover=\"alert(1))",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "## <script>alert(1)</script>",
    "## \" onmouseover=\"alert(1)",
    "```\"><script>alert(1)</script>\n</code></pre><script>\n```",
    "::: {.note title=\"\\\"><script>alert(1)</script>\"}\nx\n:::",
    "::: {.\"onclick=alert(1) title=x}\nx\n:::",
    "[@\"><script>alert(1)</script>]",
    "| <script> | <img src=x onerror=alert(1)> |\n|---|---|\n| a | b |",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "www.x.org/\"onmouseover=\"alert(1)",
    "<<script>script>alert(1)<</script>/script>",
    "> <script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "{{mustache}} <pwntag pwnattr=1>",
    // ("/\\evil.example/path" is refused at saving since markup judges it as a browser does: a
    // broken link; an external address with a backslash is written percent-encoded.)
    "[see](https://x.org/\\evil.example/path)",
    "Apnoea pwnterm.",
};
// What only an article's body can hold once the library has them: citations
// of the hostile references and the hostile box.
const std::string kCitesAndBox =
    "See [@hostile-csl], [@hostilebib] and [@hostile2020].\n\n::: {include=hostile}\n:::";

std::string Joined(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : std::string(sep)) + p;
  return out;
}

// A YAML double-quoted scalar (JSON's string syntax is a subset of it).
std::string Yaml(std::string_view s) {
  return json(std::string(s)).dump();
}

const std::string kAll = Joined(kText, " ");
// The uploaded picture the article shows (set once it is uploaded).
std::string g_image_src;

std::string ArticleSource(std::string_view extra_body) {
  std::string tags = "[" + Yaml("sleep") + ", " + Yaml(kText[0]) + ", " + Yaml(kText[1]) + ", " +
                     Yaml(kText[6]) + ", " + Yaml(kText[10]) + "]";
  return "---\ntitle: " + Yaml("Sleep " + kAll) + "\ndescription: " + Yaml("About sleep. " + kAll) +
         "\nauthors: [wendy]\ntags: " + tags + "\nimage: {src: " + Yaml(g_image_src) +
         ", alt: " + Yaml("A bed " + kAll) + ", credit: " + Yaml("Photo: " + kAll) +
         ", caption: " + Yaml("Caption " + kAll) + "}\ncallouts: [hostile]\n---\n\n" +
         Joined(kMarkdown, "\n\n") + "\n\n" + kCitesAndBox + "\n\n" + std::string(extra_body) + "\n";
}

struct Part {
  std::string name, value, filename, type = "application/octet-stream";
};
std::string Multipart(const std::vector<Part>& parts) {
  std::string out;
  for (const Part& p : parts) {
    out += "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + p.name + "\"";
    if (!p.filename.empty()) out += "; filename=\"" + p.filename + "\"\r\nContent-Type: " + p.type;
    out += "\r\n\r\n" + p.value + "\r\n";
  }
  return out + "--" + kBoundary + "--\r\n";
}

std::string Form(std::initializer_list<std::pair<std::string, std::string>> fields) {
  std::string out;
  for (const auto& [k, v] : fields) out += (out.empty() ? "" : "&") + k + "=" + util::UrlEncode(v);
  return out;
}

// A link's target on this site as a path with its query ("" for another site
// or for nothing to follow), resolved against the page at `base`.
std::string Resolve(const std::string& base, const std::string& href) {
  std::string h = href.substr(0, href.find('#'));
  if (h.empty()) return "";
  if (h.rfind(kOrigin, 0) == 0) h = h.substr(kOrigin.size());
  if (!testing::SchemeOf(h).empty() || h.rfind("//", 0) == 0) return "";
  std::string base_path = base.substr(0, base.find('?'));
  std::string joined;
  if (h[0] == '/')
    joined = h;
  else if (h[0] == '?')
    joined = base_path + h;
  else
    joined = base_path.substr(0, base_path.rfind('/') + 1) + h;
  std::string query;
  if (size_t q = joined.find('?'); q != std::string::npos) {
    query = joined.substr(q);
    joined.resize(q);
  }
  std::vector<std::string> segments;
  size_t at = 1;
  while (at <= joined.size()) {
    size_t slash = joined.find('/', at);
    std::string seg = joined.substr(at, slash == std::string::npos ? std::string::npos : slash - at);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (seg != ".") {
      segments.push_back(seg);
    }
    if (slash == std::string::npos) break;
    at = slash + 1;
  }
  std::string out;
  for (const std::string& s : segments) out += "/" + s;
  // As a browser sends it: bytes outside printable ASCII percent-encoded.
  auto encoded = [](const std::string& in) {
    static const char* kHex = "0123456789ABCDEF";
    std::string e;
    for (unsigned char c : in)
      if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>')
        e += std::string("%") + kHex[c >> 4] + kHex[c & 15];
      else
        e += static_cast<char>(c);
    return e;
  };
  if (out.empty() || joined.back() == '/' || joined.ends_with("/.") || joined.ends_with("/.."))
    if (out.empty() || out.back() != '/') out += "/";
  return encoded(out) + encoded(query);
}

// The targets a page links to or loads (a, link, img, script, form method=get).
std::vector<std::string> LinksOf(std::string_view html) {
  std::vector<std::string> out;
  for (size_t i = html.find('<'); i != std::string_view::npos; i = html.find('<', i + 1)) {
    if (i + 1 >= html.size() || !std::isalpha(static_cast<unsigned char>(html[i + 1]))) continue;
    testing::Tag tag;
    testing::ReadTag(html, i, tag);
    const char* attr = tag.name == "a" || tag.name == "link"       ? "href"
                       : tag.name == "img" || tag.name == "script" ? "src"
                                                                   : nullptr;
    if (tag.name == "form") {
      const testing::Attribute* method = tag.Find("method");
      if (method == nullptr || testing::LowerAscii(method->value) == "get") attr = "action";
    }
    if (attr == nullptr) continue;
    if (const testing::Attribute* a = tag.Find(attr)) out.push_back(a->value);
  }
  return out;
}

class HostileNewsroom : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(store::Open("memory:")).value();
    store::ImportInput in;
    in.files = {
        {"site.toml", "title = \"Test Health\"\nbase_url = \"https://test.example/\"\n"},
        {"people/wendy.md", "---\nname: Wendy Writer\nroles: [writer]\nsummary: A writer.\n---\nBio.\n"},
        {"people/rita.md",
         "---\nname: Rita Reviewer\ncredentials: MD\nroles: [medical-reviewer]\nsummary: A "
         "doctor.\n---\nB.\n"},
        {"people/rex.md",
         "---\nname: Rex Reviewer\ncredentials: MD\nroles: [medical-reviewer]\nsummary: A "
         "doctor.\n---\nB.\n"},
        {"pages/editorial-process.md", "---\ntitle: Process\ndescription: How.\n---\nWe check.\n"},
        {"glossary.yaml", "apnoea:\n  definition: A pause in breathing.\n"},
        {"references.json", "[]\n"},
    };
    ASSERT_TRUE(store_->Import(in).ok());
    AppOptions options;
    options.reload_poll = std::chrono::hours(1);
    options.clock = &clock_;
    options.password_cost = newsroom::kTestPasswordCost;
    auto app = App::Open(*store_, options, nullptr, nullptr);
    ASSERT_TRUE(app.ok()) << app.status().message();
    app_ = std::move(*app);
    newsroom::AccountsOptions ao;
    ao.clock = &clock_;
    ao.cost = newsroom::kTestPasswordCost;
    accounts_ = std::make_unique<newsroom::Accounts>(*store_->Accounts(), ao);
    for (auto [email, roles, person] :
         {std::tuple{"writer@x.org", newsroom::kWriter, "wendy"},
          std::tuple{"rita@x.org", newsroom::kReviewer, "rita"},
          std::tuple{"rex@x.org", newsroom::kReviewer, "rex"}, std::tuple{"ed@x.org", newsroom::kEditor, ""},
          std::tuple{"admin@x.org", newsroom::kAdmin, ""}}) {
      ASSERT_TRUE(accounts_->Add(email, roles, person, kPassword).ok()) << email;
      SignIn(email);
    }
  }

  void SignIn(const std::string& email) {
    Response res = Post("/admin/login", Form({{"email", email}, {"password", kPassword}}), "");
    ASSERT_EQ(res.status, 303) << res.Body();
    for (const auto& [k, v] : res.headers)
      if (k == "Set-Cookie" && v.rfind("vetted-session=", 0) == 0) cookie_[email] = v.substr(0, v.find(';'));
    csrf_[email] = json::parse(Get("/admin/api/session", email).Body()).value("csrf", "");
  }

  // Handle, waiting for the answer (feedback answers from another thread).
  Response Call(Request req) {
    auto promise = std::make_shared<std::promise<Response>>();
    std::future<Response> future = promise->get_future();
    req.client = "192.0.2.1";
    app_->Handle(std::move(req), [promise](Response res) { promise->set_value(std::move(res)); });
    if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
      ADD_FAILURE() << "no answer within 10 s";
      Response none;
      none.status = 0;
      return none;
    }
    return future.get();
  }
  Response Get(const std::string& target, const std::string& email) {
    Request req;
    req.method = "GET";
    req.target = target;
    req.headers = {{"Host", kHost}};
    if (!email.empty()) req.headers.emplace_back("Cookie", cookie_[email]);
    return Call(std::move(req));
  }
  Response Send(const std::string& method, const std::string& target, std::string body,
                const std::string& email, const std::string& type) {
    Request req;
    req.method = method;
    req.target = target;
    req.headers = {{"Host", kHost}, {"Origin", kOrigin}, {"Content-Type", type}};
    if (!email.empty()) {
      req.headers.emplace_back("Cookie", cookie_[email]);
      req.headers.emplace_back("X-CSRF-Token", csrf_[email]);
    }
    req.body = std::move(body);
    return Call(std::move(req));
  }
  Response Post(const std::string& target, std::string body, const std::string& email) {
    return Send("POST", target, std::move(body), email, "application/x-www-form-urlencoded");
  }
  Response PostMultipart(const std::string& target, const std::vector<Part>& parts,
                         const std::string& email) {
    std::vector<Part> all = parts;
    all.insert(all.begin(), Part{"csrf", csrf_[email], ""});
    return Send("POST", target, Multipart(all), email, "multipart/form-data; boundary=" + kBoundary);
  }
  Response Api(const std::string& method, const std::string& target, const json& body,
               const std::string& email) {
    return Send(method, target, body.dump(), email, "application/json");
  }
  std::string FileText(const std::string& path) {
    Result<store::Snapshot> snapshot = store_->Load();
    for (const store::SourceFile& f : snapshot->files)
      if (f.path == path) return f.bytes;
    return "";
  }
  std::string Latest() {
    return json::parse(Get("/admin/api/articles/" + id_, "ed@x.org").Body())["latest_revision"];
  }

  // Everything hostile, in through each field; the article ends up published.
  void FillTheNewsroom();
  // Reads every page reachable as `email` ("" = a reader) from `seeds`;
  // each failure is reported; returns the number of pages read.
  int Crawl(const std::string& email, std::vector<std::string> seeds);
  // Checks one answer; `html_pages` gets the links to follow.
  void Judge(const std::string& who, const std::string& target, const Response& res,
             std::vector<std::string>& links);

  util::FixedClock clock_{1'800'000'000};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<App> app_;
  std::unique_ptr<newsroom::Accounts> accounts_;
  std::map<std::string, std::string> cookie_, csrf_;
  std::string id_;
  int64_t ticket_ = 0;
  std::set<std::string> seen_types_;
};

void HostileNewsroom::FillTheNewsroom() {
  // References in each format (writers): titles, URLs, DOIs, authors.
  json csl = json::array({{{"id", "hostile-csl"},
                           {"type", "article-journal"},
                           {"title", "Title " + kAll},
                           {"container-title", "Journal " + kAll},
                           {"URL", "javascript:alert(1)"},
                           {"DOI", "10.1000/\"><pwntag><script>alert(1)</script>"},
                           {"author", json::array({{{"family", "Doe " + kAll}, {"given", kText[1]}}})},
                           {"issued", {{"date-parts", json::array({json::array({2020})})}}}},
                          {{"id", "hostile-url"},
                           {"type", "webpage"},
                           {"title", "Page"},
                           {"URL", "https://x.org/\"onmouseover=\"alert(1)"}}});
  Response refs = PostMultipart("/admin/library/references",
                                {{"file", csl.dump(), "\"><svg onload=alert(1)>.json"}}, "writer@x.org");
  ASSERT_EQ(refs.status, 303) << refs.Body();
  EXPECT_EQ(refs.Header("Location").find_first_of("\"<> \r\n"), std::string::npos) << refs.Header("Location");
  std::string bib = "@article{hostilebib,\n  author = {Roe, \"><pwntag>},\n  title = {" + kText[0] + " " +
                    kText[3] + "},\n  journal = {J " + kText[6] +
                    "},\n  year = 2019,\n  url = {javascript:alert(1)},\n  doi = "
                    "{10.1/\"><pwntag>}\n}\n";
  refs = PostMultipart("/admin/library/references", {{"data", bib, ""}}, "writer@x.org");
  ASSERT_EQ(refs.status, 303) << refs.Body();
  std::string ris = "TY  - JOUR\r\nAU  - Hostile, " + kText[0] + "\r\nTI  - " + kText[3] + " " + kText[4] +
                    "\r\nT2  - " + kText[6] +
                    "\r\nPY  - 2020\r\nUR  - javascript:alert(1)\r\nDO  - 10.1/\"><pwntag>"
                    "\r\nER  - \r\n";
  refs =
      PostMultipart("/admin/library/references", {{"file", ris, "</textarea><pwntag>.ris"}}, "writer@x.org");
  ASSERT_EQ(refs.status, 303) << refs.Body();

  // Images: a picture whose file name, alternative text and credit are payloads.
  Response image =
      PostMultipart("/admin/library/images",
                    {{"image", admin::SolidPng(600, 300), "\"><svg onload=alert(1)>.png", "image/png"},
                     {"alt", "A bed " + kAll, ""},
                     {"credit", "Photo: " + kAll, ""}},
                    "writer@x.org");
  ASSERT_EQ(image.status, 303) << image.Body();
  g_image_src = json::parse(FileText("library/images.json"))[0]["sizes"][0]["src"];
  image =
      PostMultipart("/admin/library/images",
                    {{"image", admin::SolidPng(500, 300), "../../../etc/passwd\r\nX-Pwn: 1.png", "image/png"},
                     {"alt", "A chair", ""},
                     {"credit", "Ana", ""}},
                    "writer@x.org");
  ASSERT_EQ(image.status, 303) << image.Body();
  EXPECT_EQ(image.Header("Location").find_first_of("\"<> \r\n./"), std::string::npos)
      << image.Header("Location");

  // The library (editors): people, glossary, callouts.
  std::string person = "---\nname: " + Yaml("Wendy " + kAll) + "\ncredentials: " + Yaml("MD " + kAll) +
                       "\ntitle: " + Yaml("Writer " + kAll) + "\nroles: [writer]\nsummary: " + Yaml(kAll) +
                       "\n---\n" + Joined(kMarkdown, "\n\n") + "\n\nSee [@hostile-csl].\n";
  Response saved = Post("/admin/library/people",
                        Form({{"csrf", csrf_["ed@x.org"]}, {"id", "wendy"}, {"text", person}}), "ed@x.org");
  ASSERT_EQ(saved.status, 303) << saved.Body();
  // Links that run script in a profile's same_as: refused, or written harmlessly.
  std::string linked = "---\nname: Mallory\nroles: [medical-reviewer]\nsummary: " + Yaml(kAll) +
                       "\nsame_as: [" + Yaml("javascript:alert(1)") + ", " +
                       Yaml("https://x.org/\"><pwntag>") + ", " + Yaml(" jav&#x61;script:alert(1)") +
                       "]\n---\nB.\n";
  Response mallory =
      Post("/admin/library/people", Form({{"csrf", csrf_["ed@x.org"]}, {"id", "mallory"}, {"text", linked}}),
           "ed@x.org");
  EXPECT_TRUE(mallory.status == 303 || mallory.status == 400) << mallory.status << mallory.Body();
  std::string glossary = "apnoea:\n  definition: " + Yaml("A pause. " + kAll) + "\n  aliases: [" +
                         Yaml("pwnterm") + "]\n" + Yaml("\"><pwntag> term") +
                         ":\n  definition: " + Yaml(kAll) + "\n";
  saved =
      Post("/admin/library/glossary", Form({{"csrf", csrf_["ed@x.org"]}, {"text", glossary}}), "ed@x.org");
  ASSERT_EQ(saved.status, 303) << saved.Body();
  std::string box =
      "---\ntitle: " + Yaml("Get help " + kAll) + "\nkind: help\n---\n" + Joined(kMarkdown, "\n\n") + "\n";
  saved = Post("/admin/library/callouts",
               Form({{"csrf", csrf_["ed@x.org"]}, {"name", "hostile"}, {"text", box}}), "ed@x.org");
  ASSERT_EQ(saved.status, 303) << saved.Body();
  // A box's name is a file name: a payload there is refused, naming it.
  Response bad_box =
      Post("/admin/library/callouts",
           Form({{"csrf", csrf_["ed@x.org"]}, {"name", "../\"><pwntag>"}, {"text", box}}), "ed@x.org");
  EXPECT_EQ(bad_box.status, 400);

  // The article: every front-matter field and the body, through the JSON API.
  Response created = Api("POST", "/admin/api/articles",
                         {{"path", "content/hostile.md"}, {"source", ArticleSource("")}}, "writer@x.org");
  ASSERT_EQ(created.status, 201) << created.Body();
  id_ = std::to_string(json::parse(created.Body())["id"].get<int64_t>());
  std::string rev = json::parse(created.Body())["revision"];
  Response bad_path =
      Api("POST", "/admin/api/articles", {{"path", "content/\"><pwntag>.md"}, {"source", ArticleSource("")}},
          "writer@x.org");
  EXPECT_EQ(bad_path.status / 100, 4) << bad_path.Body();

  auto step = [&](const std::string& name, const std::string& email,
                  std::initializer_list<std::pair<std::string, std::string>> fields) {
    std::string body = Form(fields) + "&csrf=" + csrf_[email];
    return Post("/admin/articles/" + id_ + "/" + name, body, email);
  };
  Response r = step("submit", "writer@x.org", {{"revision", rev}});
  ASSERT_EQ(r.status, 303) << r.Body();
  r = step("request-changes", "rita@x.org", {{"revision", rev}, {"comments", "Fix this. " + kAll}});
  ASSERT_EQ(r.status, 303) << r.Body();
  // The writer's next revision, through the editor's form: a payload in each of its fields.
  const std::string title = "Sleep, again " + kAll;
  Response edit = Post("/admin/articles/" + id_ + "/edit",
                       Form({{"csrf", csrf_["writer@x.org"]},
                             {"action", "save"},
                             {"base_revision", rev},
                             {"title", title},
                             {"description", "About sleep.\nauthors: [rita]\n" + kAll},
                             {"authors", "wendy"},
                             {"tags", Joined(kText, ", ")},
                             {"aspect", kText[1]},
                             {"callouts", "hostile"},
                             {"image_src", g_image_src},
                             {"image_alt", "A bed " + kAll},
                             {"image_credit", "Photo:\n" + kAll},
                             {"image_caption", kAll},
                             {"body", Joined(kMarkdown, "\n\n") + "\n\n" + kCitesAndBox + "\n"}}),
                       "writer@x.org");
  ASSERT_EQ(edit.status, 303) << edit.Body();
  // Each value stays the value of its own key (no key smuggled in through a line break).
  json saved_article = json::parse(Get("/admin/api/articles/" + id_, "ed@x.org").Body());
  std::string source;
  for (const json& r : saved_article["revisions"])
    if (r.value("revision", "") == saved_article["latest_revision"]) source = r.value("source", "");
  if (!source.empty()) {
    EXPECT_EQ(source.find("\nauthors: [rita]"), std::string::npos) << source;
  }
  rev = Latest();
  ASSERT_EQ(step("submit", "writer@x.org", {{"revision", rev}}).status, 303);
  r = step("approve", "rita@x.org", {{"revision", rev}, {"note", "Fine. " + kAll}});
  ASSERT_EQ(r.status, 303) << r.Body();
  r = step("approve", "rex@x.org", {{"revision", rev}, {"note", "Also fine. " + kAll}});
  EXPECT_TRUE(r.status == 303 || r.status == 403 || r.status == 409) << r.Body();
  // A schedule that is a payload is refused, naming the field.
  Response when = step("publish", "ed@x.org", {{"revision", rev}, {"at", kText[0]}, {"reason", ""}});
  EXPECT_EQ(when.status, 400) << when.Body();
  r = step("publish", "ed@x.org", {{"revision", rev}, {"at", ""}, {"reason", ""}});
  ASSERT_EQ(r.status, 303) << r.Body();
  // A non-clinical change with a hostile reason.
  Response put =
      Api("PUT", "/admin/api/articles/" + id_,
          {{"source", ArticleSource("A third revision. " + kAll)}, {"base_revision", rev}}, "writer@x.org");
  ASSERT_EQ(put.status, 200) << put.Body();
  r = step("publish", "ed@x.org", {{"revision", Latest()}, {"reason", "Typo. " + kAll}});
  ASSERT_EQ(r.status, 303) << r.Body();
  r = step("unpublish", "ed@x.org", {{"at", "2030-01-01T08:00"}});
  EXPECT_EQ(r.status, 303) << r.Body();
  r = step("unpublish", "ed@x.org", {{"at", kText[3]}});
  EXPECT_EQ(r.status, 400) << r.Body();
  ASSERT_TRUE(app_->Reload().ok());

  // Readers' feedback and an error report (a ticket), then the editor's note on it.
  for (std::string category : {"error", "other"}) {
    Response fb =
        Api("POST", "/api/feedback",
            {{"article", "/hostile/"}, {"helpful", false}, {"category", category}, {"comment", kAll}}, "");
    EXPECT_EQ(fb.status / 100, 2) << fb.Body();
  }
  newsroom::Tickets tickets(*store_, &clock_);
  Result<std::vector<store::Ticket>> list = tickets.List();
  ASSERT_TRUE(list.ok());
  ASSERT_FALSE(list->empty());
  ticket_ = list->front().id;
  r = Post("/admin/tickets/" + std::to_string(ticket_),
           Form({{"csrf", csrf_["ed@x.org"]}, {"action", "assign"}, {"note", "Looking. " + kAll}}),
           "ed@x.org");
  EXPECT_EQ(r.status, 303) << r.Body();

  // Accounts: an address that is a payload is refused; a hostile person is linked.
  Response acct = Post("/admin/accounts",
                       Form({{"csrf", csrf_["admin@x.org"]},
                             {"email", "\"><pwntag>@x.org"},
                             {"roles", "writer"},
                             {"person", "wendy"}}),
                       "admin@x.org");
  EXPECT_EQ(acct.status, 400) << acct.Body();
  acct = Post(
      "/admin/accounts",
      Form(
          {{"csrf", csrf_["admin@x.org"]}, {"email", "new@x.org"}, {"roles", "writer"}, {"person", "wendy"}}),
      "admin@x.org");
  EXPECT_EQ(acct.status / 100, 2) << acct.Body();
}

void HostileNewsroom::Judge(const std::string& who, const std::string& target, const Response& res,
                            std::vector<std::string>& links) {
  const std::string what = (who.empty() ? "reader" : who) + " GET " + target;
  EXPECT_LT(res.status, 500) << what << "\n" << res.Body().substr(0, 400);
  for (const auto& [k, v] : res.headers)
    EXPECT_EQ(v.find_first_of("\r\n"), std::string::npos)
        << what << ": header " << k << " holds a line break";
  std::string type(res.Header("Content-Type"));
  seen_types_.insert(type.substr(0, type.find(';')));
  if (res.status >= 300 && res.status < 400) {
    std::string location(res.Header("Location"));
    EXPECT_TRUE(testing::UnsafeUrl(location).empty()) << what << ": Location " << location;
    links.push_back(location);
    return;
  }
  EXPECT_EQ(res.Header("X-Content-Type-Options"), "nosniff") << what;
  if (type.rfind("text/html", 0) == 0) {
    EXPECT_FALSE(res.Header("Content-Security-Policy").empty()) << what;
    EXPECT_EQ(res.Header("Content-Security-Policy").find("unsafe-inline"), std::string::npos) << what;
    for (const std::string& problem : ExecutableSinks(res.Body())) ADD_FAILURE() << what << ": " << problem;
    for (std::string& l : LinksOf(res.Body())) links.push_back(std::move(l));
  } else if (type.rfind("image/svg+xml", 0) == 0) {
    for (const std::string& problem : ExecutableSinks(res.Body())) ADD_FAILURE() << what << ": " << problem;
  } else if (util::EndsWith(testing::LowerAscii(target.substr(0, target.find('?'))), ".json") ||
             target.rfind("/admin/api/", 0) == 0 || target.rfind("/api/", 0) == 0) {
    EXPECT_EQ(type.rfind("application/json", 0), 0u) << what << ": " << type;
  }
  if (std::string_view cd = res.Header("Content-Disposition"); !cd.empty()) {
    EXPECT_EQ(cd.find_first_of("/\\<>"), std::string::npos) << what << ": Content-Disposition " << cd;
  }
}

int HostileNewsroom::Crawl(const std::string& email, std::vector<std::string> seeds) {
  constexpr size_t kMaxPages = 700;
  std::set<std::string> seen;
  std::deque<std::string> queue(seeds.begin(), seeds.end());
  int pages = 0;
  while (!queue.empty() && seen.size() < kMaxPages) {
    std::string target = queue.front();
    queue.pop_front();
    if (!seen.insert(target).second) continue;
    Response res = Get(target, email);
    ++pages;
    if (std::getenv("VETTED_HOSTILE_LOG") != nullptr)
      std::fprintf(stderr, "%s %d %s\n", email.empty() ? "reader" : email.c_str(), res.status,
                   target.c_str());
    std::vector<std::string> links;
    Judge(email, target, res, links);
    for (const std::string& l : links)
      if (std::string next = Resolve(target, l); !next.empty() && !seen.count(next)) queue.push_back(next);
  }
  return pages;
}

TEST_F(HostileNewsroom, NoPageCarriesAnExecutableSink) {
  FillTheNewsroom();
  if (HasFatalFailure()) return;
  // Pages that echo what is in their query, with each payload.
  std::vector<std::string> echo;
  for (const std::string& p : kText) {
    std::string e = util::UrlEncode(p);
    for (const std::string& t : {"/search/?q=" + e,
                                 "/search?q=" + e,
                                 "/api/search?q=" + e,
                                 "/admin/articles?q=" + e + "&state=" + e,
                                 "/admin/articles/cite?cite_q=" + e,
                                 "/admin/library/references?added=" + e + "&clashes=" + e,
                                 "/admin/library/images?saved=" + e,
                                 "/admin/library/people?saved=" + e,
                                 "/admin/library/callouts?saved=" + e,
                                 "/admin/library/glossary?saved=" + e,
                                 "/admin/feedback/article?url=" + e,
                                 "/admin/articles/" + id_ + "/diff?from=" + e + "&to=" + e,
                                 "/admin/articles/" + id_ + "?done=" + e + "&ticket=" + e,
                                 "/admin/accounts/1?done=" + e,
                                 "/admin/tickets?state=" + e,
                                 "/admin/tickets/" + std::to_string(ticket_) + "?done=" + e,
                                 "/admin/login?next=" + e,
                                 "/admin/due?reviewer=" + e,
                                 "/" + e,
                                 "/admin/" + e})
      echo.push_back(t);
  }
  for (std::string word : {"alert", "script", "pwntag", "onerror", "mustache", "Sleep"})
    echo.push_back("/search/?q=" + word);
  std::vector<std::string> common = {
      "/",        "/hostile/", "/people/wendy/", "/people/mallory/", "/search/?q=alert", "/sitemap.xml",
      "/feed.xml"};
  common.insert(common.end(), echo.begin(), echo.end());
  std::map<std::string, int> pages;
  pages["reader"] = Crawl("", common);
  for (const std::string email : {"writer@x.org", "rita@x.org", "ed@x.org", "admin@x.org"}) {
    std::vector<std::string> seeds = {"/admin/",
                                      "/admin/articles",
                                      "/admin/articles/" + id_,
                                      "/admin/articles/" + id_ + "/edit",
                                      "/admin/articles/" + id_ + "/revisions",
                                      "/admin/articles/" + id_ + "/record",
                                      "/admin/articles/" + id_ + "/record.json",
                                      "/admin/api/articles/" + id_,
                                      "/admin/api/articles",
                                      "/admin/api/audit",
                                      "/admin/api/session",
                                      "/admin/api/accounts",
                                      "/admin/library",
                                      "/admin/library/images.json",
                                      "/admin/library/references.json",
                                      "/admin/library/references.txt",
                                      "/admin/feedback",
                                      "/admin/feedback/article?url=%2Fhostile%2F",
                                      "/admin/tickets",
                                      "/admin/tickets/" + std::to_string(ticket_),
                                      "/admin/due",
                                      "/admin/audit",
                                      "/admin/accounts"};
    seeds.insert(seeds.end(), common.begin(), common.end());
    pages[email] = Crawl(email, seeds);
  }
  // The preview of the revision (a private link) and the editor's preview, as the writer.
  Response link = Post("/admin/articles/" + id_ + "/preview-link",
                       Form({{"csrf", csrf_["writer@x.org"]}, {"revision", Latest()}}), "writer@x.org");
  std::vector<std::string> links;
  Judge("writer@x.org", "preview-link", link, links);
  Response preview =
      Post("/admin/articles/" + id_ + "/preview",
           Form({{"csrf", csrf_["writer@x.org"]}, {"source", ArticleSource(kAll)}}), "writer@x.org");
  Judge("writer@x.org", "preview", preview, links);
  for (const std::string& l : links)
    if (std::string next = Resolve("/admin/articles/" + id_ + "/x", l); next.rfind("/preview/", 0) == 0)
      pages["preview"] += Crawl("", {next});
  for (const auto& [who, n] : pages) EXPECT_GT(n, 20) << who << " read only " << n << " pages";
  // The hostile article's public page really carries the payloads (escaped).
  Response page = Get("/hostile/", "");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.Body().find("&lt;pwntag&gt;"), std::string::npos);
  EXPECT_NE(page.Body().find("&quot; pwnattr=&quot;1"), std::string::npos);
}

TEST_F(HostileNewsroom, SvgAndScriptUploadsAreRefusedNamingTheField) {
  const std::string svg =
      "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\" width=\"10\" "
      "height=\"10\"><script>alert(1)</script><rect width=\"10\" height=\"10\"/></svg>";
  for (std::string type : {"image/svg+xml", "image/png"}) {
    Response res = PostMultipart(
        "/admin/library/images",
        {{"image", svg, "logo.svg", type}, {"alt", "Logo", ""}, {"credit", "Ana", ""}}, "writer@x.org");
    EXPECT_EQ(res.status, 400) << res.Body();
    EXPECT_NE(res.Body().find("SVG"), std::string::npos) << res.Body();
  }
  // An HTML page dressed as a picture.
  Response html = PostMultipart("/admin/library/images",
                                {{"image", "<html><script>alert(1)</script>", "x.png", "image/png"},
                                 {"alt", "X", ""},
                                 {"credit", "A", ""}},
                                "writer@x.org");
  EXPECT_EQ(html.status, 400);
  EXPECT_TRUE(FileText("library/images.json").empty());
}

TEST_F(HostileNewsroom, UploadedFileNamesNeverReachPathsOrHeaders) {
  for (const std::string& name :
       {"\"><svg onload=alert(1)>.png", "../../../etc/passwd.png", "..\\..\\windows\\x.png",
        "a\r\nX-Pwn: 1.png", "%2e%2e%2fx.png", ".png", "\xE2\x80\xAEgnp.exe.png"}) {
    Response res = PostMultipart(
        "/admin/library/images",
        {{"image", admin::SolidPng(120, 80), name, "image/png"}, {"alt", "A box", ""}, {"credit", "Ana", ""}},
        "writer@x.org");
    ASSERT_EQ(res.status, 303) << name << ": " << res.Body();
    std::string location(res.Header("Location"));
    EXPECT_EQ(location.find_first_of("\"<>\\ \r\n./%"), std::string::npos) << name << " -> " << location;
  }
  Result<store::Snapshot> snapshot = store_->Load();
  ASSERT_TRUE(snapshot.ok());
  int images = 0;
  for (const store::SourceFile& f : snapshot->files) {
    if (f.path.rfind("static/images/", 0) != 0) continue;
    ++images;
    std::string name = f.path.substr(std::string("static/images/").size());
    EXPECT_EQ(name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-."), std::string::npos) << f.path;
    EXPECT_EQ(name.find(".."), std::string::npos) << f.path;
  }
  EXPECT_EQ(images, 7);
}

// The checker itself must be able to fail, on each kind of sink.
TEST(HtmlSinks, CatchesEachKindOfSink) {
  const char* bad[] = {
      "<script>alert(1)</script>",
      "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
      "<script src=\"https://evil.example/x.js\"></script>",
      "<script src=\"/a.js\">alert(1)</script>",
      "<img src=x onerror=alert(1)>",
      "<div OnClick='x'>",
      "<svg><a xlink:href=\"javascript:alert(1)\">x</a></svg>",
      "<a href=\"jav&#x61;script:alert(1)\">x</a>",
      "<a href=\" &#1;java\tscript:alert(1)\">x</a>",
      "<a href=\"vbscript:x\">",
      "<form action=\"javascript:x\"><button formaction=\"javascript:y\">",
      "<iframe src=\"/x\"></iframe>",
      "<object data=\"/x\"></object>",
      "<embed src=\"/x\">",
      "<base href=\"//evil.example/\">",
      "<meta http-equiv=\"Refresh\" content=\"0;url=/x\">",
      "<p style=\"width: expression(alert(1))\">",
      "<p style=\"background:url( javascript:alert(1))\">",
      "<iframe srcdoc=\"&lt;script&gt;\">",
      "<div srcdoc=x>",
      "<a href=\"data:text/html,<script>alert(1)</script>\">",
      "<input value=\"x\" pwnattr=\"1\">",
      "<p>text <pwntag></p>",
      "<input value=\"a\"\"b\">",
      "<textarea></textarea><script>alert(1)</script></textarea>",
      "<title></title><script>x</script>",
      "<svg><animate attributeName=href to=\"javascript:alert(1)\"/></svg>",
      "<script type=\"application/ld+json\">{\"a\": \"</script><script>alert(1)</script>\"}</script>",
      "<script type=\"application/ld+json\">{\"a\": \"<!--<script>\"}</script>",
  };
  for (const char* html : bad) EXPECT_FALSE(ExecutableSinks(html).empty()) << html;
  const char* good[] = {
      "<script src=\"/admin/editor.js\" defer></script>",
      "<script src=\"../cite.js\"></script>",
      "<textarea>&lt;/textarea&gt;&lt;script&gt;alert(1)</textarea>",
      "<textarea>\"><script>alert(1)</script></textarea>",
      "<title>&lt;script&gt;</title>",
      "<a href=\"https://x.org/?q=javascript:alert(1)\">javascript:alert(1)</a>",
      "<input value=\"&quot; pwnattr=&quot;1\">",
      "<p>&lt;pwntag&gt; onerror=alert(1)</p>",
      "<img src=\"data:image/png;base64,AAAA\" alt=\"x\">",
      "<details open><summary>x</summary></details>",
      "<!-- <script>alert(1)</script> -->",
      "<svg viewBox=\"0 0 10 10\" role=\"img\"><rect width=\"1\" height=\"1\"/></svg>",
  };
  for (const char* html : good) EXPECT_EQ(ExecutableSinks(html), std::vector<std::string>()) << html;
}

}  // namespace
}  // namespace vetted::server
