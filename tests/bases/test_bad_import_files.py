"""Every bad file gets a clear Chinese message and writes zero rows."""

import datetime as dt
import io
import zipfile

import pytest

from bases.models import Base, BaseAnnualReport, Certification
from tests.conftest import xlsx_with_raw_numbers, xlsx_with_results

from .conftest import upload, xlsx_bytes


def _counts():
    return (
        Base.objects.count(),
        Certification.objects.count(),
        BaseAnnualReport.objects.count(),
        Base.history.count(),
        Certification.history.count(),
    )


def _post(client, kind, name, data):
    before = _counts()
    response = client.post(f"/bases/import/{kind}/", {"file": upload(name, data)})
    assert response.status_code == 400
    assert _counts() == before, "a bad file must write nothing"
    return [(p.row, p.column, p.message) for p in response.context["problems"]], response.content.decode()


@pytest.fixture
def c(client_for, office_user):
    return client_for(office_user)


@pytest.fixture
def base(wujin, make_base):
    return make_base(wujin, "已有馆")


def test_wrong_headers_are_named(c):
    problems, page = _post(c, "bases", "x.xlsx", xlsx_bytes(["基地名称", "所属区域", "地点"], [["馆", "武进区", "x"]]))
    assert problems == [(1, "地点", problems[0][2])] and "未知的列名“地点”" in problems[0][2]
    assert "未知的列名" in page


def test_missing_required_headers_are_named(c):
    problems, _ = _post(c, "bases", "x.xlsx", xlsx_bytes(["基地名称", "地址"], [["馆", "路1号"]]))
    assert problems == [(1, "", "缺少必需的列:所属区域。请使用下载的模板。")]


def test_bad_dates_name_row_and_column(c, base):
    data = xlsx_bytes(
        ["基地编号", "级别", "认定日期"],
        [[base.pk, "市级", "2024-05-27"], [base.pk, "市级", "2024年13月1日"], [base.pk, "市级", "下个月"]],
    )
    problems, _ = _post(c, "certifications", "x.xlsx", data)
    assert problems == [
        (3, "认定日期", "日期“2024年13月1日”格式不正确,请写成 2024-05-01。"),
        (4, "认定日期", "日期“下个月”格式不正确,请写成 2024-05-01。"),
    ]


def test_dates_as_text_are_read_and_an_impossible_one_is_named(c, base):
    data = xlsx_bytes(
        ["基地编号", "级别", "认定日期"], [[base.pk, "市级", "2023/9/16"], [base.pk, "省级", "2023/9/31"]]
    )
    problems, _ = _post(c, "certifications", "x.xlsx", data)
    assert problems == [(3, "认定日期", "日期“2023/9/31”格式不正确,请写成 2024-05-01。")]


def test_unknown_region_is_named(c):
    problems, _ = _post(c, "bases", "x.xlsx", xlsx_bytes(["基地名称", "所属区域"], [["馆", "浦东新区"]]))
    assert problems == [(2, "所属区域", "未知的区域“浦东新区”。")]


def test_negative_visitor_counts_are_refused(c, base):
    data = xlsx_bytes(["基地编号", "年度", "参观人次", "志愿者"], [[base.pk, 2023, -100, 5], [base.pk, 2024, 300, -1]])
    problems, _ = _post(c, "reports", "x.xlsx", data)
    assert problems == [(2, "参观人次", "不能为负数(填写的是 -100)。"), (3, "志愿者", "不能为负数(填写的是 -1)。")]


def test_duplicate_certificate_numbers_inside_the_file_are_refused(c, base, wujin, make_base):
    other = make_base(wujin)
    data = xlsx_bytes(
        ["基地编号", "级别", "认定日期", "证书编号"],
        [[base.pk, "市级", "2024-05-27", "CZ-7"], [other.pk, "市级", "2024-05-27", "CZ-7"]],
    )
    problems, _ = _post(c, "certifications", "x.xlsx", data)
    assert problems == [(3, "证书编号", "“CZ-7”与文件中第 2 行重复。")]


def test_duplicate_certificate_numbers_against_the_database_are_refused(c, base, wujin, make_base, certify):
    certify(make_base(wujin), "municipal", dt.date(2020, 1, 1), certificate_no="CZ-8")
    data = xlsx_bytes(["基地编号", "级别", "认定日期", "证书编号"], [[base.pk, "市级", "2024-05-27", "CZ-8"]])
    problems, _ = _post(c, "certifications", "x.xlsx", data)
    assert problems == [(2, "证书编号", "证书编号已被其他认定记录使用。")]


def test_an_empty_file_is_refused(c):
    problems, _ = _post(c, "bases", "empty.xlsx", b"")
    assert problems == [(None, "", "文件是空的(0 字节),请选择填好的模板文件。")]


def test_a_workbook_with_only_headers_or_nothing_is_refused(c):
    problems, _ = _post(c, "bases", "x.xlsx", xlsx_bytes(["基地名称", "所属区域"], []))
    assert problems == [(None, "", "文件只有表头,没有数据行。")]
    import openpyxl

    buf = io.BytesIO()
    openpyxl.Workbook().save(buf)
    problems, _ = _post(c, "bases", "x.xlsx", buf.getvalue())
    assert "没有任何内容" in problems[0][2]


def test_a_non_excel_file_renamed_xlsx_is_refused(c):
    problems, _ = _post(c, "bases", "report.xlsx", b"%PDF-1.4 not really a spreadsheet" * 10)
    assert "不是有效的 Excel(.xlsx)文件" in problems[0][2]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "a zip, but not a workbook")
    problems, _ = _post(c, "bases", "report.xlsx", buf.getvalue())
    assert "缺少工作簿内容" in problems[0][2]


def test_an_unsupported_extension_is_refused(c):
    problems, _ = _post(c, "bases", "bases.xls", b"\xd0\xcf\x11\xe0old excel")
    assert "不支持的文件类型“.xls”" in problems[0][2]


def test_a_very_large_file_is_refused(c, settings):
    settings.KEPU_MAX_IMPORT_BYTES = 20_000
    data = xlsx_bytes(["基地名称", "所属区域", "地址"], [[f"馆{i}", "武进区", "长地址" * 30] for i in range(2000)])
    assert len(data) > 20_000
    problems, _ = _post(c, "bases", "big.xlsx", data)
    assert "文件过大" in problems[0][2] and "上限为" in problems[0][2]


def test_too_many_rows_are_refused(c, settings):
    settings.KEPU_MAX_IMPORT_ROWS = 100
    data = xlsx_bytes(["基地名称", "所属区域"], [[f"馆{i}", "武进区"] for i in range(101)])
    problems, _ = _post(c, "bases", "rows.xlsx", data)
    assert problems == [(None, "", "数据行数超过上限 100 行,请分批导入。")]


def test_a_zip_bomb_xlsx_is_refused_before_parsing(c):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * (200 * 1024 * 1024) + b">")
    data = buf.getvalue()
    assert len(data) < 1024 * 1024
    problems, _ = _post(c, "bases", "bomb.xlsx", data)
    assert "疑似压缩炸弹" in problems[0][2]


def test_csv_with_binary_content_is_refused(c):
    problems, _ = _post(c, "bases", "x.csv", b"\x00\x01\x02binary")
    assert "不是文本格式的 CSV" in problems[0][2]


def test_every_bad_row_is_listed_not_just_the_first(c):
    rows = [["好馆", "武进区", "其他"], ["", "武进区", "其他"], ["馆2", "火星", "其他"], ["馆3", "武进区", "奇怪类"]]
    problems, _page = _post(c, "bases", "x.xlsx", xlsx_bytes(["基地名称", "所属区域", "类别"], rows))
    assert [(r, col) for r, col, _m in problems] == [(3, "基地名称"), (4, "所属区域"), (5, "类别")]
    assert "这个字段不能为空" in problems[0][2] or "不能为空" in problems[0][2]
    assert "“奇怪类”不是有效选项" in problems[2][2]


def test_the_same_base_twice_in_one_file_is_refused_in_the_preview(c, wujin):
    problems, _ = _post(
        c, "bases", "x.xlsx", xlsx_bytes(["基地名称", "所属区域"], [["同名馆", "武进区"], ["同名馆", "320412"]])
    )
    assert problems == [(3, "基地名称", "“武进区 / 同名馆”与文件中第 2 行重复。")]


def test_two_reports_for_the_same_base_and_year_are_refused(c, base):
    data = xlsx_bytes(["基地编号", "年度", "参观人次"], [[base.pk, 2024, 1], [base.pk, 2024, 2]])
    problems, _ = _post(c, "reports", "x.xlsx", data)
    assert problems == [(3, "年度", "“已有馆 / 2024”与文件中第 2 行重复。")]


def test_a_certification_row_with_a_revocation_reason_but_no_date_is_refused(client_for, office_user, wujin, make_base):
    base = make_base(wujin)
    data = xlsx_bytes(
        ["基地编号", "级别", "认定日期", "撤销日期", "撤销原因"], [[base.pk, "市级", "2022-01-01", None, "停止开放"]]
    )
    response = client_for(office_user).post("/bases/import/certifications/", {"file": upload("c.xlsx", data)})
    assert response.status_code == 400
    assert [(p.row, p.column, p.message) for p in response.context["problems"]] == [
        (2, "撤销日期", "填写了撤销原因时必须填写撤销日期。")
    ]
    assert not Certification.objects.filter(base=base).exists()


def test_two_rows_updating_the_same_record_are_refused(client_for, office_user, wujin, make_base):
    base = make_base(wujin, "原名馆")
    data = xlsx_bytes(["编号", "基地名称", "所属区域"], [[base.pk, "改名一", "武进区"], [base.pk, "改名二", "武进区"]])
    response = client_for(office_user).post("/bases/import/bases/", {"file": upload("b.xlsx", data)})
    assert response.status_code == 400
    assert [(p.row, p.column, p.message) for p in response.context["problems"]] == [
        (3, "编号", f"“{base.pk}”与文件中第 2 行重复。")
    ]
    base.refresh_from_db()
    assert base.name == "原名馆"


def test_a_count_of_1e400_or_nan_names_the_row_and_column(c, base):
    # as text, and as number cells Excel cannot hold (openpyxl reads <v>1e400</v> as infinity)
    rows = [
        [base.pk, 2020 + i, visitors, 1] for i, visitors in enumerate(["1e400", "nan", "-inf", 900000001, 900000002])
    ]
    data = xlsx_with_raw_numbers(
        xlsx_bytes(["基地编号", "年度", "参观人次", "志愿者"], rows), {900000001: "1e400", 900000002: "-1e400"}
    )
    problems, _ = _post(c, "reports", "x.xlsx", data)
    assert problems == [
        (2, "参观人次", "“1e400”不是有效的整数。"),
        (3, "参观人次", "“nan”不是有效的整数。"),
        (4, "参观人次", "“-inf”不是有效的整数。"),
        (5, "参观人次", "“inf”不是有效的整数。"),
        (6, "参观人次", "“-inf”不是有效的整数。"),
    ]


def test_an_id_of_1e400_names_the_row_and_column(c, wujin, base):
    data = xlsx_with_raw_numbers(
        xlsx_bytes(
            ["编号", "基地名称", "所属区域"],
            [["1e400", "甲馆", "武进区"], [900000001, "乙馆", "武进区"], ["nan", "丙馆", "武进区"]],
        ),
        {900000001: "1e400"},
    )
    problems, _ = _post(c, "bases", "x.xlsx", data)
    advice = "不是有效的编号:请保留导出文件中的编号,新记录留空。"
    assert problems == [
        (2, "编号", "编号“1e400”" + advice),
        (3, "编号", "编号“inf”" + advice),
        (4, "编号", "编号“nan”" + advice),
    ]


def test_a_decimal_or_a_negative_count_names_the_row_and_column(c, base):
    data = xlsx_bytes(
        ["基地编号", "年度", "参观人次", "志愿者"], [[base.pk, 2023, 12.5, 1], [base.pk, 2024, "-3", "7.0"]]
    )
    problems, _ = _post(c, "reports", "x.xlsx", data)
    assert problems == [(2, "参观人次", "必须是整数(填写的是 12.5)。"), (3, "参观人次", "不能为负数(填写的是 -3)。")]


def test_a_formula_without_a_computed_value_is_named_not_called_empty(c, base):
    # openpyxl writes a formula without its result, as files written by programs (not Excel) may carry it
    data = xlsx_bytes(["基地名称", "所属区域", "地址"], [['="甲"&"馆"', "武进区", "路1号"], ["乙馆", "武进区", "=A2"]])
    problems, _ = _post(c, "bases", "x.xlsx", data)
    advice = "是公式,没有计算结果;请在 Excel 中打开并保存,或粘贴为数值后再上传。"
    assert problems == [(2, "基地名称", "单元格 A2 " + advice), (3, "地址", "单元格 C3 " + advice)]


def test_a_formula_with_its_result_stored_imports_its_result(c, wujin):
    # what Excel saves: the formula and its result; a formula filled down below the data is a blank row
    data = xlsx_bytes(["基地名称", "所属区域", "地址"], [["丙馆", "武进区", '="路"&"1号"'], [None, None, "=A3"]])
    response = c.post("/bases/import/bases/", {"file": upload("x.xlsx", xlsx_with_results(data, {"C2": "路1号"}))})
    assert response.status_code == 200 and "token" in response.context, response.context.get("problems")
    assert response.context["preview_rows"][0][:3] == ["丙馆", "武进区", "路1号"]
