"""The leading-group meeting brief 「全民科学素质工作进展情况」 as a Word document (python-docx).

Every figure comes from the dashboard's selector for the day (Dashboard(..., on=day)), so the brief says what the
dashboard says for that date. `figures(board)` is the one list of what the text quotes (the test reads it back).
Charts are PNG images drawn with Pillow (already a dependency) in Noto Sans CJK (Debian fonts-noto-cjk).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

from django.utils.translation import gettext as _

from programs.models import Region, TaskAssignment

from . import charts
from .dashboard import Dashboard
from .models import Observation
from .status import AT_RISK, BEHIND

TITLE = "全民科学素质工作进展情况"


def _int(value) -> int:
    return int(value or 0)


def wan(n: int) -> str:
    """2253123 → '225.3' (万, one decimal, as meeting material writes 220多万)."""
    return f"{Decimal(n) / 10000:.1f}"


def literacy_source(day: dt.date) -> Observation | None:
    """The city's literacy observation the board shows on `day`, with its source and report date."""
    city = Region.objects.city().first()
    return (
        Observation.objects.filter(indicator__code="literacy_rate", region=city)
        .exclude(reported_on__gt=day)
        .filter(year__lte=day.year)
        .order_by("-year")
        .first()
    )


def figures(board: Dashboard) -> dict:
    """The headline figures of the brief, read from the board (city) for its day."""
    _y, literacy = board.latest("literacy_rate")
    return {
        "bases_total": _int(board.latest("bases_total")[1]),
        "bases_national": _int(board.latest("bases_national")[1]),
        "bases_provincial": _int(board.latest("bases_provincial")[1]),
        "bases_municipal": _int(board.latest("bases_municipal")[1]),
        "activities_since_2021": _int(board.latest("activities_since_2021")[1]),
        "participants_since_2021": _int(board.latest("activity_participants_since_2021")[1]),
        "literacy_rate": literacy,
        "overdue_returns": board.overdue()["returns"],
        "overdue_reports": board.overdue()["reports"],
    }


def district_rows(board: Dashboard) -> list[list]:
    """[region, bases total, national, provincial, municipal, activities since 2021, participants since 2021,
    overdue returns, overdue reports] per district the board compares."""
    overdue = {row[0]: row[1:] for row in board.overdue_rows()}
    rows = []
    for region in board.districts:
        bases = [
            _int(board.latest(code, region)[1])
            for code in ("bases_total", "bases_national", "bases_provincial", "bases_municipal")
        ]
        rows.append(
            [
                region.name,
                *bases,
                _int(board.latest("activities_since_2021", region)[1]),
                _int(board.latest("activity_participants_since_2021", region)[1]),
                *overdue.get(region.name, [0, 0]),
            ]
        )
    return rows


def responsible_units(indicator) -> list[str]:
    """The 〔责任单位〕 of the indicator's task (a measure without its own line: its parent task's)."""
    task = indicator.task or (indicator.plan_target.task if indicator.plan_target_id else None)
    while task is not None:
        names = list(
            TaskAssignment.objects.filter(task=task).order_by("order", "pk").values_list("unit__name", flat=True)
        )
        if names:
            return names
        task = task.parent
    return []


def lagging(board: Dashboard) -> list[dict]:
    """Targets at risk or behind on the board's day, with their responsible units."""
    out = []
    for card in board.cards():
        if card.status is None or card.status.state not in (AT_RISK, BEHIND):
            continue
        out.append({"card": card, "units": responsible_units(card.indicator)})
    return out


def _num(value) -> str:
    if value is None:
        return "—"
    value = Decimal(value)
    return f"{value:,.0f}" if value == value.to_integral() else f"{value.normalize():f}"


def build(user, day: dt.date) -> tuple[bytes, dict]:
    """The brief for `day` as `user` may see it (office, leaders: the city board). Returns (docx bytes, figures)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    city = Region.objects.city().first()
    board = Dashboard(user, city, on=day)
    f = figures(board)
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Noto Sans CJK SC"
    style.font.size = Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Sans CJK SC")
    heading = doc.add_heading(TITLE, level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    date_text = f"{day.year}年{day.month}月{day.day}日"
    doc.add_paragraph(_("(截至%(date)s,数据来自指标看板)") % {"date": date_text}).alignment = WD_ALIGN_PARAGRAPH.CENTER

    doc.add_heading(_("一、总体情况"), level=1)
    doc.add_paragraph(
        _(
            "截至%(date)s,全市共有科普教育基地%(total)s家,其中国家级%(national)s家,省级%(provincial)s家,"
            "市级%(municipal)s家。"
        )
        % {
            "date": date_text,
            "total": f["bases_total"],
            "national": f["bases_national"],
            "provincial": f["bases_provincial"],
            "municipal": f["bases_municipal"],
        }
    )
    doc.add_paragraph(
        _("自2021年以来,全市举办各类科普活动%(n)s项,参与公众达%(wan)s万人次(%(people)s人次)。")
        % {
            "n": f"{f['activities_since_2021']:,}",
            "wan": wan(f["participants_since_2021"]),
            "people": f"{f['participants_since_2021']:,}",
        }
    )
    if f["literacy_rate"] is not None:
        obs = literacy_source(day)
        # "000 2023年…会议材料(2023-08-02)" → "2023年…会议材料": the seed number and the date (said apart) dropped
        source = re.sub(r"^\d{3}\s*|[((]\d{4}-\d{2}-\d{2}[))]", "", obs.source).strip() if obs else ""
        when = (
            _("报告日期%(date)s")
            % {"date": f"{obs.reported_on.year}年{obs.reported_on.month}月{obs.reported_on.day}日"}
            if obs and obs.reported_on
            else (_("%(year)s年数据") % {"year": obs.year} if obs else "")
        )
        doc.add_paragraph(
            _("我市具备科学素质的公民比例达%(rate)s%%(来源:%(source)s,%(when)s)。")
            % {"rate": _num(f["literacy_rate"]), "source": source or "—", "when": when}
        )
    doc.add_paragraph(
        _("逾期未报:活动安排表/总结%(returns)s份,成员单位工作报告%(reports)s份。")
        % {"returns": f["overdue_returns"], "reports": f["overdue_reports"]}
    )

    doc.add_heading(_("二、各辖市(区)情况"), level=1)
    header = [
        _("辖市(区)"),
        _("科普教育基地(家)"),
        _("国家级"),
        _("省级"),
        _("市级"),
        _("2021年以来活动(项)"),
        _("参与(人次)"),
        _("逾期未报活动材料(份)"),
        _("逾期未报工作报告(份)"),
    ]
    rows = district_rows(board)
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=False):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=False):
            cell.text = value if isinstance(value, str) else f"{value:,}"

    doc.add_heading(_("三、存在风险或进度滞后的目标"), level=1)
    behind = lagging(board)
    if not behind:
        doc.add_paragraph(_("暂无存在风险或进度滞后的目标。"))
    else:
        table = doc.add_table(rows=1, cols=6)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells,
            [_("指标"), _("实际值"), _("当前应达"), _("目标"), _("状态"), _("责任单位")],
            strict=False,
        ):
            cell.text = text
        for item in behind:
            card, status = item["card"], item["card"].status
            target = f"{_num(status.target)}{card.indicator.unit}"
            target += _("/年") if card.indicator.kind == "flow" else f"({card.target_year}年)"
            cells = table.add_row().cells
            for cell, text in zip(
                cells,
                [
                    card.indicator.name,
                    f"{_num(card.actual)}{card.indicator.unit}",
                    f"{_num(status.expected)}{card.indicator.unit}",
                    target,
                    str(status.label),
                    "、".join(item["units"]) or "—",
                ],
                strict=False,
            ):
                cell.text = text

    doc.add_heading(_("四、图表"), level=1)
    doc.add_paragraph(_("各辖市(区)科普教育基地数(家)"))
    doc.add_picture(io.BytesIO(charts.bar_png([(r[0], r[1]) for r in rows])), width=Cm(15))
    doc.add_paragraph(_("2021年以来各辖市(区)科普活动项数(项)"))
    doc.add_picture(io.BytesIO(charts.bar_png([(r[0], r[5]) for r in rows])), width=Cm(15))
    by_year = [(f"{y}年", n) for y, n, *_rest in board.activities_by_year()]
    if by_year:
        doc.add_paragraph(_("全市各年科普活动项数(项,%(date)s前)") % {"date": date_text})
        doc.add_picture(io.BytesIO(charts.bar_png(by_year)), width=Cm(15))
    out = io.BytesIO()
    doc.save(out)
    f["districts"] = rows
    f["lagging"] = [(i["card"].indicator.code, i["card"].status.state, i["units"]) for i in behind]
    return out.getvalue(), f
