"""Cells of an uploaded workbook that hold a formula but no computed result.

The imports read a workbook with openpyxl's data_only=True: each cell's stored result, never its formula.
Excel, WPS and LibreOffice store every formula's result when they save, but a file written by a program
(openpyxl, export tools) may carry the formula alone, and such a cell reads as empty — an import would then
say "此字段不能为空" about a cell the user sees filled in. `uncomputed_formulas` finds those cells so the
import can say what is wrong with them: a formula without a computed result, to be opened and saved in Excel
or pasted as values.

The first worksheet's XML is scanned directly (openpyxl does not tell a formula without a result from one
whose result is the empty text, t="str"); the upload has passed common.uploads.check_zip_container, so its
size is capped and its XML is known to parse without a DTD.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from xml.etree.ElementTree import ParseError

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _first_worksheet(archive: zipfile.ZipFile) -> str | None:
    """The part name of the workbook's first worksheet (chart sheets skipped, as openpyxl's worksheets[0])."""
    from defusedxml.ElementTree import fromstring

    targets = {}
    for rel in fromstring(archive.read("xl/_rels/workbook.xml.rels")).iter(f"{_PKG_REL}Relationship"):
        if rel.get("Type", "").endswith("/worksheet"):
            target = rel.get("Target", "")
            targets[rel.get("Id")] = (
                target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            )
    for sheet in fromstring(archive.read("xl/workbook.xml")).iter(f"{_MAIN}sheet"):
        if sheet.get(f"{_DOC_REL}id") in targets:
            return targets[sheet.get(f"{_DOC_REL}id")]
    return None


def _has_formula(archive: zipfile.ZipFile, part: str) -> bool:
    """Whether the part has a formula element at all, read in chunks (a sheet of results only is not parsed)."""
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def _scan(events, found: set[tuple[int, int]]) -> None:
    """Collect the uncomputed formula cells from iterparse's end events of a worksheet part."""
    from openpyxl.utils.cell import coordinate_to_tuple

    row = 0
    last_reference, since = None, 0  # a cell written without its reference is the one after the previous cell
    pending: list[int] = []  # the columns of such cells, whose row is known at the row's end
    for _event, element in events:
        tag = element.tag
        if tag.endswith("}c"):
            reference = element.get("r")
            if reference:
                last_reference, since = reference, 0
            else:
                since += 1
            formula = value = None
            for child in element:
                if child.tag.endswith("}f"):
                    formula = child
                elif child.tag.endswith("}v"):
                    value = child
            # t="str" with no text is a formula whose result is the empty text
            if formula is not None and (value is None or not value.text) and element.get("t") != "str":
                if reference:
                    found.add(coordinate_to_tuple(reference))
                else:
                    pending.append((coordinate_to_tuple(last_reference)[1] if last_reference else 0) + since)
            element.clear()
        elif tag.endswith("}row"):
            row = int(element.get("r") or row + 1)
            found.update((row, column) for column in pending)
            pending, last_reference, since = [], None, 0
            element.clear()


def uncomputed_formulas(data: bytes) -> set[tuple[int, int]]:
    """(row, column), both counted from 1, of the first worksheet's cells that have a formula and no result."""
    from defusedxml.ElementTree import iterparse

    found: set[tuple[int, int]] = set()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        part = _first_worksheet(archive)
        if part is None or not _has_formula(archive, part):
            return found
        with archive.open(part) as stream:
            _scan(iterparse(stream, forbid_dtd=True), found)
    except (KeyError, ValueError, zipfile.BadZipFile, ParseError):
        return set()  # openpyxl read the workbook; what cannot be asked of it here is not diagnosed
    return found


def cell_name(row: int, column: int) -> str:
    """Excel's name of a cell: (3, 5) → E3."""
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column)}{row}"
