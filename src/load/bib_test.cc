// CSL-JSON, BibTeX and RIS readers.
#include <gtest/gtest.h>

#include "load/load.h"

namespace vetted::load {
namespace {

// One reference flattened to "field=value" pairs for table-driven comparison.
std::string Flat(const Reference& r) {
  auto names = [](const std::vector<Name>& list) {
    std::string out;
    for (const auto& n : list) {
      if (!out.empty()) out += "; ";
      out += n.literal.empty() ? n.family + ", " + n.given : "{" + n.literal + "}";
    }
    return out;
  };
  std::string out = "id=" + r.id + " type=" + r.type;
  auto add = [&](const char* key, const std::string& v) {
    if (!v.empty()) out += std::string(" ") + key + "=" + v;
  };
  add("author", names(r.authors));
  add("editor", names(r.editors));
  add("title", r.title);
  add("container", r.container_title);
  add("short", r.container_title_short);
  add("collection", r.collection_title);
  add("publisher", r.publisher);
  add("place", r.publisher_place);
  add("edition", r.edition);
  add("volume", r.volume);
  add("issue", r.issue);
  add("page", r.page);
  add("number", r.number);
  add("doi", r.doi);
  add("url", r.url);
  add("pmid", r.pmid);
  add("issued", r.issued.Iso());
  add("accessed", r.accessed.Iso());
  out += " line=" + std::to_string(r.pos.line);
  return out;
}

using Parser = std::vector<Reference> (*)(std::string_view, const std::string&, std::vector<Diagnostic>&);

struct BibCase {
  const char* name;
  Parser parse;
  const char* text;
  std::vector<std::string> refs;         // Flat() of each reference
  std::vector<std::string> diagnostics;  // FormatDiagnostic of each
};

class BibliographyTest : public testing::TestWithParam<BibCase> {};

TEST_P(BibliographyTest, Parses) {
  std::vector<Diagnostic> diags;
  auto refs = GetParam().parse(GetParam().text, "refs", diags);
  std::vector<std::string> flat, messages;
  for (const auto& r : refs) {
    EXPECT_EQ(r.pos.file, "refs");
    flat.push_back(Flat(r));
  }
  for (const auto& d : diags) {
    EXPECT_EQ(d.stage, "load");
    messages.push_back(FormatDiagnostic(d));
  }
  EXPECT_EQ(flat, GetParam().refs);
  EXPECT_EQ(messages, GetParam().diagnostics);
}

INSTANTIATE_TEST_SUITE_P(
    CslJson, BibliographyTest,
    testing::Values(
        BibCase{
            "csl_types",
            ParseCslJson,
            R"([
  {"id": "art", "type": "article-journal", "title": "Tears after sex",
   "author": [{"family": "Smith", "given": "Jane"}, {"family": "Gogh", "given": "Vincent",
               "non-dropping-particle": "van"}],
   "container-title": "Journal of Sexual Medicine", "journalAbbreviation": "J Sex Med",
   "volume": 12, "issue": "3", "page": "10-19", "DOI": "10.1/x", "PMID": "123",
   "issued": {"date-parts": [[2018, 4, 2]]}},
  {"id": "bk", "type": "book", "title": "Sex", "editor": [{"literal": "WHO"}],
   "publisher": "Oxford University Press", "publisher-place": "Oxford", "edition": "2",
   "issued": {"date-parts": [["2001"]]}},
  {"id": "ch", "type": "chapter", "title": "Crying", "container-title": "Emotions",
   "collection-title": "Series", "issued": {"raw": "1999-05"}},
  {"id": "web", "type": "webpage", "title": "Help", "URL": "https://example.org/",
   "issued": {"literal": "2022"}, "accessed": {"date-parts": [[2024, 1, 5]]}},
  {"id": 77, "type": "report", "number": "TR-1", "container-title-short": "Rep"}
])",
            {"id=art type=article-journal author=Smith, Jane; van Gogh, Vincent title=Tears after sex "
             "container=Journal of Sexual Medicine short=J Sex Med volume=12 issue=3 page=10-19 doi=10.1/x "
             "pmid=123 issued=2018-04-02 line=2",
             "id=bk type=book editor={WHO} title=Sex publisher=Oxford University Press place=Oxford "
             "edition=2 "
             "issued=2001 line=8",
             "id=ch type=chapter title=Crying container=Emotions collection=Series issued=1999-05 line=11",
             "id=web type=webpage title=Help url=https://example.org/ issued=2022 accessed=2024-01-05 "
             "line=13",
             "id=77 type=report short=Rep number=TR-1 line=15"},
            {}},
        BibCase{"csl_missing_id",
                ParseCslJson,
                "[\n {\"title\": \"x\"},\n {\"id\": \"ok\"}\n]",
                {"id=ok type=article-journal line=3"},
                {"refs:2: error: CSL item without an `id` [bibliography-syntax]"}},
        BibCase{"csl_syntax",
                ParseCslJson,
                "[\n {\"id\": \"a\",\n  \"title\": }\n]",
                {},
                {"refs:3: error: invalid JSON: [json.exception.parse_error.101] parse error at line 3, "
                 "column 12: "
                 "syntax error while parsing value - unexpected '}'; expected '[', '{', or a literal "
                 "[bibliography-syntax]"}},
        BibCase{"csl_not_array",
                ParseCslJson,
                "{\"id\": \"a\"}",
                {},
                {"refs:1: error: CSL-JSON must be an array of items [bibliography-syntax]"}}),
    [](const auto& info) { return std::string(info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    Bibtex, BibliographyTest,
    testing::Values(
        BibCase{"bibtex_types",
                ParseBibtex,
                R"(% a comment line
@string{jsm = "Journal of Sexual Medicine"}
@article{smith2018,
  author  = {Smith, Jane and M{\"u}ller, J{\"o}rg and {World Health Organization} and Anne-Marie de la Cruz},
  title   = {Postcoital {Dysphoria}: tears \& sadness -- a study},
  journal = jsm,
  shortjournal = {J Sex Med},
  year    = 2018, month = apr,
  volume  = "15", number = {4},
  pages   = {503--512},
  doi     = {https://doi.org/10.1016/j.jsxm.2018.01.019},
}
@book{book1, author = "Nagoski, Emily", title = "Come as You Are", publisher = {Simon {\&} Schuster},
  address = {New York}, edition = {2}, year = {2021}}
@incollection{chap1,
  author = {Doe, John}, editor = {Roe, Richard and Poe, Edgar Allan},
  title = {Sex and emotion}, booktitle = {Handbook of {Emotions}},
  publisher = {Guilford}, pages = {1--20}, year = {2016}, series = {Clinical guides}
}
@techreport(rep1, author = {{National Institute for Health and Care Excellence}},
  title = {Depression in adults}, institution = {NICE}, number = {NG222}, year = {2022},
  url = {https://www.nice.org.uk/guidance/ng222})
@online{web1, title = {Caf\'e \c{c}a va}, url = {https://example.org/a_b~c}, urldate = {2024-02-03},
  organization = {Mind}, date = {2023-11}}
@misc{misc1, title = {Notes}, year = {2020}}
@comment{ignored @article{not, title = {x}} }
)",
                {"id=smith2018 type=article-journal author=Smith, Jane; Müller, Jörg; {World Health "
                 "Organization}; "
                 "de la Cruz, Anne-Marie title=Postcoital Dysphoria: tears & sadness \u2013 a study "
                 "container=Journal of Sexual Medicine short=J Sex Med volume=15 issue=4 page=503-512 "
                 "doi=10.1016/j.jsxm.2018.01.019 issued=2018-04 line=3",
                 "id=book1 type=book author=Nagoski, Emily title=Come as You Are publisher=Simon & Schuster "
                 "place=New York edition=2 issued=2021 line=13",
                 "id=chap1 type=chapter author=Doe, John editor=Roe, Richard; Poe, Edgar Allan title=Sex and "
                 "emotion "
                 "container=Handbook of Emotions collection=Clinical guides publisher=Guilford page=1-20 "
                 "issued=2016 line=15",
                 "id=rep1 type=report author={National Institute for Health and Care Excellence} "
                 "title=Depression in adults publisher=NICE number=NG222 "
                 "url=https://www.nice.org.uk/guidance/ng222 "
                 "issued=2022 line=20",
                 "id=web1 type=webpage title=Café ça va container=Mind url=https://example.org/a_b~c "
                 "issued=2023-11 accessed=2024-02-03 line=23",
                 "id=misc1 type=document title=Notes issued=2020 line=25"},
                {}},
        BibCase{"bibtex_error_recovers",
                ParseBibtex,
                "@article{bad,\n  title = {x},\n  year 2020\n}\n@book{good, title = {Fine}}\n",
                {"id=good type=book title=Fine line=5"},
                {"refs:3: error: expected '=' after field `year` [bibliography-syntax]"}},
        BibCase{"bibtex_unterminated",
                ParseBibtex,
                "@article{a,\n title = {open\n",
                {},
                {"refs:2: error: unterminated field value [bibliography-syntax]"}}),
    [](const auto& info) { return std::string(info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    Ris, BibliographyTest,
    testing::Values(
        BibCase{
            "ris_types",
            ParseRis,
            "TY  - JOUR\nAU  - Smith, Jane\nAU  - Lee, K.\nTI  - Tears after sex\nT2  - Journal of Sexual "
            "Medicine\nJ2  - J Sex Med\nPY  - 2018/04/02/\nVL  - 15\nIS  - 4\nSP  - 503\nEP  - 512\n"
            "DO  - 10.1/x\nER  - \n\n"
            "TY  - BOOK\nID  - nagoski\nA1  - Nagoski, Emily\nT1  - Come as You Are\nPB  - Simon & Schuster\n"
            "CY  - New York\nET  - 2\nPY  - 2021\nER  - \n"
            "TY  - CHAP\nAU  - Doe, John\nA2  - Roe, Richard\nTI  - Sex and emotion\nT2  - Handbook\n"
            "T3  - Guides\nSP  - 1\nEP  - 20\nPY  - 2016\nER  - \n"
            "TY  - RPRT\nAU  - National Institute for Health and Care Excellence\nTI  - Depression\n"
            "PB  - NICE\nM1  - NG222\nDA  - 2022/06\nER  - \n"
            "TY  - ELEC\nTI  - Help\nUR  - https://example.org/\nY2  - 2024/01/05\nER  - \n",
            {"id=smith2018 type=article-journal author=Smith, Jane; Lee, K. title=Tears after sex "
             "container=Journal of Sexual Medicine short=J Sex Med volume=15 issue=4 page=503-512 doi=10.1/x "
             "issued=2018-04-02 line=1",
             "id=nagoski type=book author=Nagoski, Emily title=Come as You Are publisher=Simon & Schuster "
             "place=New York edition=2 issued=2021 line=15",
             "id=doe2016 type=chapter author=Doe, John editor=Roe, Richard title=Sex and emotion "
             "container=Handbook collection=Guides page=1-20 issued=2016 line=24",
             "id=nationalinstitutefor2022 type=report author={National Institute for Health and Care "
             "Excellence} title=Depression publisher=NICE number=NG222 issued=2022-06 line=34",
             "id=help type=webpage title=Help url=https://example.org/ accessed=2024-01-05 line=41"},
            {}},
        BibCase{"ris_same_author_year",
                ParseRis,
                "TY  - JOUR\nAU  - Smith, J\nPY  - 2020\nER  - \nTY  - JOUR\nAU  - Smith, K\nPY  - 2020\nER  "
                "- \n",
                {"id=smith2020 type=article-journal author=Smith, J issued=2020 line=1",
                 "id=smith2020a type=article-journal author=Smith, K issued=2020 line=5"},
                {}},
        BibCase{"ris_unclosed",
                ParseRis,
                "TY  - JOUR\nTI  - A\nTY  - BOOK\nTI  - B\nER  -\nVL  - 3\n",
                {"id=b type=book title=B line=3"},
                {"refs:1: error: RIS record is not closed by `ER  -` [bibliography-syntax]",
                 "refs:6: error: RIS tag `VL` outside a record (records start with `TY  -`) "
                 "[bibliography-syntax]"}}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace vetted::load
