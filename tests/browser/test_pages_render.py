"""Pages render Chinese with real CJK glyphs, and the CSP blocks nothing the portal needs."""

import subprocess

import pytest

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEASURE = """(args) => {
  const [text, font] = args;
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d');
  ctx.font = '32px ' + font;
  return ctx.measureText(text).width;
}"""


def test_chinese_text_is_drawn_with_cjk_glyphs_not_tofu(page, wujin_user):
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    assert fonts.strip(), "no font with Chinese glyphs installed (apt-get install -y fonts-noto-cjk)"
    login(page, wujin_user)
    heading = page.locator(".navbar-brand")
    assert "科普工作管理平台" in heading.inner_text()
    box = heading.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 10
    font = page.evaluate("() => getComputedStyle(document.querySelector('.navbar-brand')).fontFamily")
    # With a CJK font each ideograph is drawn at its own shape; without one Chromium draws the same
    # fallback box for every character. Two different ideograph strings must differ pixel by pixel,
    # and an ideograph must be about one em wide (a tofu box or nothing is narrower).
    one = page.evaluate(MEASURE, ["科", font])
    assert 24 <= one <= 40, f"an ideograph is {one:.1f}px wide at 32px"
    shot_a = render(page, "科普工作")
    shot_b = render(page, "管理平台")
    assert shot_a != shot_b, "different characters render identically (tofu boxes)"
    screenshot = heading.screenshot()
    assert len(screenshot) > 1000


def render(page, text: str) -> bytes:
    page.evaluate(
        """(t) => {
      let el = document.getElementById('glyph-probe');
      if (!el) { el = document.createElement('div'); el.id = 'glyph-probe'; document.body.prepend(el); }
      el.textContent = t; el.className = 'fs-1 d-inline-block bg-white text-dark';
    }""",
        text,
    )
    return page.locator("#glyph-probe").screenshot()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/plan/",
        "/plan/units/",
        "/audit/",
        "/admin/",
        "/admin/programs/task/",
        "/api/docs/",
        "/bases/",
        "/events/",
        "/events/review/",
        "/plan/reports/",
        "/indicators/",
        "/indicators/print/",
        "/indicators/cockpit/",
        "/indicators/cockpit/print/",
    ],
)
def test_pages_load_their_scripts_and_styles_with_no_csp_violation(page, office_user, path):
    login(page, office_user)
    page.goto(page.base + path)
    page.wait_for_load_state("networkidle")
    assert page.csp_violations == [], page.csp_violations
    if path == "/api/docs/":
        page.wait_for_selector(".swagger-ui .information-container", timeout=15_000)  # Swagger UI ran
    else:
        # Bootstrap's stylesheet applied (a style-src violation would leave the page unstyled)
        assert page.evaluate("() => getComputedStyle(document.body).margin") == "0px"


def test_the_dashboard_draws_every_chart_with_echarts(page, leader_user):
    """Each chart container gets an ECharts SVG, from the vendored script, with the literacy target line."""
    from indicators.services import run_rollup

    run_rollup(trigger="test")  # the plan's literacy observations (10.3, 15.2, 17) become values
    login(page, leader_user)
    page.goto(page.base + "/indicators/")
    page.wait_for_load_state("networkidle")
    charts = page.locator("[data-chart]")
    assert charts.count() >= 4
    for i in range(charts.count()):
        charts.nth(i).locator("svg").first.wait_for(timeout=10_000)
    literacy = page.locator("[data-chart=literacy]").inner_html()
    assert "21.5" in literacy  # the 2025 target line is drawn and labelled, not only listed in the table
    assert page.csp_violations == [], page.csp_violations
