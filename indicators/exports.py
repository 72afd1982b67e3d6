"""xlsx exports of each dashboard table (the same rows the charts draw)."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Font

from common.spreadsheets import append_row, local_time, workbook_bytes

from .dashboard import BASE_LEVEL_CODES, Dashboard


def section(board: Dashboard, name: str) -> tuple[str, list[str], list[list]]:
    year = board.activity_year()
    if name == "cards":
        rows = []
        for c in board.cards():
            s = c.status
            rows.append(
                [
                    c.indicator.name,
                    c.indicator.unit,
                    c.year,
                    _num(c.actual),
                    _num(s.expected) if s else None,
                    _num(s.target) if s else None,
                    c.target_period or None,
                    s.label if s else "—",
                ]
            )
        return "目标进度", ["指标", "单位", "数据年份", "实际值", "当前应达", "目标值", "目标年份", "状态"], rows
    if name == "literacy":
        lit = board.literacy()
        return "公民科学素质比例", ["年份", "比例(%)"], [list(r) for r in lit["rows"]]
    if name == "bases":
        return (
            "科普教育基地分级分区",
            ["区域"] + [lbl for _c, lbl in BASE_LEVEL_CODES] + ["合计"],
            board.bases_by_region(),
        )
    if name == "bases-year":
        return "历年科普教育基地", ["年末"] + [lbl for _c, lbl in BASE_LEVEL_CODES] + ["合计"], board.bases_by_year()
    if name == "activities-region":
        return f"{year}年各区科普活动", ["区域", "活动项数", "参与人次"], board.activities_by_region(year)
    if name == "activities-campaign":
        return f"{year}年分主题活动", ["主题活动", "活动项数", "参与人次"], board.activities_by("campaign", year)
    if name == "activities-month":
        return f"{year}年分月活动", ["月份", "活动项数", "参与人次"], board.activities_by("month", year)
    if name == "activities-year":
        return (
            "历年科普活动",
            ["年份", "活动项数", "参与人次", "2021年起累计项数", "2021年起累计人次"],
            board.activities_by_year(),
        )
    if name == "regions":
        return (
            f"{year}年区域对比",
            ["区域", "区划代码", "科学素质比例(%)", "基地总数", "新评定市级基地", "活动项数", "参与人次"],
            board.region_comparison(year),
        )
    if name == "populations":
        return f"{year}年重点人群", ["重点人群", "指标", "数值", "单位", "数据年份"], board.population_rows(year)
    if name == "overdue":
        return "逾期未报", ["区域", "活动安排表/总结(份)", "成员单位工作报告(份)"], board.overdue_rows()
    raise KeyError(name)


def _num(value):
    return float(value) if value is not None else None


def to_xlsx(title: str, header: list[str], rows: list[list], board: Dashboard) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    append_row(ws, [f"{board.region.name} · {title}"])
    ws["A1"].font = Font(bold=True, size=13)
    append_row(ws, [f"数据截至:{local_time(board.as_of.at):%Y-%m-%d %H:%M}" if board.as_of.at else "数据截至:尚无汇总"])
    append_row(ws, header)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for row in rows:
        append_row(ws, list(row))
    for column in ws.columns:
        ws.column_dimensions[column[0].column_letter].width = 16
    return workbook_bytes(wb)  # user text is never a formula (common.spreadsheets)
