"""Excel out: the 活动安排表 template and a campaign's 汇总表 (approved returns only)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from accounts import scope
from common.spreadsheets import append_row, set_cell, workbook_bytes
from programs.models import Region, TargetPopulation

from .models import ActivityReturn, Brand, Campaign
from .resources import COLUMNS

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
TOTAL_FILL = PatternFill("solid", fgColor="FFF2CC")
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _save(workbook: Workbook) -> bytes:
    return workbook_bytes(workbook)  # user text is never a formula (common.spreadsheets)


def _header(ws, row: int, labels: list[str]) -> None:
    for col, label in enumerate(labels, start=1):
        cell = set_cell(ws, row, col, label)
        cell.font, cell.fill, cell.border = BOLD, HEAD_FILL, BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def import_template(user=None, campaign: Campaign | None = None, activities=()) -> bytes:
    """The 活动安排表 template: title row, header row, drop-downs, and a 填写说明 sheet; `activities` filled in
    from row 3 with their 编号 (the last column), so that the sheet imported again updates them."""
    wb = Workbook()
    ws = wb.active
    ws.title = "活动安排表"
    sc = scope.scope_of(user)
    region_name = sc.party_name if sc.kind in scope.FILER_KINDS else ""
    title = f"{campaign.name if campaign else ''}{region_name}活动安排表".strip() or "活动安排表"
    set_cell(ws, 1, 1, title).font = TITLE
    headers = [c + ("*" if required else "") for c, _a, required in COLUMNS]
    _header(ws, 2, headers)
    widths = {
        "活动名称": 32,
        "活动类别": 22,
        "活动地点": 24,
        "主办单位": 20,
        "协办单位": 20,
        "活动主题": 20,
        "面向人群": 22,
        "全国科普日平台登记号": 22,
        "活动品牌": 18,
    }
    for col, (name, _a, _r) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = widths.get(name, 13)
    ws.freeze_panes = "C3"

    lists = wb.create_sheet("填写说明")
    set_cell(lists, 1, 1, "填写说明").font = TITLE
    notes = [
        "一行填写一项活动;带 * 的列必填;请不要删除或修改第 2 行表头。",
        "日期填写如 2025-09-17;人数、经费填写非负数字,经费单位为万元。",
        "面向人群可填多个,用“、”分隔;面向全体公众填写“社会公众”。",
        "辖市(区)科协用户可不填“所属辖市(区)”,系统默认为本区域;只能导入本区域的活动。",
        "导入后为草稿,核对无误后在平台上提交(或报送活动安排表一次提交全部草稿)。",
        "“编号”是平台中活动的编号,新活动留空;填有编号的行会更新该活动(仅限草稿或已退回的活动),不会重复新增。",
    ]
    for i, text in enumerate(notes, start=2):
        set_cell(lists, i, 1, text)
    start = len(notes) + 3
    columns = {
        "活动类别": [str(label) for _c, label in ActivityReturn.Category.choices],
        "活动形式": [str(label) for _c, label in ActivityReturn.Format.choices],
        "面向人群": [p.name for p in TargetPopulation.objects.all()] + ["社会公众"],
        "活动品牌": list(Brand.objects.filter(is_active=True).values_list("name", flat=True)),
        "所属辖市(区)": list(Region.objects.districts().values_list("name", flat=True)),
    }
    for col, (name, values) in enumerate(columns.items(), start=1):
        set_cell(lists, start, col, name).font = BOLD
        for i, value in enumerate(values, start=start + 1):
            set_cell(lists, i, col, value)
        lists.column_dimensions[get_column_letter(col)].width = 26
        if name in ("活动类别", "活动形式", "活动品牌", "所属辖市(区)") and values:
            target = [c for c, _a, _r in COLUMNS].index(name) + 1
            letter = get_column_letter(col)
            dv = DataValidation(
                type="list",
                allow_blank=True,
                formula1=f"'填写说明'!${letter}${start + 1}:${letter}${start + len(values)}",
            )
            dv.error, dv.errorTitle = "请从下拉列表中选择", "输入有误"
            ws.add_data_validation(dv)
            dv.add(f"{get_column_letter(target)}3:{get_column_letter(target)}2000")
    for number, activity in enumerate(activities, start=1):
        for col, value in enumerate(activity_cells(activity, number), start=1):
            set_cell(ws, number + 2, col, value)
    return _save(wb)


def activity_cells(activity: ActivityReturn, number: int) -> list:
    """One activity as the template's row (the labels the import reads back)."""
    populations = [p.name for p in activity.target_populations.all()]
    if activity.general_public:
        populations.append("社会公众")
    values = {
        "title": activity.title,
        "category": activity.get_category_display(),
        "format": activity.get_format_display(),
        "starts_on": activity.starts_on,
        "ends_on": activity.ends_on,
        "region": getattr(activity.region, "name", ""),
        "populations": "、".join(populations),
        "brand": getattr(activity.brand, "name", ""),
        "budget": float(activity.budget or 0),
        "id": activity.pk,
    }
    return [
        number if attribute is None else values.get(attribute, getattr(activity, attribute, ""))
        for _column, attribute, _r in COLUMNS
    ]


def filled_in_workbook(user, campaign: Campaign | None, queryset) -> bytes:
    """下载已填报活动: the template holding the user's activities (`queryset`, already scoped) with their 编号."""
    activities = (
        queryset.select_related("region", "brand").prefetch_related("target_populations").order_by("starts_on", "pk")
    )
    return import_template(user, campaign, activities)


def summary_rows(campaign: Campaign, queryset):
    """Approved returns of the campaign grouped by district (or unit) and category: one query."""
    return (
        queryset.filter(campaign=campaign)
        .reported()
        .values("region__path", "unit__name", "category")
        .annotate(
            activities=Count("id"),
            participants=Sum("actual_participants"),
            online_views=Sum("online_views"),
            volunteers=Sum("volunteers"),
            experts=Sum("experts"),
            budget=Sum("budget"),
            recommended=Count("id", filter=Q(recommended=True)),
        )
        .order_by()
    )


METRICS = [
    ("activities", "活动数(项)"),
    ("participants", "参与人次"),
    ("online_views", "线上浏览量"),
    ("volunteers", "志愿者(人)"),
    ("experts", "专家(人)"),
    ("budget", "经费(万元)"),
    ("recommended", "推荐优秀活动(项)"),
]


def campaign_summary(campaign: Campaign, queryset) -> dict:
    """{party name: {category code: {metric: value}}} plus the party order, from approved returns."""
    districts = list(Region.objects.districts().order_by("path"))
    parties: dict[str, dict] = {}
    for row in summary_rows(campaign, queryset):
        name = None
        if row["region__path"]:
            for d in districts:
                if row["region__path"].startswith(d.path):
                    name = d.name
                    break
            name = name or "常州市"
        else:
            name = row["unit__name"] or "其他"
        cell = parties.setdefault(name, {}).setdefault(row["category"], {k: 0 for k, _l in METRICS})
        for key, _label in METRICS:
            cell[key] += row[key] or 0
    order = [d.name for d in districts if d.name in parties] + sorted(
        n for n in parties if n not in {d.name for d in districts}
    )
    return {"parties": parties, "order": order}


def _summary_sheet(ws, campaign: Campaign, parties: dict, order: list, categories) -> dict:
    """The 汇总表 sheet: one row per region/unit, a column pair per category, then the totals row;
    returns the grand totals (by category and per metric) for the detail sheet."""
    ws.title = "汇总表"
    set_cell(ws, 1, 1, f"{campaign.name}活动汇总表").font = TITLE
    set_cell(
        ws,
        2,
        1,
        f"主题:{campaign.theme}    时间:{campaign.starts_on:%Y-%m-%d} 至 "
        f"{campaign.ends_on:%Y-%m-%d}    口径:已审核通过的活动",
    )
    header = ["辖市(区)/单位"]
    for _code, label in categories:
        header += [f"{label}\n活动数", f"{label}\n参与人次"]
    header += [
        "合计\n活动数",
        "合计\n参与人次",
        "线上浏览量",
        "志愿者(人)",
        "专家(人)",
        "经费(万元)",
        "推荐优秀活动(项)",
    ]
    _header(ws, 4, header)
    ws.row_dimensions[4].height = 48
    row_index = 5
    grand: dict[str, Any] = {"by_cat": {code: [0, 0] for code, _l in categories}, **{k: 0 for k, _l in METRICS}}
    for name in order:
        cells = parties[name]
        values: list = [name]
        party_total = {k: 0 for k, _l in METRICS}
        for code, _label in categories:
            metrics = cells.get(code, {k: 0 for k, _l in METRICS})
            values += [metrics["activities"], metrics["participants"]]
            grand["by_cat"][code][0] += metrics["activities"]
            grand["by_cat"][code][1] += metrics["participants"]
            for key, _l in METRICS:
                party_total[key] += metrics[key]
        values += [
            party_total["activities"],
            party_total["participants"],
            party_total["online_views"],
            party_total["volunteers"],
            party_total["experts"],
            float(party_total["budget"]),
            party_total["recommended"],
        ]
        for key, _l in METRICS:
            grand[key] += party_total[key]
        for col, value in enumerate(values, start=1):
            set_cell(ws, row_index, col, value).border = BOX
        row_index += 1
    totals: list = ["合计"]
    for code, _label in categories:
        totals += grand["by_cat"][code]
    totals += [
        grand["activities"],
        grand["participants"],
        grand["online_views"],
        grand["volunteers"],
        grand["experts"],
        float(grand["budget"] or Decimal(0)),
        grand["recommended"],
    ]
    for col, value in enumerate(totals, start=1):
        cell = set_cell(ws, row_index, col, value)
        cell.font, cell.fill, cell.border = BOLD, TOTAL_FILL, BOX
    ws.column_dimensions["A"].width = 18
    ws.freeze_panes = "B5"
    return grand


def _detail_sheet(detail, parties: dict, order: list, categories, grand: dict) -> None:
    """分区分类明细: each region/unit's categories with a subtotal, then the grand total."""
    _header(detail, 1, ["辖市(区)/单位", "活动类别"] + [label for _k, label in METRICS])
    r = 2
    for name in order:
        subtotal = {k: 0 for k, _l in METRICS}
        for code, label in categories:
            metrics = parties[name].get(code)
            if not metrics:
                continue
            append_row(
                detail, [name, str(label)] + [float(metrics[k]) if k == "budget" else metrics[k] for k, _l in METRICS]
            )
            for key, _l in METRICS:
                subtotal[key] += metrics[key]
            r += 1
        append_row(
            detail, [f"{name} 小计", ""] + [float(subtotal[k]) if k == "budget" else subtotal[k] for k, _l in METRICS]
        )
        for cell in detail[r]:
            cell.font, cell.fill = BOLD, TOTAL_FILL
        r += 1
    append_row(detail, ["总计", ""] + [float(grand[k]) if k == "budget" else grand[k] for k, _l in METRICS])
    for cell in detail[r]:
        cell.font, cell.fill = BOLD, TOTAL_FILL
    detail.column_dimensions["A"].width = 18
    detail.column_dimensions["B"].width = 24


def campaign_summary_workbook(campaign: Campaign, queryset) -> bytes:
    """The 汇总表: region × category (activities and participants) with totals, then the detail."""
    data = campaign_summary(campaign, queryset)
    parties, order = data["parties"], data["order"]
    categories = ActivityReturn.Category.choices
    wb = Workbook()

    grand = _summary_sheet(wb.active, campaign, parties, order, categories)
    _detail_sheet(wb.create_sheet("分区分类明细"), parties, order, categories, grand)

    excellent = wb.create_sheet("推荐优秀活动")
    _header(excellent, 1, ["辖市(区)/单位", "活动名称", "活动类别", "开始日期", "参与人次", "推荐理由", "新闻报道链接"])
    recommended = (
        queryset.filter(campaign=campaign)
        .reported()
        .filter(recommended=True)
        .select_related("region", "unit")
        .order_by("region__path", "starts_on")
    )
    for activity in recommended:
        append_row(
            excellent,
            [
                activity.filer_name,
                activity.title,
                activity.get_category_display(),
                activity.starts_on,
                activity.actual_participants,
                activity.recommendation_reason,
                "\n".join(activity.news_link_list),
            ],
        )
    excellent.column_dimensions["B"].width = 36
    excellent.column_dimensions["F"].width = 40
    return _save(wb)
