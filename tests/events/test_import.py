"""A district uploads its 活动安排表: preview with per-row Chinese errors, then all-or-nothing."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from events import services
from events.models import ActivityReturn, Brand
from tests.conftest import xlsx_with_raw_numbers, xlsx_with_results

from .conftest import upload, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = [
    "序号",
    "活动名称*",
    "活动类别*",
    "活动形式",
    "开始日期*",
    "结束日期*",
    "所属辖市(区)",
    "所在镇(街道)",
    "主办单位",
    "协办单位",
    "活动地点",
    "活动主题",
    "面向人群",
    "活动品牌",
    "预计参与人数",
    "志愿者人数",
    "专家人数",
    "经费(万元)",
    "全国科普日平台登记号",
    "联系人",
    "联系电话",
]


def row(
    n,
    title="湖塘镇科普日主场活动",
    category="镇街主场活动",
    start="2025-09-17",
    end=None,
    region="",
    people="青少年、老年人",
    brand="",
    planned=500,
    budget=1.5,
):
    return [
        n,
        title,
        category,
        "线下",
        start,
        end or start,
        region,
        "湖塘镇",
        "湖塘镇科协",
        "湖塘镇中心小学",
        "湖塘镇文化广场",
        "人工智能",
        people,
        brand,
        planned,
        20,
        3,
        budget,
        "KPR2025-0001",
        "张老师",
        "0519-86000000",
    ]


@pytest.fixture
def brand(db):
    return Brand.objects.create(name="龙城科普大讲堂")


def good_file():
    return xlsx_bytes(
        [
            HEADER,
            row(1),
            row(
                2,
                title="“云上科普日”直播:天宫课堂",
                category="“云上科普日”专项行动",
                start=dt.datetime(2025, 9, 18),
                people="社会公众",
            ),
            row(
                3,
                title="专家讲科普:碳达峰碳中和",
                category="专家讲科普专项行动",
                start="2025/9/19",
                brand="龙城科普大讲堂",
                people="领导干部和公务员",
            ),
            [None] * len(HEADER),  # an empty row in between is skipped
            row(
                5,
                title="科普大篷车进乡村",
                category="rural_joint",
                start="2025年9月20日",
                region="武进区",
                people="农民",
            ),
        ]
    )


def test_a_good_file_previews_then_creates_every_row_as_a_draft(client_for, wujin_user, wujin, science_day, brand):
    client = client_for(wujin_user)
    preview = client.post(
        reverse("events:import"), {"campaign": science_day.pk, "file": upload("活动安排表.xlsx", good_file())}
    )
    body = preview.content.decode()
    assert 'data-testid="import-preview"' in body and "共 4 行" in body
    assert ActivityReturn.objects.count() == 0  # the preview writes nothing
    token = preview.context["token"]
    done = client.post(reverse("events:import-confirm"), {"token": token})
    assert done.status_code == 302
    created = ActivityReturn.objects.order_by("starts_on")
    assert created.count() == 4
    assert {a.status for a in created} == {"draft"} and {a.region for a in created} == {wujin}
    assert {a.campaign for a in created} == {science_day} and {a.source for a in created} == {"import"}
    first, cloud, expert, rural = created
    assert first.category == "town_main_event" and first.budget == 1.5 and first.planned_participants == 500
    assert sorted(p.code for p in first.target_populations.all()) == ["elderly", "youth"]
    assert not first.general_public
    assert cloud.category == "cloud_special" and cloud.general_public and cloud.starts_on == dt.date(2025, 9, 18)
    assert expert.brand == brand and expert.starts_on == dt.date(2025, 9, 19)
    assert rural.starts_on == dt.date(2025, 9, 20)
    # the confirm token is single use
    assert client.post(reverse("events:import-confirm"), {"token": token}).status_code == 302
    assert ActivityReturn.objects.count() == 4


def _errors(user, data, campaign=None, name="活动安排表.xlsx"):
    report = services.import_returns(upload(name, data), user, campaign, dry_run=False)
    assert ActivityReturn.objects.count() == 0, "a bad file must write nothing"
    return [(e.row, e.column, e.message) for e in report.errors]


def test_bad_rows_are_each_listed_with_row_column_and_message_and_nothing_is_written(wujin_user, science_day):
    data = xlsx_bytes(
        [
            HEADER,
            row(1),  # good, but the file is all-or-nothing
            row(2, start="2025-13-45"),
            row(3, category="联欢晚会"),
            row(4, planned=-20),
            row(5, region="天宁区"),
            row(6, start="2025-09-20", end="2025-09-18"),
            row(7, title=""),
            row(8, people="外星人"),
            row(9, budget="很多"),
            row(10, brand="不存在的品牌"),
        ]
    )
    errors = _errors(wujin_user, data, science_day)
    by_row = {}
    for r, c, m in errors:
        by_row.setdefault(r, (c, m))  # the first error of each row, by column
    assert 3 not in by_row  # row 3 in Excel = the good row after title and header
    assert (4, "开始日期", "“2025-13-45”不是有效的日期,请填写如 2025-09-17 的日期。") in errors
    assert by_row[5][0] == "活动类别" and "未知的活动类别“联欢晚会”" in by_row[5][1]
    assert by_row[6][0] == "预计参与人数" and "不能为负数" in by_row[6][1]
    assert by_row[7][0] == "所属辖市(区)" and "只能导入“武进区”的活动" in by_row[7][1]
    assert by_row[8][0] == "结束日期" and "不能早于开始日期" in by_row[8][1]
    assert by_row[9][0] == "活动名称"
    assert by_row[10][0] == "面向人群" and "外星人" in by_row[10][1]
    assert by_row[11][0] == "经费(万元)" and "不是数字" in by_row[11][1]
    assert by_row[12][0] == "活动品牌"


def test_the_preview_page_lists_the_errors_in_chinese(client_for, wujin_user, science_day):
    data = xlsx_bytes([HEADER, row(1, category="联欢晚会")])
    body = (
        client_for(wujin_user)
        .post(reverse("events:import"), {"campaign": science_day.pk, "file": upload("a.xlsx", data)})
        .content.decode()
    )
    assert 'data-testid="import-errors"' in body and "未导入任何数据" in body and "联欢晚会" in body
    assert 'data-testid="import-confirm"' not in body


@pytest.mark.parametrize(
    "case,message",
    [
        ("missing_header", "缺少必需的列:“活动类别”"),
        ("no_header", "没有找到表头行"),
        ("empty_sheet", "Excel 文件是空的"),
        ("header_only", "只有表头,没有数据行"),
        ("zero_bytes", "空文件"),
        ("renamed_text", "的文件类型不被接受"),
        ("renamed_exe", "可执行程序"),
        ("old_xls", "旧版 Excel"),
        ("corrupt_zip", "的文件类型不被接受"),
    ],
)
def test_each_bad_file_gets_a_clear_message(case, message, wujin_user):
    header_without_category = [h for h in HEADER if h != "活动类别*"]
    data = {
        "missing_header": xlsx_bytes([header_without_category, row(1)[:2] + row(1)[3:]]),
        "no_header": xlsx_bytes([["随便", "什么"], ["1", "2"]], title=None),
        "empty_sheet": xlsx_bytes([], title=None),
        "header_only": xlsx_bytes([HEADER]),
        "zero_bytes": b"",
        "renamed_text": "活动名称,活动类别\n科普讲座,其他\n".encode(),
        "renamed_exe": b"MZ\x90\x00\x03" + b"\x00" * 500,
        "old_xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500,
        "corrupt_zip": b"PK\x03\x04" + b"\x00" * 500,
    }[case]
    errors = _errors(wujin_user, data)
    assert len(errors) == 1 and errors[0][0] == 0
    assert message in errors[0][2], errors


def test_a_huge_file_is_refused_before_it_is_read(settings, wujin_user):
    settings.KEPU_MAX_IMPORT_BYTES = 2000
    errors = _errors(wujin_user, good_file() + b"\x00" * 3000)
    assert "太大" in errors[0][2]


def test_too_many_rows_are_refused(settings, wujin_user):
    settings.KEPU_MAX_IMPORT_ROWS = 3
    errors = _errors(wujin_user, xlsx_bytes([HEADER] + [row(i) for i in range(5)]))
    assert "最多导入 3 行" in errors[0][2]


def test_office_staff_must_name_the_region_and_a_liaison_files_for_its_unit(office_user, liaison_user, wujin):
    errors = _errors(office_user, xlsx_bytes([HEADER, row(1)]))
    assert errors == [(3, "所属辖市(区)", "请填写所属辖市(区)。")]
    report = services.import_returns(
        upload("a.xlsx", xlsx_bytes([HEADER, row(1, region="武进区")])), office_user, None, dry_run=False
    )
    assert report.ok and ActivityReturn.objects.get().region == wujin
    ActivityReturn.objects.all().delete()
    report = services.import_returns(upload("a.xlsx", xlsx_bytes([HEADER, row(1)])), liaison_user, None, dry_run=False)
    assert report.ok and ActivityReturn.objects.get().unit == liaison_user.unit


def test_a_leader_cannot_import(client_for, leader_user):
    assert client_for(leader_user).get(reverse("events:import")).status_code == 403


def test_the_downloaded_template_has_the_columns_and_lists_and_imports_cleanly(client_for, wujin_user, brand):
    response = client_for(wujin_user).get(reverse("events:import-template"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["活动安排表"]
    headers = [c.value for c in sheet[2]]
    assert headers == HEADER + ["编号"]  # issue 12: the portal's number of each activity, last
    lists = workbook["填写说明"]
    values = {c.value for r in lists.iter_rows() for c in r if c.value}
    assert {"主场活动", "农村科普联合行动", "“云上科普日”专项行动", "龙城科普大讲堂", "社会公众", "农民"} <= values
    sheet.append(row(1))
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = services.import_returns(upload("t.xlsx", buffer.getvalue()), wujin_user, None, dry_run=False)
    assert report.ok and report.created == 1


def test_a_count_of_1e400_or_nan_names_the_row_and_column(wujin_user, science_day):
    # as text, and as number cells Excel cannot hold (openpyxl reads <v>1e400</v> as infinity)
    data = xlsx_with_raw_numbers(
        xlsx_bytes(
            [
                HEADER,
                row(1, planned="1e400"),
                row(2, planned="nan"),
                row(3, planned=900000001),
                row(4, planned=900000002),
                row(5, planned="很多"),
                row(6, planned=12.5),
                row(7, budget="nan"),
                row(8, budget=900000001),
            ]
        ),
        {900000001: "1e400", 900000002: "-1e400"},
    )
    assert _errors(wujin_user, data, science_day) == [
        (3, "预计参与人数", "“1e400”不是有效的整数。"),
        (4, "预计参与人数", "“nan”不是有效的整数。"),
        (5, "预计参与人数", "“inf”不是有效的整数。"),
        (6, "预计参与人数", "“-inf”不是有效的整数。"),
        (7, "预计参与人数", "“很多”不是有效的整数。"),
        (8, "预计参与人数", "预计参与人数必须是整数(填写了 12.5)。"),
        (9, "经费(万元)", "“nan”不是数字(单位:万元)。"),
        (10, "经费(万元)", "“inf”不是数字(单位:万元)。"),
    ]


def test_a_number_cell_openpyxl_cannot_read_is_refused_with_a_message(wujin_user, science_day):
    data = xlsx_with_raw_numbers(xlsx_bytes([HEADER, row(1, planned=900000001)]), {900000001: "NaN"})
    errors = _errors(wujin_user, data, science_day)
    assert len(errors) == 1 and errors[0][0] == 0
    assert "无法读取该 Excel 文件" in errors[0][2]


def test_a_formula_without_a_computed_value_is_named_not_called_empty(wujin_user, science_day):
    # openpyxl writes a formula without its result, as files written by programs (not Excel) may carry it;
    # row 1 is the title, row 2 the header: the planned figure of row 3 is column O, the title of row 4 column B
    data = xlsx_bytes([HEADER, row(1, planned="=100*5"), row(2, title='="科普"&"讲座"')])
    advice = "是公式,没有计算结果;请在 Excel 中打开并保存,或粘贴为数值后再上传。"
    assert _errors(wujin_user, data, science_day) == [
        (3, "预计参与人数", "单元格 O3 " + advice),
        (4, "活动名称", "单元格 B4 " + advice),
    ]


def test_a_formula_with_its_result_stored_imports_its_result(wujin_user, science_day):
    # what Excel saves; a 序号 formula filled down below the data is a blank row
    data = xlsx_with_results(xlsx_bytes([HEADER, row(1, title='="科普"&"讲座"'), ["=A3+1"]]), {"B3": "科普讲座"})
    report = services.import_returns(upload("a.xlsx", data), wujin_user, science_day, dry_run=False)
    assert report.ok, report.errors
    assert ActivityReturn.objects.get().title == "科普讲座"


def test_a_district_sheet_with_merged_title_rows_above_the_header_imports(wujin_user, science_day):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for index, title in enumerate(
        ["2025年武进区全国科普日活动安排表", "填报单位:武进区科协    联系人:张老师"], start=1
    ):
        ws.cell(index, 1, title)
        ws.merge_cells(start_row=index, start_column=1, end_row=index, end_column=len(HEADER))
    ws.append(HEADER)
    ws.append(row(1))
    ws.append(row(2, planned=-1))
    buffer = io.BytesIO()
    wb.save(buffer)
    assert [(r, c) for r, c, _m in _errors(wujin_user, buffer.getvalue(), science_day)] == [(5, "预计参与人数")]


def test_dates_as_text_are_read_and_an_impossible_one_is_named(wujin_user, science_day):
    data = xlsx_bytes(
        [
            HEADER,
            row(1, start="2025/9/16"),
            row(2, start="2025/9/31", end="2025-09-30"),
            row(3, start="99999999999999999999/9/16", end="2025-09-16"),
        ]
    )
    assert _errors(wujin_user, data, science_day) == [
        (4, "开始日期", "“2025/9/31”不是有效的日期,请填写如 2025-09-17 的日期。"),
        (5, "开始日期", "“99999999999999999999/9/16”不是有效的日期,请填写如 2025-09-17 的日期。"),
    ]
