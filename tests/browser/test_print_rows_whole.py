"""The print stylesheet keeps every table row whole on one page — shown on a table built to be cut: 60 rows of
three-line cells, printed by Debian's Chromium (indicators.pdf.html_to_pdf, as the PDF downloads are). With the
portal's print.css every row's text is found whole on one page and the header repeats; with the row rule taken out
of the same stylesheet, Chromium cuts rows across pages and the same check finds it — so the check in
test_cockpit_browser.py can fail."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from .pdftext import Pdf

pytestmark = [pytest.mark.browser]

PRINT_CSS = Path(settings.BASE_DIR) / "static" / "css" / "indicators" / "print.css"
LONG = "各镇街科普活动开展情况良好,参与群众踊跃,志愿者服务到位,新闻媒体报道及时,活动总结按时上传。" * 2


def _rows():
    return [(f"第{n:02d}行", f"{LONG}(编号{n:02d})") for n in range(1, 61)]


def _html(css: str) -> str:
    body = "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in _rows())
    return (
        f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><style>{css}"
        "td{font-size:14pt;width:40%;vertical-align:top}</style></head><body>"
        f"<table><thead><tr><th>行号</th><th>活动说明</th></tr></thead><tbody>{body}</tbody></table>"
        "</body></html>"
    )


def _cut_rows(pdf_bytes: bytes) -> list[str]:
    """The rows whose text is not found whole on any one page."""
    pdf = Pdf(pdf_bytes)
    pages = [re.sub(r"\s+", "", pdf.text(p)) for p in pdf.pages()]
    return [a for a, b in _rows() if not any(re.sub(r"\s+", "", a + b) in page for page in pages)]


def test_with_the_print_stylesheet_no_row_is_cut_and_without_it_rows_are(require_chromium):
    from indicators.pdf import html_to_pdf

    css = PRINT_CSS.read_text(encoding="utf-8")
    assert re.search(r"tr, td, th \{ break-inside: avoid", css)
    whole = html_to_pdf(_html(css))
    assert len(Pdf(whole).pages()) >= 3
    assert _cut_rows(whole) == []
    without = css.replace("tr, td, th { break-inside: avoid; page-break-inside: avoid; }", "")
    assert without != css
    assert _cut_rows(html_to_pdf(_html(without))), "Chromium cut no row even without the rule: the check proves nothing"
