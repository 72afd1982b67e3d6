#!/usr/bin/env python3
"""List the English catalogue's untranslated and fuzzy messages; exit 1 if there are any.

Usage: .venv/bin/python scripts/untranslated.py [path/to/django.po]

Prints one line per offending entry: "fuzzy" or "empty", the source reference, and the
msgid (with msgctxt, if any). Obsolete (#~) entries and the header are ignored.
Standard library only, so it can run in CI before anything is installed.
"""

import re
import sys
from pathlib import Path

DEFAULT_PO = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")\s*$')


def unquote(token):
    token = token.strip()
    if len(token) < 2 or token[0] != '"' or token[-1] != '"':
        raise ValueError(f"not a quoted string: {token!r}")
    body, out, i = token[1:-1], [], 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            out.append(ESCAPES.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(body[i])
            i += 1
    return "".join(out)


def entries(text):
    """Yield dicts with flags, refs, line and fields (keyword -> string) for each live entry."""
    entry = None
    last = None
    for lineno, raw in enumerate(text.splitlines() + [""], 1):
        line = raw.rstrip("\r")
        if not line.strip():
            if entry and entry["fields"]:
                yield entry
            entry, last = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "refs": [], "line": lineno, "fields": {}}
        if line.startswith("#~"):  # obsolete entry: ignore entirely
            entry["obsolete"] = True
            continue
        if line.startswith("#,"):
            entry["flags"].update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#:"):
            entry["refs"].extend(line[2:].split())
        elif line.startswith("#"):
            continue
        else:
            m = KEYWORD.match(line)
            if m:
                last = m.group(1)
                entry["fields"][last] = unquote(m.group(2))
            elif line.lstrip().startswith('"') and last:
                entry["fields"][last] += unquote(line)
            else:
                raise ValueError(f"line {lineno:d}: cannot parse {line!r}")
        if entry.get("obsolete"):
            entry["fields"] = {}


def main(argv):
    po = Path(argv[1]) if len(argv) > 1 else DEFAULT_PO
    if not po.is_file():
        print(f"missing {po}", file=sys.stderr)
        return 2
    bad = 0
    for e in entries(po.read_text(encoding="utf-8")):
        f = e["fields"]
        if f.get("msgid", "") == "" or "obsolete" in e:  # header / obsolete
            continue
        strs = [v for k, v in f.items() if k.startswith("msgstr")]
        fuzzy = "fuzzy" in e["flags"]
        if fuzzy or not strs or any(s == "" for s in strs):
            bad += 1
            label = "fuzzy" if fuzzy else "empty"
            where = e["refs"][0] if e["refs"] else f"{po.name}:{e['line']:d}"
            ctx = "[{}] ".format(f["msgctxt"]) if "msgctxt" in f else ""
            print("{}\t{}\t{}{}".format(label, where, ctx, f["msgid"].replace("\n", "\\n")))
    if bad:
        print(f"{bad:d} untranslated or fuzzy message(s) in {po}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
