"""Reads the demo server's data for tests/schemathesis/run.sh (standard library only).

Usage: fixtures.py BASE_URL OUT_DIR STAFF_USER PASSWORD

Writes to OUT_DIR the dictionaries that schemathesis.toml points generated values at, so
that requests reach past "not found" into the handlers (libFuzzer format, one quoted
value a line):
  dossier-codes.dict       the codes and provisional references of STAFF_USER's dossiers,
                           and of three they do not see;
  applicant-secrets.dict   their applicants' phones and ID numbers (X-Applicant-Secret),
                           also apart: applicant-phones.dict, applicant-ids.dict;
  procedure-codes.dict     the catalogue's procedure codes;
  agency-codes.dict        the agencies in force;
and prints the bearer token of STAFF_USER. Other dossiers and applicants' details are read
with the demo's administrator (quantri), whose scope is the whole province. Values that
concern STAFF_USER come first in each file.
"""

import json
import sys
import urllib.request
from pathlib import Path


def call(base, path, token=None, body=None):
    req = urllib.request.Request(base + path, method="POST" if body is not None else "GET")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    data = None
    if body is not None:
        req.add_header("Content-Type", "application/json")
        data = json.dumps(body).encode()
    with urllib.request.urlopen(req, data, timeout=30) as resp:
        return json.load(resp)


def sign_in(base, user, password):
    return call(base, "/api/v1/auth/token", body={"username": user, "password": password})["token"]


def write(out, name, values):
    """One quoted value a line, first come first (deterministic generation favours the
    first entries), without repeats."""
    values = list(dict.fromkeys(v for v in values if v))
    if not values:
        sys.exit(f"fixtures: no values for {name}")
    lines = ['"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values]
    (out / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def pages(base, path, token=None):
    """Every item of a paginated list."""
    items, cursor = [], None
    while True:
        sep = "&" if "?" in path else "?"
        page = call(base, path + (f"{sep}cursor={cursor}" if cursor else ""), token)
        items += page["items"]
        cursor = page["next"]
        if not cursor:
            return items


def main():
    base, out, user, password = sys.argv[1].rstrip("/"), Path(sys.argv[2]), sys.argv[3], sys.argv[4]
    out.mkdir(parents=True, exist_ok=True)
    admin = sign_in(base, "quantri", password)
    staff = sign_in(base, user, password)
    # The staff member's dossiers first, then a few they may not see.
    mine = pages(base, "/api/v1/dossiers?limit=200", staff)
    seen = {d["reference"] for d in mine}
    others = [d for d in pages(base, "/api/v1/dossiers?limit=200", admin) if d["reference"] not in seen]
    dossiers = mine + others[:3]
    codes, phones, ids = [], [], []
    for d in dossiers:
        codes += [d["code"], d["reference"]]
        applicant = call(base, f"/api/v1/dossiers/{d['reference']}", admin)["applicant"]
        phones.append(applicant["phone"])
        ids.append(applicant["id_number"])
    # Their procedures and agencies first too.
    procedures = [d["procedure"]["code"] for d in mine] + [p["code"] for p in pages(base, "/api/v1/procedures?limit=100")]
    agencies = [g["agency"]["code"] for g in call(base, "/api/v1/me", staff)["grants"]] + [a["code"] for a in call(base, "/api/v1/agencies")]
    write(out, "dossier-codes.dict", codes)
    write(out, "applicant-secrets.dict", [x for pair in zip(phones, ids) for x in pair])
    write(out, "applicant-phones.dict", phones)
    write(out, "applicant-ids.dict", ids)
    write(out, "procedure-codes.dict", procedures)
    write(out, "agency-codes.dict", agencies)
    print(staff)


if __name__ == "__main__":
    main()
