#!/usr/bin/env bash
# `make demo`: one newsroom account per role in the demo database, with random
# passwords, printed at the end. The passwords are kept beside the database
# (DB.accounts.txt, readable by you only) so that a second `make demo` prints
# them again. A demo convenience only: real accounts get one-time passwords
# from `vetted user add` and choose their own at the first sign-in.
set -euo pipefail
VETTED=${1:?usage: demo-accounts.sh VETTED DB}
DB=${2:?usage: demo-accounts.sh VETTED DB}
KEPT="$DB.accounts.txt"
umask 077
# A database made anew (or a list from another one): make the accounts again.
if [[ -s "$KEPT" ]] && ! "$VETTED" user list --db "$DB" 2>/dev/null | grep -q '^demo-writer@example.org '; then
  rm -f "$KEPT"
fi
# Each account is linked to a person of demo/people, whose name the pages show
# (a reviewer must be linked to approve: the page names the approving person).
declare -A PERSON=([writer]=maya-okafor [reviewer]=priya-nair [editor]=lena-brooks [admin]=)
if [[ ! -s "$KEPT" ]]; then
  : >"$KEPT"
  for role in writer reviewer editor admin; do
    # 4 groups of 4 letters and digits: about 80 bits.
    password=$(set +o pipefail; LC_ALL=C tr -dc 'abcdefghjkmnpqrstuvwxyz23456789' </dev/urandom | head -c 16 |
      sed 's/..../&-/g; s/-$//')
    email="demo-$role@example.org"
    if printf '%s\n' "$password" | "$VETTED" user add "$email" --role "$role" ${PERSON[$role]:+--person "${PERSON[$role]}"} \
      --password-stdin --db "$DB" >/dev/null; then
      printf '%-8s  %-28s  %s\n' "$role" "$email" "$password" >>"$KEPT"
    fi
  done
fi
echo
echo "Newsroom accounts of the demo (sign in at http://${LISTEN:-127.0.0.1:8080}/admin/login):"
printf '%-8s  %-28s  %s\n' "role" "email" "password"
cat "$KEPT"
echo
