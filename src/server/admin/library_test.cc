// The library's pages (library_routes.h) through App over a memory store:
// reference imports in each format, image uploads, editing people, the
// glossary and callouts, roles, CSRF and the audit log.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "load/load.h"
#include "newsroom/newsroom.h"
#include "server/admin/image_resize.h"
#include "server/app.h"
#include "store/open.h"

namespace vetted::server {
namespace {

using nlohmann::json;

const std::string kHost = "127.0.0.1:8080";
const std::string kOrigin = "http://127.0.0.1:8080";
const std::string kPassword = "tram-lamp-orbit";
const std::string kBoundary = "----vettedTestBoundary";

store::ImportInput TinySite() {
  std::string file =
      "---\ntitle: Sleep\ndescription: About sleep.\nauthors: [wendy]\npublished: 2026-01-10\n---\n\nSleep "
      "matters.\n";
  std::vector<Diagnostic> diagnostics;
  store::ImportInput in;
  in.files = {{"site.toml", "title = \"Test Health\"\nbase_url = \"https://test.example/\"\n"},
              {"people/wendy.md",
               "---\nname: Wendy Writer\nroles: [writer]\nsummary: A fictional writer.\n---\nBio.\n"},
              {"glossary.yaml", "apnoea:\n  definition: A pause in breathing.\n"},
              {"callouts/get-help.md", "---\ntitle: Get help\nkind: help\n---\nCall 111.\n"},
              {"references.json",
               "[{\"id\": \"nhs2024\", \"type\": \"webpage\", \"title\": \"Insomnia\", "
               "\"container-title\": \"NHS\", \"URL\": \"https://www.nhs.uk/\"}]\n"}};
  store::ArticleSource a;
  a.path = "content/sleep.md";
  a.url = "/sleep/";
  a.revision = load::ParseArticle(file, a.path, diagnostics).revision;
  a.bytes = file;
  a.search.title = "Sleep";
  in.articles.push_back(a);
  return in;
}

std::string UrlEncode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

struct Part {
  std::string name, value, filename;
};
std::string Multipart(const std::vector<Part>& parts) {
  std::string out;
  for (const Part& p : parts) {
    out += "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + p.name + "\"";
    if (!p.filename.empty())
      out += "; filename=\"" + p.filename + "\"\r\nContent-Type: application/octet-stream";
    out += "\r\n\r\n" + p.value + "\r\n";
  }
  return out + "--" + kBoundary + "--\r\n";
}

class LibraryPages : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(store::Open("memory:")).value();
    ASSERT_TRUE(store_->Import(TinySite()).ok());
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
    ASSERT_TRUE(accounts_->Add("writer@x.org", newsroom::kWriter, "wendy", kPassword).ok());
    ASSERT_TRUE(accounts_->Add("editor@x.org", newsroom::kEditor, "", kPassword).ok());
    ASSERT_TRUE(accounts_->Add("admin@x.org", newsroom::kAdmin, "", kPassword).ok());
  }

  Response Call(Request req) {
    Response out;
    out.status = 0;
    req.client = "192.0.2.1";
    app_->Handle(std::move(req), [&out](Response res) { out = std::move(res); });
    return out;
  }
  Response Get(const std::string& target, const std::string& cookie) {
    Request req;
    req.method = "GET";
    req.target = target;
    req.headers = {{"Host", kHost}, {"Cookie", cookie}};
    return Call(std::move(req));
  }
  Response Post(const std::string& target, const std::string& cookie, std::string body, bool multipart) {
    Request req;
    req.method = "POST";
    req.target = target;
    req.headers = {{"Host", kHost},
                   {"Origin", kOrigin},
                   {"Cookie", cookie},
                   {"Content-Type", multipart ? "multipart/form-data; boundary=" + kBoundary
                                              : "application/x-www-form-urlencoded"}};
    req.body = std::move(body);
    return Call(std::move(req));
  }
  // Signs in: the session cookie, and its CSRF token in csrf_.
  std::string SignIn(const std::string& email) {
    Request req;
    req.method = "POST";
    req.target = "/admin/login";
    req.headers = {
        {"Host", kHost}, {"Origin", kOrigin}, {"Content-Type", "application/x-www-form-urlencoded"}};
    req.body = "email=" + UrlEncode(email) + "&password=" + kPassword;
    Response res = Call(std::move(req));
    EXPECT_EQ(res.status, 303) << res.Body();
    std::string cookie;
    for (const auto& [k, v] : res.headers)
      if (k == "Set-Cookie" && v.rfind("vetted-session=", 0) == 0) cookie = v.substr(0, v.find(';'));
    Response session = Get("/admin/api/session", cookie);
    csrf_ = json::parse(session.Body()).value("csrf", "");
    return cookie;
  }
  std::string FileText(const std::string& path) {
    Result<store::Snapshot> snapshot = store_->Load();
    for (const store::SourceFile& f : snapshot->files)
      if (f.path == path) return f.bytes;
    return "";
  }
  std::vector<store::AuditEntry> Audit() {
    std::vector<store::AuditEntry> out;
    EXPECT_TRUE(store_->Workflow()
                    ->Read([&](store::WorkflowTx& tx) {
                      out = *tx.Audit(0);
                      return Status::Ok();
                    })
                    .ok());
    std::erase_if(out, [](const store::AuditEntry& e) { return e.action.rfind("library.", 0) != 0; });
    return out;
  }
  Response Import(const std::string& cookie, const std::string& text, const std::string& filename) {
    return Post("/admin/library/references", cookie,
                Multipart({{"csrf", csrf_, ""}, {filename.empty() ? "data" : "file", text, filename}}), true);
  }

  util::FixedClock clock_{1'800'000'000};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<App> app_;
  std::unique_ptr<newsroom::Accounts> accounts_;
  std::string csrf_;
};

TEST_F(LibraryPages, IndexLinksEveryPart) {
  std::string writer = SignIn("writer@x.org");
  Response res = Get("/admin/library", writer);
  ASSERT_EQ(res.status, 200) << res.Body();
  for (const char* link :
       {"library/references", "library/images", "library/people", "library/glossary", "library/callouts"})
    EXPECT_NE(res.Body().find(std::string("href=\"") + link + "\""), std::string::npos) << link;
  EXPECT_EQ(Get("/admin/library", SignIn("admin@x.org")).status, 403);
  EXPECT_EQ(Get("/admin/library/references", "").status, 303);  // not signed in: to the sign-in page
}

TEST_F(LibraryPages, ReferencesAsReadersSeeThemAndAsLists) {
  std::string writer = SignIn("writer@x.org");
  Response page = Get("/admin/library/references", writer);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.Body().find("<code>[@nhs2024]</code>"), std::string::npos);
  EXPECT_NE(page.Body().find("Insomnia. NHS."), std::string::npos) << page.Body();  // AMA, through cite/
  EXPECT_NE(page.Body().find("Bibliography file (CSL-JSON, BibTeX or RIS)"), std::string::npos);
  EXPECT_NE(page.Body().find("Or paste it here"), std::string::npos);
  EXPECT_NE(page.Body().find("enctype=\"multipart/form-data\""), std::string::npos);
  Response list = Get("/admin/library/references.json", writer);
  ASSERT_EQ(list.status, 200);
  json refs = json::parse(list.Body());
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0]["id"], "nhs2024");
  EXPECT_EQ(refs[0]["cite"], "[@nhs2024]");
  EXPECT_NE(refs[0]["text"].get<std::string>().find("Insomnia"), std::string::npos);
  Response text = Get("/admin/library/references.txt", writer);
  EXPECT_EQ(text.Header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(text.Body().rfind("[@nhs2024] ", 0), 0u) << text.Body();
}

TEST_F(LibraryPages, ImportsEachFormatAndShowsClashes) {
  std::string writer = SignIn("writer@x.org");
  Response csl = Import(
      writer,
      R"([{"id": "nhs2024", "title": "Other"}, {"id": "who2022", "type": "report", "title": "Sleep health", "author": [{"literal": "World Health Organization"}], "issued": {"date-parts": [[2022]]}}])",
      "zotero.json");
  ASSERT_EQ(csl.status, 303) << csl.Body();
  EXPECT_EQ(csl.Header("Location"), "references?added=who2022&clashes=nhs2024");
  Response shown = Get("/admin/library/" + std::string(csl.Header("Location")), writer);
  EXPECT_NE(shown.Body().find("role=\"status\">Imported 1 reference: who2022."), std::string::npos)
      << shown.Body();
  EXPECT_NE(shown.Body().find("left as they were"), std::string::npos);
  EXPECT_NE(shown.Body().find("nhs2024."), std::string::npos);

  Response bib = Import(writer,
                        "@article{smith2018,\n  author = {Smith, Jane},\n  title = {Naps and memory},\n  "
                        "journal = {J Sleep Res},\n  year = 2018, volume = 27, pages = {1--9}\n}\n",
                        "");  // pasted
  ASSERT_EQ(bib.status, 303) << bib.Body();
  EXPECT_EQ(bib.Header("Location"), "references?added=smith2018");
  Response ris = Import(
      writer, "TY  - JOUR\r\nAU  - Lee, Kim\r\nTI  - Dreams\r\nT2  - Sleep Med\r\nPY  - 2020\r\nER  - \r\n",
      "export.ris");
  ASSERT_EQ(ris.status, 303) << ris.Body();
  EXPECT_EQ(ris.Header("Location"), "references?added=lee2020");

  std::string file = FileText("references.json");
  for (const char* id : {"nhs2024", "who2022", "smith2018", "lee2020"})
    EXPECT_NE(file.find(id), std::string::npos);
  EXPECT_EQ(file.find("Other"), std::string::npos);  // the clash did not overwrite
  Response page = Get("/admin/library/references", writer);
  EXPECT_NE(page.Body().find("<code>[@smith2018]</code>"), std::string::npos);
  EXPECT_NE(page.Body().find("Naps and memory"), std::string::npos);
  std::vector<store::AuditEntry> audit = Audit();
  ASSERT_EQ(audit.size(), 3u);
  EXPECT_EQ(audit[0].action, "library.reference.import");
  EXPECT_NE(audit[0].detail.find("who2022"), std::string::npos);
}

TEST_F(LibraryPages, ABrokenBibliographyIs400WithItsLine) {
  std::string writer = SignIn("writer@x.org");
  Response res =
      Import(writer, "@article{a,\n  title = {A},\n  year = 2020\n\n@book{b, title = {B}}\n", "broken.bib");
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.Body().find("role=\"alert\">broken.bib:"), std::string::npos) << res.Body();
  Response json_res = Import(writer, "[\n  {\"id\": \"x\",\n   \"title\": }\n]", "");
  EXPECT_EQ(json_res.status, 400);
  EXPECT_NE(json_res.Body().find("pasted text:3:"), std::string::npos) << json_res.Body();
  EXPECT_NE(json_res.Body().find("&quot;title&quot;"), std::string::npos);  // the pasted text is kept
  EXPECT_EQ(Import(writer, "  ", "").status, 400);
  EXPECT_TRUE(Audit().empty());
  EXPECT_EQ(FileText("references.json").find("\"x\""), std::string::npos);
}

TEST_F(LibraryPages, ImageUploadMakesEachSizeNeverUpscaling) {
  std::string writer = SignIn("writer@x.org");
  const std::string png = admin::SolidPng(1200, 800);
  ASSERT_FALSE(png.empty());
  Response res = Post("/admin/library/images", writer,
                      Multipart({{"csrf", csrf_, ""},
                                 {"image", png, "Night Sky.PNG"},
                                 {"alt", "A dark blue night sky", ""},
                                 {"credit", "Photo: Ana Lee", ""}}),
                      true);
  ASSERT_EQ(res.status, 303) << res.Body();
  EXPECT_EQ(res.Header("Location"), "images?saved=night-sky");
  std::string w480 = FileText("static/images/night-sky-480.webp"),
              w960 = FileText("static/images/night-sky-960.webp");
  ASSERT_FALSE(w480.empty());
  ASSERT_FALSE(w960.empty());
  EXPECT_TRUE(FileText("static/images/night-sky-1600.webp").empty());  // never wider than the original
  EXPECT_EQ(admin::DimensionsOf(w480).width, 480);
  EXPECT_EQ(admin::DimensionsOf(w480).height, 320);
  EXPECT_EQ(admin::DimensionsOf(w960).width, 960);
  EXPECT_EQ(admin::DimensionsOf(w960).height, 640);
  json record = json::parse(FileText("library/images.json"));
  ASSERT_EQ(record.size(), 1u);
  EXPECT_EQ(record[0]["alt"], "A dark blue night sky");
  EXPECT_EQ(record[0]["credit"], "Photo: Ana Lee");
  ASSERT_EQ(record[0]["sizes"].size(), 2u);
  EXPECT_EQ(record[0]["sizes"][1]["src"], "/images/night-sky-960.webp");
  EXPECT_EQ(record[0]["sizes"][1]["height"], 640);

  Response page = Get("/admin/library/images?saved=night-sky", writer);
  EXPECT_NE(page.Body().find("role=\"status\">Image night-sky uploaded"), std::string::npos);
  EXPECT_NE(page.Body().find("960 × 640 pixels"), std::string::npos);
  EXPECT_NE(page.Body().find("image: {src: /images/night-sky-960.webp"), std::string::npos);
  for (const char* label :
       {">Image file</label>", ">Alternative text</label>", ">Credit</label>", ">Upload image</button>"})
    EXPECT_NE(page.Body().find(label), std::string::npos) << label;

  // The same name again gets its own; a small picture keeps its own width.
  res = Post("/admin/library/images", writer,
             Multipart({{"csrf", csrf_, ""},
                        {"image", admin::SolidPng(300, 200), "night-sky.png"},
                        {"alt", "Stars", ""},
                        {"credit", "Ana", ""}}),
             true);
  ASSERT_EQ(res.status, 303) << res.Body();
  EXPECT_EQ(admin::DimensionsOf(FileText("static/images/night-sky-2-300.webp")).width, 300);
  std::vector<store::AuditEntry> audit = Audit();
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[0].action, "library.image.upload");
  EXPECT_NE(audit[0].detail.find("960x640"), std::string::npos);
}

TEST_F(LibraryPages, ImageUploadRefusals) {
  std::string writer = SignIn("writer@x.org");
  const std::string png = admin::SolidPng(100, 50);
  auto upload = [&](const std::string& bytes, const std::string& alt, const std::string& credit) {
    return Post(
        "/admin/library/images", writer,
        Multipart({{"csrf", csrf_, ""}, {"image", bytes, "x.png"}, {"alt", alt, ""}, {"credit", credit, ""}}),
        true);
  };
  Response no_alt = upload(png, "  ", "Ana");
  EXPECT_EQ(no_alt.status, 400);
  EXPECT_NE(no_alt.Body().find("Alternative text is required"), std::string::npos);
  EXPECT_EQ(upload(png, "A box", "").status, 400);
  Response text = upload("just some text, not a picture", "A box", "Ana");
  EXPECT_EQ(text.status, 400);
  EXPECT_NE(text.Body().find("not an image"), std::string::npos);
  Response broken = upload(png.substr(0, 40), "A box", "Ana");
  EXPECT_EQ(broken.status, 400) << broken.Body();
  Response big =
      upload(std::string("\x89PNG\r\n\x1a\n", 8) + std::string(9 * 1024 * 1024, 'x'), "A box", "Ana");
  EXPECT_EQ(big.status, 400);
  EXPECT_NE(big.Body().find("too large"), std::string::npos);
  EXPECT_TRUE(Audit().empty());
  EXPECT_TRUE(FileText("library/images.json").empty());
}

// A picture too tall for WebP at its narrowest size (a 184-byte PNG of 1 x
// 20,000 pixels) was a 500 "could not be encoded": it is the uploader's 400.
TEST_F(LibraryPages, ATooTallImageIs400NotAServerError) {
  std::string writer = SignIn("writer@x.org");
  for (auto [w, h] : {std::pair{1, 20000}, {480, 17000}}) {
    Response res = Post("/admin/library/images", writer,
                        Multipart({{"csrf", csrf_, ""},
                                   {"image", admin::SolidPng(w, h), "tall.png"},
                                   {"alt", "A line", ""},
                                   {"credit", "Ana", ""}}),
                        true);
    EXPECT_EQ(res.status, 400) << w << "x" << h;
    EXPECT_NE(res.Body().find("too tall for its width"), std::string::npos);
  }
  EXPECT_TRUE(Audit().empty());
  // Alternative text that is not UTF-8 (a hand-made request) threw when the
  // record was written as JSON: now a 400.
  Response latin1 = Post("/admin/library/images", writer,
                         Multipart({{"csrf", csrf_, ""},
                                    {"image", admin::SolidPng(40, 20), "x.png"},
                                    {"alt", "Caf\xe9", ""},
                                    {"credit", "Ana", ""}}),
                         true);
  EXPECT_EQ(latin1.status, 400);
  EXPECT_NE(latin1.Body().find("UTF-8"), std::string::npos);
  EXPECT_TRUE(Audit().empty());
  // A JPEG whose header reads well but whose data is damaged (found by
  // image_fuzz): libvips decodes it only when the WebP is written, which
  // answered 500. Now the uploader's 400.
  std::ifstream damaged_file(std::filesystem::path(VETTED_SOURCE_DIR) / "fuzz/corpus/image/damaged-data.jpg",
                             std::ios::binary);
  std::string damaged((std::istreambuf_iterator<char>(damaged_file)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(damaged.empty());
  Response broken = Post("/admin/library/images", writer,
                         Multipart({{"csrf", csrf_, ""},
                                    {"image", damaged, "x.jpg"},
                                    {"alt", "A picture", ""},
                                    {"credit", "Ana", ""}}),
                         true);
  EXPECT_EQ(broken.status, 400) << broken.Body();
  EXPECT_NE(broken.Body().find("cannot be decoded"), std::string::npos);
  EXPECT_TRUE(Audit().empty());
  auto wide = admin::ResizeImage(admin::SolidPng(3000, 1));  // only the height is limited
  ASSERT_TRUE(wide.ok()) << wide.status().message();
  EXPECT_EQ(wide->size(), 3u);
}

TEST_F(LibraryPages, EditorsEditPeopleWritersMayNot) {
  std::string writer = SignIn("writer@x.org");
  Response read = Get("/admin/library/people", writer);
  ASSERT_EQ(read.status, 200);
  EXPECT_NE(read.Body().find("Wendy Writer"), std::string::npos);
  EXPECT_EQ(read.Body().find("<form method=\"post\" action=\"people\">"), std::string::npos);  // no edit form
  std::string text = "---\nname: Wendy Writer\ncredentials: MSc\nroles: [writer]\n---\nBio.\n";
  Response refused =
      Post("/admin/library/people", writer, "csrf=" + csrf_ + "&id=wendy&text=" + UrlEncode(text), false);
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(refused.Body().find("only editors"), std::string::npos) << refused.Body();
  EXPECT_EQ(FileText("people/wendy.md").find("MSc"), std::string::npos);

  std::string editor = SignIn("editor@x.org");
  Response page = Get("/admin/library/people", editor);
  EXPECT_NE(page.Body().find("Save profile of Wendy Writer"), std::string::npos);
  Response saved =
      Post("/admin/library/people", editor, "csrf=" + csrf_ + "&id=wendy&text=" + UrlEncode(text), false);
  ASSERT_EQ(saved.status, 303) << saved.Body();
  EXPECT_EQ(saved.Header("Location"), "people?saved=wendy");
  EXPECT_NE(FileText("people/wendy.md").find("MSc"), std::string::npos);
  EXPECT_NE(
      Get("/admin/library/people?saved=wendy", editor).Body().find("role=\"status\">Profile wendy saved"),
      std::string::npos);

  // A profile without a name breaks the check: 400 with the finding, the text kept, nothing changed.
  Response bad =
      Post("/admin/library/people", editor,
           "csrf=" + csrf_ + "&id=wendy&text=" + UrlEncode("---\nroles: [writer]\n---\nNo name.\n"), false);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.Body().find("people/wendy.md:"), std::string::npos) << bad.Body();
  EXPECT_NE(bad.Body().find("No name."), std::string::npos);
  EXPECT_NE(FileText("people/wendy.md").find("MSc"), std::string::npos);
  EXPECT_EQ(Post("/admin/library/people", editor, "csrf=" + csrf_ + "&id=..%2Fsite&text=x", false).status,
            400);
  std::vector<store::AuditEntry> audit = Audit();
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "library.person.save");
}

TEST_F(LibraryPages, GlossaryAndCallouts) {
  std::string editor = SignIn("editor@x.org");
  Response glossary = Get("/admin/library/glossary", editor);
  EXPECT_NE(glossary.Body().find("A pause in breathing."), std::string::npos);
  std::string yaml = "apnoea:\n  definition: A pause in breathing during sleep.\n  aliases: [apnea]\n";
  Response saved =
      Post("/admin/library/glossary", editor, "csrf=" + csrf_ + "&text=" + UrlEncode(yaml), false);
  ASSERT_EQ(saved.status, 303) << saved.Body();
  EXPECT_EQ(FileText("glossary.yaml"), yaml);
  Response bad =
      Post("/admin/library/glossary", editor, "csrf=" + csrf_ + "&text=" + UrlEncode("apnoea: [\n"), false);
  EXPECT_EQ(bad.status, 400) << bad.Body();
  EXPECT_NE(bad.Body().find("glossary.yaml:"), std::string::npos) << bad.Body();
  EXPECT_EQ(FileText("glossary.yaml"), yaml);

  std::string box = "---\ntitle: Crisis support\nkind: crisis\n---\nCall 999.\n";
  Response added =
      Post("/admin/library/callouts", editor, "csrf=" + csrf_ + "&name=crisis&text=" + UrlEncode(box), false);
  ASSERT_EQ(added.status, 303) << added.Body();
  EXPECT_EQ(FileText("callouts/crisis.md"), box);
  Response page = Get("/admin/library/callouts", editor);
  EXPECT_NE(page.Body().find("Crisis support"), std::string::npos);
  EXPECT_NE(page.Body().find("Save box get-help"), std::string::npos);
  std::vector<store::AuditEntry> audit = Audit();
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[0].action, "library.glossary.save");
  EXPECT_EQ(audit[1].action, "library.callout.save");
  // Writers read.
  std::string writer = SignIn("writer@x.org");
  EXPECT_EQ(
      Post("/admin/library/glossary", writer, "csrf=" + csrf_ + "&text=" + UrlEncode(yaml), false).status,
      403);
  EXPECT_EQ(Get("/admin/library/glossary", writer).status, 200);
}

TEST_F(LibraryPages, ChangesNeedTheSessionsCsrfToken) {
  std::string editor = SignIn("editor@x.org");
  Response plain = Post("/admin/library/glossary", editor, "csrf=wrong&text=x", false);
  EXPECT_EQ(plain.status, 403);
  Response multipart = Post("/admin/library/references", editor,
                            Multipart({{"csrf", "wrong", ""}, {"data", "[{\"id\": \"z\"}]", ""}}), true);
  EXPECT_EQ(multipart.status, 403);
  Response none =
      Post("/admin/library/references", editor, Multipart({{"data", "[{\"id\": \"z\"}]", ""}}), true);
  EXPECT_EQ(none.status, 403);
  EXPECT_TRUE(Audit().empty());
}

TEST_F(LibraryPages, ServedAfterReload) {
  std::string writer = SignIn("writer@x.org");
  Response res = Post("/admin/library/images", writer,
                      Multipart({{"csrf", csrf_, ""},
                                 {"image", admin::SolidPng(600, 300), "hero.png"},
                                 {"alt", "Orange", ""},
                                 {"credit", "Test", ""}}),
                      true);
  ASSERT_EQ(res.status, 303) << res.Body();
  ASSERT_TRUE(app_->Reload().ok());
  Response image = Get("/images/hero-480.webp", "");
  EXPECT_EQ(image.status, 200);
  EXPECT_EQ(admin::DimensionsOf(image.Body()).height, 240);
}

}  // namespace
}  // namespace vetted::server
