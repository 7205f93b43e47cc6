// `vetted new DIR`: writes a small working site whose comments teach the format.
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "model/status.h"

namespace vetted::cli {
namespace fs = std::filesystem;
namespace {

struct StarterFile {
  const char* path;
  const char* text;
};

// The starter site. Every person in it is invented; the source is real.
const std::vector<StarterFile>& StarterFiles() {
  static const std::vector<StarterFile> files = {
      {"site.toml", R"(# Settings for the whole site (TOML). Only `title` and `base_url` are required.
title = "Example Health"
# The address the site will be served at; every link and the sitemap use it.
# A site served under a path works too: "https://example.org/health/".
base_url = "http://127.0.0.1:8080/"
language = "en"
# How long a medical review stays current before "Next review due" passes.
review_interval = "2 years"
# Who the articles are written for: patient or clinician.
audience = "patient"
# Shown above every list of sources.
sourcing_policy = "We use peer-reviewed studies and trusted public health bodies, and a medical reviewer checks every article."
)"},
      {"content/sleep/_section.md", R"(---
# A folder under content/ is a section; its path is the breadcrumb. This optional file gives it a title,
# a description and an introduction (the body below).
title: Sleep
description: Practical, evidence-based help with sleeping well.
---

How much sleep you need, why it matters and what helps when it does not come easily.
)"},
      {"content/sleep/how-much-sleep-do-adults-need.md", R"(---
# Front matter (YAML) between the two --- lines. Required: title, description, authors, published.
# Quote a value that contains ": " (a colon and a space).
title: "How much sleep do adults need?"
description: "Most adults need at least 7 hours of sleep a night. Here is why, and what helps."
# People are files in people/: write their file names without .md.
authors: [alex-writer]
published: 2026-01-15
# Tags show related boxes (see callouts/get-help.md) and related articles.
tags: [sleep]
callouts: [get-help]
# Not medically reviewed yet: `vetted check` says so, and the page says so too. Once a medical reviewer has
# read this exact text, sign it:
#   vetted review sign content/sleep/how-much-sleep-do-adults-need.md --by sam-reviewer
# which adds an entry under `reviewers:` with the date and the revision (a hash of everything a reader sees).
# If the text changes afterwards, the page stops claiming the review until it is signed again.
---

Adults aged 18 to 60 need at least 7 hours of sleep a night [@cdc-sleep-amount]. Many get less, and it shows: in
mood, in concentration and, over years, in health.

## Why sleep matters

Regular short sleep is linked with a higher risk of high blood pressure, diabetes and depression
[@cdc-sleep-amount]. Sleep apnea, where breathing stops again and again during sleep, is one cause of poor sleep
that a doctor can treat.

## What helps

- Go to bed and get up at the same times every day, weekends included.
- Keep the bedroom dark, quiet and cool.
- Avoid caffeine late in the day.

Links to other articles use their URL or the path of their file; both are checked when the site is built.

## Takeaways

Aim for 7 hours or more. If you often feel tired however long you sleep, talk to a doctor.
)"},
      {"people/alex-writer.md", R"(---
# One file per person. `roles` can be writer, medical-reviewer, fact-checker, editor.
name: Alex Writer
roles: [writer]
title: Health writer
summary: Alex writes about sleep and everyday health.
---

The body is the full biography, shown on Alex's profile page.
)"},
      {"people/sam-reviewer.md", R"(---
# A medical reviewer needs the medical-reviewer role and credentials; both are checked.
name: Sam Reviewer
credentials: MD
roles: [medical-reviewer]
title: Sleep medicine physician
summary: Sam is a physician who specialises in sleep disorders.
---

Sam reviews our sleep articles. Replace this invented person with your own reviewers.
)"},
      {"references.json", R"([
  {
    "id": "cdc-sleep-amount",
    "type": "webpage",
    "title": "About sleep",
    "author": [{"literal": "Centers for Disease Control and Prevention"}],
    "container-title": "CDC",
    "URL": "https://www.cdc.gov/sleep/about/index.html",
    "issued": {"date-parts": [[2024, 5, 15]]},
    "accessed": {"date-parts": [[2026, 1, 10]]}
  }
]
)"},
      {"glossary.yaml", R"(# Terms explained inline on their first use in an article body.
sleep apnea:
  definition: A condition in which breathing stops and starts many times during sleep.
  aliases: [sleep apnoea]
)"},
      {"callouts/get-help.md", R"(---
# A reusable box. kind: help, crisis or note. `topics` shows it on articles with those tags;
# an article can also name it under `callouts:`.
title: Get help
kind: help
topics: [sleep]
---

If poor sleep affects your day, talk to a doctor or a pharmacist.
)"},
      {"pages/editorial-process.md", R"(---
title: Our editorial process
description: How we write, check and update our articles.
---

Every article is written by a health writer and checked by a medical reviewer before it is published. Each page
shows who reviewed it and when, and when the next review is due.
)"},
      {"pages/about.md", R"(---
title: About us
description: Who we are.
---

Example Health is a starter site made by `vetted new`. Replace this text with your own.
)"},
      {"static/README.txt", "Files here are copied to the built site as they are (images, downloads).\n"},
  };
  return files;
}

Status WriteNew(const fs::path& path, const std::string& text) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return Status::Io("cannot create " + path.parent_path().string() + ": " + ec.message());
  std::FILE* f = std::fopen(path.c_str(), "wx");  // never overwrite
  if (f == nullptr) return Status::Io("cannot create " + path.string() + ": " + std::strerror(errno));
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) return Status::Io("cannot write " + path.string());
  return Status::Ok();
}

}  // namespace

int RunNew(const NewArgs& args) {
  const fs::path root(args.dir);
  std::error_code ec;
  if (fs::exists(root, ec) && !(fs::is_directory(root, ec) && fs::is_empty(root, ec))) {
    std::fprintf(stderr, "vetted new: %s already exists and is not an empty folder; choose a new name\n",
                 args.dir.c_str());
    return 2;
  }
  for (const auto& file : StarterFiles()) {
    if (Status ok = WriteNew(root / file.path, file.text); !ok.ok()) {
      std::fprintf(stderr, "vetted new: %s\n", ok.message().c_str());
      return 1;
    }
  }
  std::printf(
      "Created a new site in %s. Next:\n"
      "  vetted check %s                 # every problem, with file and line\n"
      "  vetted build %s -o public       # the static site\n"
      "  vetted import %s && vetted serve   # serve it on http://%s\n",
      args.dir.c_str(), args.dir.c_str(), args.dir.c_str(), args.dir.c_str(), server::kDefaultListen);
  return 0;
}

}  // namespace vetted::cli
