"""The meeting brief 「全民科学素质工作进展情况」 (/indicators/brief.docx?date=): a Word document whose every figure
is the dashboard's for that day (issue 14 point 4). Read back with python-docx; wrong side refused; bad dates in
Chinese."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

MEETING = dt.date(2023, 8, 2)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _open(content: bytes):
    import docx

    return docx.Document(io.BytesIO(content))


def _text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def _int(text: str) -> int:
    return int(text.replace(",", ""))


MEETING_QUERY = f"?date={MEETING.isoformat()}"


def _brief(client, user, query=MEETING_QUERY):
    return client(user).get(reverse("indicators:brief") + query)


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())


def test_the_brief_for_the_meeting_day_says_what_the_dashboard_says_for_that_day(demo, client_for, leader_user):
    from indicators.dashboard import Dashboard
    from programs.models import Region

    response = _brief(client_for, leader_user)
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    document = _open(response.content)
    text = _text(document)
    assert "全民科学素质工作进展情况" in text and "截至2023年8月2日" in text

    city = Region.objects.city().get()
    board = Dashboard(leader_user, city, on=MEETING)  # the dashboard's selector for that day
    latest = {
        code: int(board.latest(code)[1] or 0)
        for code in (
            "bases_total",
            "bases_national",
            "bases_provincial",
            "bases_municipal",
            "activities_since_2021",
            "activity_participants_since_2021",
        )
    }

    bases = re.search(r"全市共有科普教育基地(\d+)家,其中国家级(\d+)家,省级(\d+)家,市级(\d+)家", text)
    assert [int(g) for g in bases.groups()] == [
        latest["bases_total"],
        latest["bases_national"],
        latest["bases_provincial"],
        latest["bases_municipal"],
    ]
    activities = re.search(
        r"自2021年以来,全市举办各类科普活动([\d,]+)项,参与公众达([\d.]+)万人次\(([\d,]+)人次\)", text
    )
    n, wan, people = _int(activities.group(1)), Decimal(activities.group(2)), _int(activities.group(3))
    assert n == latest["activities_since_2021"] and people == latest["activity_participants_since_2021"]
    assert wan == (Decimal(people) / 10000).quantize(Decimal("0.1"))
    literacy = re.search(r"我市具备科学素质的公民比例达([\d.]+)%\(来源:([^,]+),报告日期2023年8月2日\)", text)
    assert Decimal(literacy.group(1)) == board.latest("literacy_rate")[1]
    assert literacy.group(2).endswith("领导小组会议材料")  # no seed number, no empty brackets left by the date
    overdue = re.search(r"逾期未报:活动安排表/总结(\d+)份,成员单位工作报告(\d+)份", text)
    assert [int(g) for g in overdue.groups()] == [board.overdue()["returns"], board.overdue()["reports"]]

    # the three figures of seed 000
    assert (latest["bases_total"], latest["bases_national"], latest["bases_provincial"]) == (274, 16, 65)
    assert Decimal(literacy.group(1)) == 17
    assert n >= 5200 and people >= 2_200_000

    # a table per district: every cell is the board's figure for that district on that day
    district_table, lagging_table = document.tables
    header, *rows = [[c.text for c in row.cells] for row in district_table.rows]
    assert header[0] == "辖市(区)" and len(rows) == len(board.districts) == 7
    overdue_rows = {r[0]: r[1:] for r in board.overdue_rows()}
    for region, row in zip(board.districts, rows, strict=False):
        expected = [
            int(board.latest(code, region)[1] or 0)
            for code in (
                "bases_total",
                "bases_national",
                "bases_provincial",
                "bases_municipal",
                "activities_since_2021",
                "activity_participants_since_2021",
            )
        ] + list(overdue_rows[region.name])
        assert row[0] == region.name and [_int(c) for c in row[1:]] == expected, region.name
    assert sum(_int(r[1]) for r in rows) == latest["bases_total"]

    # the targets at risk or behind, as the board's cards say on that day, with their responsible units
    lagging = [c for c in board.cards() if c.status and c.status.state in ("at_risk", "behind")]
    _h, *lag_rows = [[c.text for c in row.cells] for row in lagging_table.rows]
    assert [r[0] for r in lag_rows] == [c.indicator.name for c in lagging] and lagging
    assert [r[4] for r in lag_rows] == [str(c.status.label) for c in lagging]

    # the charts are images in the document
    assert len(document.inline_shapes) == 3
    pngs = [p for p in document.part.package.parts if p.content_type == "image/png"]
    assert len(pngs) == 3 and all(p.blob[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)


def test_the_as_of_reading_of_today_is_the_stored_dashboard(demo, leader_user):
    """The selector the brief uses, asked for today, gives the figures the dashboard page shows (stored rows)."""
    from common import clock
    from indicators import brief
    from indicators.dashboard import Dashboard
    from programs.models import Region

    city = Region.objects.city().get()
    stored, as_of_today = Dashboard(leader_user, city), Dashboard(leader_user, city, on=clock.today())
    assert brief.figures(as_of_today) == brief.figures(stored)
    assert brief.district_rows(as_of_today) == brief.district_rows(stored)
    assert as_of_today.activities_by_year() == stored.activities_by_year()
    assert as_of_today.bases_by_year() == stored.bases_by_year()
    # the meeting day is another day: fewer activities than today, the registry as it stood
    meeting = brief.figures(Dashboard(leader_user, city, on=MEETING))
    assert meeting["activities_since_2021"] < brief.figures(stored)["activities_since_2021"]
    assert meeting["bases_total"] == 274 != brief.figures(stored)["bases_total"]


def test_office_gets_the_brief_and_today_is_the_default(client_for, office_user):
    response = _brief(client_for, office_user, query="")
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert "attachment" in response["Content-Disposition"]
    assert "全民科学素质工作进展情况" in _text(_open(response.content))


@pytest.mark.parametrize(
    "persona", ["wujin_user", "tianning_user", "hutang_clerk", "liaison_user", "base_contact", "society_contact"]
)
def test_the_brief_is_refused_to_every_other_party(persona, request, client_for):
    response = _brief(client_for, request.getfixturevalue(persona))
    assert response.status_code == 403
    assert response.get("Content-Type", "").startswith("text/html")


def test_an_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("indicators:brief") + "?date=2023-08-02")
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize(
    "raw, words",
    [
        ("2023-13-45", "无法识别"),
        ("08/02/2023", "无法识别"),
        ("昨天", "无法识别"),
        ("2099-01-01", "日期须在"),
        ("2020-12-31", "早于规划期开始"),
        ("2036-01-01", "晚于今天"),
    ],
)
def test_a_bad_date_is_a_400_in_chinese(raw, words, client_for, leader_user, settings):
    from urllib.parse import quote

    response = _brief(client_for, leader_user, query=f"?date={quote(raw)}")
    assert response.status_code == 400
    body = response.content.decode()
    assert words in body and "无法生成会议材料" in body


def test_a_server_without_a_chinese_font_says_which_package_to_install(client_for, leader_user, monkeypatch):
    """The charts need Noto Sans CJK (fonts-noto-cjk): without it the brief is a 503 naming the package, not a 500."""
    from django.core.exceptions import ImproperlyConfigured

    from indicators import charts

    def missing():
        raise ImproperlyConfigured(
            "找不到中文字体:请安装 Debian 软件包 fonts-noto-cjk,或用 KEPU_CJK_FONT 指定字体文件。"
        )

    monkeypatch.setattr(charts, "cjk_font_path", missing)
    response = _brief(client_for, leader_user)
    assert response.status_code == 503 and "fonts-noto-cjk" in response.content.decode()
