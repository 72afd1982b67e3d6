"""Just enough PDF reading for the print tests (no PDF library is a dependency): the pages of a PDF written by
Chromium (Skia), the text of each page (fonts' ToUnicode maps, ActualText spans) and its vector drawing operators."""

from __future__ import annotations

import re
import zlib

_OBJ = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_REF = rb"(\d+) 0 R"


class Pdf:
    def __init__(self, data: bytes):
        assert data.startswith(b"%PDF"), "not a PDF"
        self.objects = {int(n): body for n, body in _OBJ.findall(data)}
        self._cmaps: dict[int, tuple[int, dict[bytes, str]]] = {}

    def stream(self, num: int) -> bytes:
        body = self.objects[num]
        m = _STREAM.search(body)
        if not m:
            return b""
        raw = m.group(1)
        return zlib.decompress(raw) if b"/FlateDecode" in body[: m.start()] else raw

    def pages(self) -> list[int]:
        kids = []
        for body in self.objects.values():
            listed = re.search(rb"/Kids\s*\[(.*?)\]", body, re.S)
            if re.search(rb"/Type\s*/Pages\b", body) and listed:
                kids += [int(k) for k in re.findall(_REF, listed.group(1))]
        return kids

    def content(self, page: int) -> bytes:
        body = self.objects[page]
        m = re.search(rb"/Contents\s*(\[.*?\]|\d+ 0 R)", body, re.S)
        return b"".join(self.stream(int(n)) for n in re.findall(_REF, m.group(1))) if m else b""

    def _fonts(self, page: int) -> dict[bytes, int]:
        body = self.objects[page]
        res = re.search(rb"/Resources\s*(\d+) 0 R", body)
        if res:
            body = self.objects[int(res.group(1))]
        m = re.search(rb"/Font\s*<<(.*?)>>", body, re.S)
        return {name: int(ref) for name, ref in re.findall(rb"/(\w+)\s+(\d+) 0 R", m.group(1))} if m else {}

    def _cmap(self, font: int) -> tuple[int, dict[bytes, str]]:
        if font not in self._cmaps:
            m = re.search(rb"/ToUnicode\s+" + _REF, self.objects[font])
            width, table = 1, {}
            if m:
                text = self.stream(int(m.group(1)))
                cs = re.search(rb"begincodespacerange\s*<([0-9A-Fa-f]+)>", text)
                width = len(cs.group(1)) // 2 if cs else 1
                for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
                    for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                        table[bytes.fromhex(src.decode())] = bytes.fromhex(dst.decode()).decode("utf-16-be")
                for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
                    for lo, hi, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                        start, end, first = int(lo, 16), int(hi, 16), int(dst, 16)
                        for code in range(start, end + 1):
                            table[code.to_bytes(width, "big")] = chr(first + code - start)
            self._cmaps[font] = (width, table)
        return self._cmaps[font]

    def text(self, page: int) -> str:
        """The page's text in drawing order (each BT … ET block on its own line)."""
        fonts, out = self._fonts(page), []
        font, actual, in_span = None, None, False
        token = re.compile(
            rb"/(\w+)\s+[\d.]+\s+Tf|/Span\s*<<\s*/ActualText\s*<([0-9A-Fa-f]+)>\s*>>\s*BDC|(EMC)"
            rb"|<([0-9A-Fa-f]*)>\s*Tj|\[(.*?)\]\s*TJ|(ET)"
        )
        for m in token.finditer(self.content(page)):
            name, span, emc, hexstr, array, et = m.groups()
            if name is not None:
                font = fonts.get(name)
            elif span is not None:
                actual, in_span = bytes.fromhex(span.decode()).decode("utf-16"), True
                out.append(actual)
            elif emc is not None:
                in_span = False
            elif et is not None:
                out.append("\n")
            elif not in_span and font is not None:
                width, table = self._cmap(font)
                for h in [hexstr] if hexstr is not None else re.findall(rb"<([0-9A-Fa-f]*)>", array):
                    raw = bytes.fromhex(h.decode())
                    out += [table.get(raw[i : i + width], "") for i in range(0, len(raw), width)]
        return "".join(out)

    def drawing_operators(self, page: int) -> int:
        """Path construction and painting operators (re, m, l, c … f, S): vector graphics on the page."""
        return len(re.findall(rb"(?:^|\s)(?:re|m|l|c)\s", self.content(page)))

    def images(self) -> int:
        return sum(1 for body in self.objects.values() if re.search(rb"/Subtype\s*/Image", body))
