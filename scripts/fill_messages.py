#!/usr/bin/env python3
"""Fill the English catalogue's empty entries from other catalogues and from "msgid<TAB>English" lists.

Usage: .venv/bin/python scripts/fill_messages.py SOURCE [SOURCE ...]
A SOURCE ending in .po is used as a compendium as it is; any other file is read as lines "msgid<TAB>msgstr"
(backslash escapes \\n and \\t allowed). Existing translations in locale/en/LC_MESSAGES/django.po are kept; only
empty ones are filled (msgmerge --compendium, no fuzzy matching); makemessages' fuzzy guesses are emptied
first. Run `make messages` after, to compile.

Used after merging branches that each added messages: take one side's django.po, run makemessages, then fill from
the other side's django.po and the lists the branches wrote. Standard library plus gettext's msgmerge only.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"
HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def _unescape(text: str) -> str:
    return text.replace("\\n", "\n").replace("\\t", "\t")


def tsv_to_po(path: Path) -> str:
    out = [HEADER]
    for line in path.read_text(encoding="utf-8").splitlines():
        if "\t" not in line or line.startswith("#"):
            continue
        msgid, msgstr = line.split("\t", 1)
        out.append(f"msgid {quote(_unescape(msgid))}\nmsgstr {quote(_unescape(msgstr.strip()))}\n\n")
    return "".join(out)


def main(sources: list[str]) -> int:
    if not sources:
        print(__doc__)
        return 2
    # makemessages guesses ("fuzzy") a translation for a new message from a similar old one: drop the guesses
    subprocess.run(["msgattrib", "--clear-fuzzy", "--empty", "-o", str(PO), str(PO)], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        args = []
        for i, source in enumerate(map(Path, sources)):
            if source.suffix == ".po":
                args.append(f"--compendium={source}")
            else:
                converted = Path(tmp) / f"list{i}.po"
                converted.write_text(tsv_to_po(source), encoding="utf-8")
                args.append(f"--compendium={converted}")
        subprocess.run(
            ["msgmerge", "--quiet", "--no-fuzzy-matching", *args, "-o", str(PO), str(PO), str(PO)], check=True
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
