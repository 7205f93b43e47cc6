// Helpers for the whole-program tests that speak HTTP to a `vetted serve`:
// one request per connection with its reply (status, head, body, cookies),
// form encoding, and a signed-in newsroom session speaking the JSON API.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "vetted_process.h"

namespace vetted::testing {

using Json = nlohmann::json;

// A newsroom account as the tests create it (`vetted user add`).
struct Account {
  std::string email, password, role, person;
};
struct Reply {
  int status = 0;
  std::string head, body;
  std::vector<std::string> Cookies() const {
    std::vector<std::string> out;
    std::regex re("\r\nSet-Cookie: ([^;\r\n]+)", std::regex::icase);
    for (auto it = std::sregex_iterator(head.begin(), head.end(), re); it != std::sregex_iterator(); ++it)
      out.push_back((*it)[1]);
    return out;
  }
};

inline std::string Dechunk(const std::string& s) {
  std::string out;
  size_t at = 0;
  while (at < s.size()) {
    size_t eol = s.find("\r\n", at);
    if (eol == std::string::npos) break;
    size_t n = std::stoul(s.substr(at, eol - at), nullptr, 16);
    if (n == 0) break;
    out += s.substr(eol + 2, n);
    at = eol + 2 + n + 2;
  }
  return out;
}

// One HTTP/1.1 request on a new connection (Connection: close).
inline Reply Http(int port, const std::string& method, const std::string& target,
                  const std::string& headers = "", const std::string& body = "") {
  Reply r;
  int fd = Connect(port);
  if (fd < 0) return r;
  std::string req =
      method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
      "\r\nConnection: close\r\n" + headers +
      (body.empty() && method == "GET" ? "" : "Content-Length: " + std::to_string(body.size()) + "\r\n") +
      "\r\n" + body;
  if (::write(fd, req.data(), req.size()) != static_cast<ssize_t>(req.size())) {
    close(fd);
    return r;
  }
  std::string out;
  char buf[8192];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  close(fd);
  size_t split = out.find("\r\n\r\n");
  if (out.size() < 12 || split == std::string::npos) return r;
  r.status = std::atoi(out.c_str() + 9);
  r.head = out.substr(0, split + 2);
  r.body = out.substr(split + 4);
  if (std::regex_search(r.head, std::regex("\r\nTransfer-Encoding: chunked", std::regex::icase)))
    r.body = Dechunk(r.body);
  return r;
}

inline std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += k + '=';
    for (unsigned char c : v) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
        out += static_cast<char>(c);
      } else {
        char hex[4];
        std::snprintf(hex, sizeof hex, "%%%02X", c);
        out += hex;
      }
    }
  }
  return out;
}

// A signed-in newsroom session speaking the JSON API.
class Client {
 public:
  Client(int port, const Account& a) : port_(port) {
    Reply form = Http(port, "GET", "/admin/login");
    std::smatch m;
    std::regex_search(form.body, m, std::regex("name=\"csrf\" value=\"([^\"]*)\""));
    std::string login_cookie = form.Cookies().empty() ? "" : form.Cookies()[0];
    Reply in = Http(
        port, "POST", "/admin/login",
        "Cookie: " + login_cookie + "\r\nContent-Type: application/x-www-form-urlencoded\r\n",
        FormEncode({{"csrf", m.size() > 1 ? m[1].str() : ""}, {"email", a.email}, {"password", a.password}}));
    EXPECT_EQ(in.status, 303) << a.email << "\n" << in.head << in.body.substr(0, 300);
    for (const auto& c : in.Cookies())
      if (c.find("session=") != std::string::npos && c.back() != '=') cookie_ = c;
    Reply s = Http(port, "GET", "/admin/api/session", "Cookie: " + cookie_ + "\r\n");
    EXPECT_EQ(s.status, 200) << a.email;
    csrf_ = Json::parse(s.body, nullptr, false).value("csrf", "");
  }
  const std::string& cookie() const { return cookie_; }
  const std::string& csrf() const { return csrf_; }
  Json Call(const std::string& method, const std::string& target, const Json& body, int want = 200) {
    Reply r =
        Http(port_, method, target,
             "Cookie: " + cookie_ + "\r\nX-CSRF-Token: " + csrf_ + "\r\nContent-Type: application/json\r\n",
             body.is_null() ? "" : body.dump());
    EXPECT_EQ(r.status, want) << method << " " << target << " " << body.dump() << "\n" << r.body;
    return Json::parse(r.body, nullptr, false);
  }

 private:
  int port_;
  std::string cookie_, csrf_;
};

}  // namespace vetted::testing
