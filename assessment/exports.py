"""The round's workbook: the ranking, then one 考核表 per party (item, maximum, self-score, reviewed score,
reason), written through common.spreadsheets (user text is never a formula)."""

from __future__ import annotations

import re

from openpyxl import Workbook

from common.spreadsheets import append_row, workbook_bytes

SHEET_HEADERS = ["序号", "考核内容", "分值", "评分方式", "平台计算值", "自评分", "审核得分", "得分", "理由/说明"]


def _title(name: str, used: set) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "", str(name))[:28] or "Sheet"
    title, n = base, 2
    while title in used:
        title, n = f"{base[:25]}({n})", n + 1
    used.add(title)
    return title


def round_workbook(round_, results, sheets) -> bytes:
    wb = Workbook()
    used: set = set()
    ws = wb.active
    ws.title = _title("排名", used)
    append_row(ws, [f"{round_.scheme.name}({round_.get_status_display()})"])
    append_row(ws, ["名次", "考核对象", "总分", "等次"])
    for r in results:
        append_row(ws, [r.rank, str(r.party), r.total, r.get_grade_display()])
    for sheet in sheets:
        ws = wb.create_sheet(_title(sheet["party"], used))
        append_row(ws, [f"{round_.scheme.name} · {sheet['party']} 考核表"])
        append_row(ws, SHEET_HEADERS)
        for s in sheet["rows"]:
            append_row(
                ws,
                [
                    s.item.order,
                    s.item.title,
                    s.item.max_points,
                    s.item.get_method_display(),
                    s.computed_value,
                    s.claimed_points,
                    s.reviewed_points,
                    s.final_points,
                    s.reason or s.evidence,
                ],
            )
        append_row(ws, ["", "合计", sheet["max"], "", "", "", "", sheet["total"], ""])
    return workbook_bytes(wb)
