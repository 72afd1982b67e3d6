"""The cockpit in Debian's Chromium (issue 14): one 1920×1080 screen for the leader with every chart drawn, the year
selector changing the figures, at most two screens at 1366×768; the print view and its PDF have the charts and no
table row cut across pages. Screenshots go to var/artefacts/cockpit/ (KEPU_ARTEFACTS overrides var/artefacts).

How "no row cut" is checked: (1) in print emulation every table row has break-inside: avoid and every thead repeats
(display: table-header-group), with @page A4 landscape in the stylesheet; (2) in the PDF that Chromium printed
(read by tests/browser/pdftext.py: each page's text through the fonts' ToUnicode maps), the text of every row of
every table is found whole on one page, and a table that runs over several pages repeats its header row there."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from .conftest import login
from .pdftext import Pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTEFACTS = Path(os.environ.get("KEPU_ARTEFACTS", settings.BASE_DIR / "var" / "artefacts")) / "cockpit"

CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-chart]')].map(el => ({
  name: el.dataset.chart, paths: el.querySelectorAll('svg path, svg text').length,
  width: el.getBoundingClientRect().width, height: el.getBoundingClientRect().height}))"""
SIZE = "() => ({scroll: document.documentElement.scrollHeight, height: window.innerHeight})"
ROWS = """() => [...document.querySelectorAll('main table')].map(t => ({
  head: [...t.querySelectorAll('thead th')].map(c => c.innerText.trim()).join(''),
  rows: [...t.querySelectorAll('tbody tr')].map(r => [...r.cells].map(c => c.innerText.trim()).join('')),
  breaks: [...t.querySelectorAll('tr')].map(r => getComputedStyle(r).breakInside),
  thead: t.tHead ? getComputedStyle(t.tHead).display : null}))"""


@pytest.fixture
def figures(leader_user):
    """全国科普日 2024 (武进 3 activities, 1,200 participants; 天宁 1, 70) and 2025 (武进 1, 111); a base."""
    from bases.models import Base, Certification
    from events.models import ActivityReturn, Campaign
    from indicators.services import run_rollup
    from programs.models import Region

    wujin, tianning = Region.objects.get(code="320412"), Region.objects.get(code="320402")
    days = {}
    for year in (2024, 2025):
        days[year] = Campaign.objects.create(
            name=f"{year}年全国科普日",
            year=year,
            kind="science_day",
            starts_on=dt.date(year, 9, 15),
            ends_on=dt.date(year, 9, 30),
            schedule_due=dt.date(year, 9, 12),
            summary_due=dt.date(year, 9, 25),
        )
    for n, (region, year, people) in enumerate([(wujin, 2024, 400)] * 3 + [(tianning, 2024, 70), (wujin, 2025, 111)]):
        ActivityReturn.objects.create(
            region=region,
            status="approved",
            report_status="approved",
            title=f"驾驶舱测试活动{n}",
            starts_on=dt.date(year, 9, 16),
            ends_on=dt.date(year, 9, 16),
            actual_participants=people,
            campaign=days[year],
        )
    base = Base.objects.create(name="驾驶舱测试基地", region=wujin)
    Certification.objects.create(
        base=base,
        level="provincial",
        certified_on=dt.date(2022, 1, 1),
        valid_until=dt.date(2027, 1, 1),
        status="valid",
        certificate_no="T-cockpit",
    )
    run_rollup()
    return leader_user


def _open(browser, live_server, user, width, height):
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height})
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.base = live_server.url
    login(page, user)
    return context, page


def _charts_drawn(page):
    charts = page.evaluate(CHARTS_DRAWN)
    assert charts, "no chart container"
    empty = [c for c in charts if c["paths"] == 0 or c["width"] < 50 or c["height"] < 50]
    assert empty == [], f"charts not drawn: {empty}"
    return charts


def test_the_cockpit_is_one_screen_at_1920_and_its_year_selector_changes_the_figures(
    browser, require_chromium, live_server, figures
):
    context, page = _open(browser, live_server, figures, 1920, 1080)
    try:
        page.goto(page.base + "/indicators/cockpit/?year=2024")
        page.wait_for_selector("[data-charts-drawn]")
        size = page.evaluate(SIZE)
        assert size["scroll"] <= size["height"], f"the cockpit scrolls: {size}"
        assert {c["name"] for c in _charts_drawn(page)} == {"literacy", "campaign_history", "activities_month"}
        assert page.inner_text("[data-testid=key-value-activities]").startswith("4")
        assert "1,270" in page.inner_text("[data-testid=key-value-activity_participants]")
        assert page.locator("[data-testid=ranking] [data-laggard]").count() >= 2
        assert page.locator("[data-testid=tile-map] .tile").count() == 7
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTEFACTS / "cockpit-1920x1080.png"))
        with page.expect_navigation():
            page.select_option("[data-testid=year-select]", "2025")
        assert "year=2025" in page.url
        page.wait_for_selector("[data-charts-drawn]")
        assert page.inner_text("[data-testid=key-value-activities]").startswith("1")
        assert "111" in page.inner_text("[data-testid=key-value-activity_participants]")
        size = page.evaluate(SIZE)
        assert size["scroll"] <= size["height"], f"the cockpit scrolls in 2025: {size}"
        _charts_drawn(page)
    finally:
        context.close()


def test_the_cockpit_scrolls_at_most_one_screen_at_1366(browser, require_chromium, live_server, figures):
    context, page = _open(browser, live_server, figures, 1366, 768)
    try:
        page.goto(page.base + "/indicators/cockpit/?year=2024")
        page.wait_for_selector("[data-charts-drawn]")
        size = page.evaluate(SIZE)
        assert size["scroll"] <= 2 * size["height"], f"more than two screens: {size}"
        _charts_drawn(page)
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTEFACTS / "cockpit-1366x768.png"), full_page=True)
    finally:
        context.close()


def _rows_whole_on_one_page(tables, texts):
    """Read the PDF's pages in order with a cursor: each row of each table (in document order) must be found whole
    on one page after the previous row; on every page a table's rows reach, its header row precedes them."""
    flat = [re.sub(r"\s+", "", t) for t in texts]
    page, at = 0, 0
    for table in tables:
        head = re.sub(r"\s+", "", table["head"])
        seen = set()
        for row in table["rows"]:
            key = re.sub(r"\s+", "", row)
            while page < len(flat) and flat[page].find(key, at) < 0:
                page, at = page + 1, 0
            assert page < len(flat), f"row {row!r} is not whole on one page (cut across pages?)"
            start = flat[page].find(key, at)
            if page not in seen and head:
                assert head in flat[page][:start], f"page {page + 1}: header {table['head']!r} not repeated"
                seen.add(page)
            at = start + len(key)


@pytest.mark.parametrize(
    "print_url, pdf_url, min_pages",
    [
        ("/indicators/print/?year=2024", "/indicators/print.pdf?year=2024", 2),
        ("/indicators/cockpit/print/?year=2024", "/indicators/cockpit.pdf?year=2024", 1),
    ],
)
def test_the_print_view_and_its_pdf_have_the_charts_and_no_row_cut_across_pages(
    browser, require_chromium, live_server, figures, print_url, pdf_url, min_pages
):
    context, page = _open(browser, live_server, figures, 1280, 900)
    try:
        page.goto(page.base + print_url)
        page.wait_for_selector("[data-charts-drawn]")
        _charts_drawn(page)
        svg_paths = page.locator("[data-chart] svg path").count()
        assert svg_paths > 20
        page.emulate_media(media="print")
        tables = page.evaluate(ROWS)
        assert tables and all(set(t["breaks"]) == {"avoid"} for t in tables), tables
        assert all(t["thead"] == "table-header-group" for t in tables if t["thead"])
        css = page.evaluate(
            "() => [...document.styleSheets].flatMap(s => { try { return [...s.cssRules] } "
            "catch (e) { return [] } }).map(r => r.cssText).join('\\n')"
        )
        pages_css = " ".join(re.findall(r"@page[^}]*", css))
        assert re.search(r"@page\s*\{[^}]*size:\s*A4 landscape", css, re.I), f"no A4 landscape: {pages_css}"
        response = page.request.get(page.base + pdf_url)
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
        pdf = Pdf(response.body())
        pages = pdf.pages()
        assert len(pages) >= min_pages
        texts = [pdf.text(p) for p in pages]
        assert all("常州市全民科学素质工作领导小组办公室" in t and "第" in t for t in texts), "a page lacks its header"
        # the charts are vector drawings: many path operators on the pages that hold them, beyond table borders
        assert sum(pdf.drawing_operators(p) for p in pages) > 500
        assert "2025年目" in "".join(texts) or "国家级" in "".join(texts)  # chart labels were drawn as text
        _rows_whole_on_one_page(tables, texts)
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        (ARTEFACTS / pdf_url.split("?")[0].rsplit("/", 1)[-1]).write_bytes(response.body())
    finally:
        context.close()
