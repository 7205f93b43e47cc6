// The admin stylesheet: the theme's colours and type (themes/default/style.css),
// calm and plain; served at /admin/admin.css (no inline styles: the CSP).
#include "server/admin/internal.h"

namespace vetted::server::admin {

std::string_view Stylesheet() {
  return R"css(:root {
  --text: #1d2125;
  --muted: #4a545e;
  --link: #0a58a8;
  --bg: #ffffff;
  --soft: #f6f7f8;
  --line: #d5dae0;
  --crisis-bg: #fdeeee;
  --crisis: #9b1c16;
  --ok-bg: #eef7f0;
  --ok: #1e6b3a;
  --focus: #b35c00;
}
* { box-sizing: border-box; }
body.admin {
  margin: 0;
  color: var(--text);
  background: var(--soft);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 1.0625rem;
  line-height: 1.5;
}
a { color: var(--link); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.admin-bar {
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  gap: 0.5rem 1.5rem;
  padding: 0.75rem 1.5rem;
  background: var(--bg);
  border-bottom: 1px solid var(--line);
}
.admin-brand { margin: 0; font-weight: 600; flex: 1; }
.admin-brand a { color: var(--text); text-decoration: none; }
.admin-nav ul { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; margin: 0; padding: 0; list-style: none; }
.admin-nav a { display: inline-block; padding: 0.25rem 0; }
.admin-who { margin: 0; color: var(--muted); }
.admin-logout { margin: 0; }
.admin-main {
  max-width: 44rem;
  margin: 2rem auto;
  padding: 1.5rem 2rem 2rem;
  background: var(--bg);
  border: 1px solid var(--line);
  border-radius: 6px;
}
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 1rem; }
.admin-form { display: grid; gap: 0.35rem; max-width: 24rem; }
.admin-form label { font-weight: 600; margin-top: 0.75rem; }
.admin-form input {
  font: inherit;
  padding: 0.5rem 0.6rem;
  border: 1px solid var(--muted);
  border-radius: 4px;
}
.admin-help { margin: 0; color: var(--muted); font-size: 0.95rem; }
button {
  font: inherit;
  padding: 0.5rem 1.1rem;
  color: #fff;
  background: var(--link);
  border: 1px solid var(--link);
  border-radius: 4px;
  cursor: pointer;
}
.admin-form button { margin-top: 1.25rem; justify-self: start; }
.admin-logout button { color: var(--link); background: var(--bg); }
.admin-alert {
  padding: 0.75rem 1rem;
  color: var(--crisis);
  background: var(--crisis-bg);
  border-left: 4px solid var(--crisis);
  border-radius: 4px;
}
.admin-ok {
  padding: 0.75rem 1rem;
  color: var(--ok);
  background: var(--ok-bg);
  border-left: 4px solid var(--ok);
  border-radius: 4px;
}
.admin-qr { display: block; margin: 1rem 0; max-width: 100%; height: auto; }
.admin-key { font-size: 1.1rem; letter-spacing: 0.05em; }
.admin-note {
  padding: 0.75rem 1rem;
  color: var(--ok);
  background: var(--ok-bg);
  border-left: 4px solid var(--ok);
  border-radius: 4px;
}
.admin-scroll { overflow-x: auto; }
.admin-table { width: 100%; border-collapse: collapse; margin: 1rem 0 2rem; }
.admin-table caption { text-align: left; color: var(--muted); padding-bottom: 0.5rem; }
.admin-table th, .admin-table td {
  text-align: left;
  vertical-align: top;
  padding: 0.4rem 0.5rem;
  border-bottom: 1px solid var(--line);
}
.admin-table tbody th { font-weight: normal; }
.admin-roles { border: 1px solid var(--line); border-radius: 4px; margin: 0.75rem 0 0; padding: 0.5rem 0.75rem; }
.admin-roles legend { font-weight: 600; padding: 0 0.25rem; }
.admin-check { display: flex; align-items: center; gap: 0.5rem; padding: 0.2rem 0; }
.admin-check label { font-weight: normal; margin: 0; }
.admin-facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
.admin-facts dt { font-weight: 600; }
.admin-facts dd { margin: 0; }
.admin-otp { border: 2px solid var(--ok); border-radius: 6px; padding: 0 1rem; margin: 1rem 0; }
)css";
}

}  // namespace vetted::server::admin
