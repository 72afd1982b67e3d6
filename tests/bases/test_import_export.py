"""Excel/CSV in and out: template, preview → confirm, all-or-nothing, re-import updates, district isolation."""

import datetime as dt
import io

import openpyxl
import pytest

from bases.models import Base, BaseAnnualReport, Certification
from bases.resources import BaseResource

from .conftest import upload, xlsx_bytes

D = dt.date
BASE_HEADERS = BaseResource.column_names()


def _import(client, kind, name, data):
    """Upload, then confirm when the preview passed. Returns (upload response, confirm response or None)."""
    first = client.post(f"/bases/import/{kind}/", {"file": upload(name, data)})
    if first.status_code != 200 or "token" not in first.context:
        return first, None
    second = client.post(f"/bases/import/{kind}/", {"token": first.context["token"]})
    return first, second


def _problems(response):
    return [(p.row, p.column, p.message) for p in response.context["problems"]]


def test_template_downloads_have_the_chinese_headers(client_for, wujin_user):
    c = client_for(wujin_user)
    response = c.get("/bases/template/bases/?format=xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in ws[1]] == BASE_HEADERS
    assert BASE_HEADERS[:4] == ["编号", "基地名称", "所属区域", "依托单位"]
    csv_text = c.get("/bases/template/reports/?format=csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("编号,基地编号,基地名称,所属区域,年度,开放天数")


def test_upload_shows_a_preview_and_writes_only_after_confirm(client_for, wujin_user, wujin):
    c = client_for(wujin_user)
    data = xlsx_bytes(
        ["基地名称", "所属区域", "类别", "主题"], [["湖塘科技馆", "武进区", "科技场馆类(综合)", "气象、应急"]]
    )
    first = c.post("/bases/import/bases/", {"file": upload("bases.xlsx", data)})
    assert first.status_code == 200 and first.context["outcome"].new == 1
    assert "湖塘科技馆" in first.content.decode()
    assert not Base.objects.filter(name="湖塘科技馆").exists()  # preview writes nothing
    second = c.post("/bases/import/bases/", {"token": first.context["token"]})
    assert second.status_code == 302
    base = Base.objects.get(name="湖塘科技馆")
    assert base.region == wujin and base.category == "venue_general"
    assert sorted(base.themes.values_list("name", flat=True)) == ["应急", "气象"]
    assert base.history.first().history_user == wujin_user
    # the token is single-use
    assert c.post("/bases/import/bases/", {"token": first.context["token"]}).status_code == 400


def test_reimporting_an_exported_file_updates_rather_than_duplicates(
    client_for, office_user, wujin, make_base, certify
):
    base = make_base(wujin, "导出馆", address="旧地址")
    certify(base, "municipal", D(2022, 5, 20), certificate_no="CZKP-2022-0001")
    BaseAnnualReport.objects.create(base=base, year=2023, visitors=100)
    c = client_for(office_user)
    for kind in ("bases", "certifications", "reports"):
        exported = c.get(f"/bases/export/{kind}/?format=xlsx").content
        wb = openpyxl.load_workbook(io.BytesIO(exported))
        ws = wb.active
        headers = [cell.value for cell in ws[1]]
        if kind == "bases":
            ws.cell(row=2, column=headers.index("地址") + 1, value="新地址")
        if kind == "reports":
            ws.cell(row=2, column=headers.index("参观人次") + 1, value=250)
        buf = io.BytesIO()
        wb.save(buf)
        first, second = _import(c, kind, f"{kind}.xlsx", buf.getvalue())
        assert second is not None and second.status_code == 302, _problems(first)
        assert first.context["outcome"].updated == 1 and first.context["outcome"].new == 0
    assert Base.objects.count() == 1 and Certification.objects.count() == 1 and BaseAnnualReport.objects.count() == 1
    base.refresh_from_db()
    assert base.address == "新地址"
    assert BaseAnnualReport.objects.get().visitors == 250


def test_a_filled_template_without_ids_imported_twice_does_not_duplicate(client_for, wujin_user, wujin):
    c = client_for(wujin_user)
    data = xlsx_bytes(["编号", "基地名称", "所属区域"], [[None, "重复导入馆", "320412"]])
    _import(c, "bases", "a.xlsx", data)
    first, _second = _import(c, "bases", "a.xlsx", data)
    assert first.context["outcome"].updated == 1
    assert Base.objects.filter(name="重复导入馆").count() == 1


def _district_sheet(title_rows, header, rows) -> bytes:
    """A district's own sheet: title rows merged across the columns above the header."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for index, title in enumerate(title_rows, start=1):
        ws.cell(index, 1, title)
        ws.merge_cells(start_row=index, start_column=1, end_row=index, end_column=len(header))
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_district_sheet_with_a_merged_title_row_above_the_header_imports(client_for, wujin_user, wujin):
    data = _district_sheet(
        ["武进区科普教育基地汇总表"],
        ["基地名称", "所属区域", "开放方式"],
        [["淹城遗址科普馆", "武进区", "免费开放"], ["", "武进区", "免费开放"]],
    )
    first, _second = _import(client_for(wujin_user), "bases", "武进区汇总.xlsx", data)
    assert [(row, column) for row, column, _m in _problems(first)] == [(4, "基地名称")]  # the sheet's row numbers
    data = _district_sheet(
        ["武进区科普教育基地汇总表", "填报单位:武进区科协    2024年5月"],
        ["基地名称", "所属区域", "开放方式"],
        [["淹城遗址科普馆", "武进区", "免费开放"]],
    )
    first, second = _import(client_for(wujin_user), "bases", "武进区汇总.xlsx", data)
    assert second.status_code == 302, _problems(first)
    assert Base.objects.get(name="淹城遗址科普馆").opening_policy == "free"
    csv_data = "武进区科普教育基地汇总表,,\n基地名称,所属区域,开放方式\n西太湖科普馆,武进区,免费开放\n".encode(
        "utf-8-sig"
    )
    first, second = _import(client_for(wujin_user), "bases", "汇总.csv", csv_data)
    assert second.status_code == 302, _problems(first)


def test_a_sheet_without_a_known_column_in_its_first_rows_is_told_the_header_was_not_found(client_for, wujin_user):
    data = _district_sheet(["武进区科普教育基地汇总表"], ["名称", "区域"], [["淹城遗址科普馆", "武进区"]])
    first, _second = _import(client_for(wujin_user), "bases", "x.xlsx", data)
    assert first.status_code == 400
    assert _problems(first) == [
        (
            None,
            "",
            "没有找到表头行:文件前 6 行中没有模板的列名({})。请使用下载的模板填写。".format("、".join(BASE_HEADERS)),
        )
    ]


def test_every_downloaded_template_filled_in_imports(client_for, office_user, wujin, make_base):
    c = client_for(office_user)
    base = make_base(wujin, "模板馆")
    rows = {
        "bases": {"基地名称": "模板新馆", "所属区域": "武进区", "类别": "公共场所类", "开放方式": "免费开放"},
        "certifications": {"基地编号": base.pk, "级别": "市级", "认定日期": "2024-05-27"},
        "reports": {"基地编号": base.pk, "年度": 2024, "参观人次": 1200},
    }
    for kind, values in rows.items():
        template = c.get(f"/bases/template/{kind}/?format=xlsx")
        wb = openpyxl.load_workbook(io.BytesIO(template.content))
        ws = wb.active
        headers = [cell.value for cell in ws[1]]
        ws.append([values.get(h) for h in headers])
        buf = io.BytesIO()
        wb.save(buf)
        first, second = _import(c, kind, f"{kind}.xlsx", buf.getvalue())
        assert second is not None and second.status_code == 302, (kind, _problems(first))
    assert Base.objects.filter(name="模板新馆").exists() and base.annual_reports.get().visitors == 1200


def test_csv_import_works_with_gbk_encoding(client_for, wujin_user, wujin):
    data = "基地名称,所属区域,开放方式\n西太湖湿地公园,武进区,免费开放\n".encode("gb18030")
    _first, second = _import(client_for(wujin_user), "bases", "bases.csv", data)
    assert second.status_code == 302
    assert Base.objects.get(name="西太湖湿地公园").opening_policy == "free"


CSV_TEXT = "基地名称{d}所属区域{d}开放方式\r\n{name}{d}武进区{d}免费开放\r\n"


@pytest.mark.parametrize(
    "encoding, bom, delimiter",
    [
        ("utf-16-le", b"\xff\xfe", "\t"),  # Excel's "Unicode 文本" save
        ("utf-16-le", b"\xff\xfe", ","),
        ("utf-16-be", b"\xfe\xff", "\t"),
        ("utf-8", b"\xef\xbb\xbf", ","),  # Excel's "CSV UTF-8"
        ("utf-8", b"", "\t"),
        ("gbk", b"", ","),  # Excel's plain "CSV" on a Chinese Windows
    ],
    ids=["utf16le-tab", "utf16le-comma", "utf16be-tab", "utf8-bom", "utf8-tab", "gbk"],
)
@pytest.mark.parametrize("extension", [".csv", ".txt"])
def test_csv_import_takes_utf16_utf8_and_gbk_with_commas_or_tabs(
    client_for, wujin_user, wujin, encoding, bom, delimiter, extension
):
    data = bom + CSV_TEXT.format(d=delimiter, name="西太湖“科普”馆").encode(encoding)
    first, second = _import(client_for(wujin_user), "bases", "基地" + extension, data)
    assert second is not None and second.status_code == 302, _problems(first)
    assert Base.objects.get(name="西太湖“科普”馆").opening_policy == "free"


@pytest.mark.parametrize(
    "data, message",
    [
        (
            "Price €5,Région\n".encode("cp1252"),
            "无法识别文件“基地.csv”的编码。请在 Excel 中另存为“CSV UTF-8(逗号分隔)”或“Unicode 文本”后再上传。",
        ),
        (
            CSV_TEXT.format(d="\t", name="馆").encode("utf-16-le"),  # UTF-16 without its BOM
            "文件“基地.csv”不是文本格式的 CSV(含有二进制内容),可能是其他格式改了扩展名。"
            "请在 Excel 中另存为“CSV UTF-8(逗号分隔)”或“Unicode 文本”后再上传。",
        ),
        (
            b"\xff\xfe" + "基地名称".encode("utf-16-le") + b"\x00",  # odd length: cut short
            "无法识别文件“基地.csv”的编码。请在 Excel 中另存为“CSV UTF-8(逗号分隔)”或“Unicode 文本”后再上传。",
        ),
    ],
    ids=["cp1252", "utf16-without-bom", "utf16-cut-short"],
)
def test_a_csv_of_an_unknown_encoding_is_named(client_for, wujin_user, data, message):
    first, _second = _import(client_for(wujin_user), "bases", "基地.csv", data)
    assert first.status_code == 400 and _problems(first) == [(None, "", message)]


def test_district_import_cannot_touch_another_region_and_names_the_row(
    client_for, tianning_user, wujin, tianning, make_base
):
    wujin_base = make_base(wujin, "武进馆")
    c = client_for(tianning_user)
    data = xlsx_bytes(["基地名称", "所属区域"], [["天宁新馆", "天宁区"], ["越界馆", "武进区"]])
    first, second = _import(c, "bases", "x.xlsx", data)
    assert first.status_code == 400 and second is None
    assert _problems(first) == [(3, "所属区域", "“武进区”不在您的管辖范围(天宁区)内,不能导入该行。")]
    assert not Base.objects.filter(name__in=["天宁新馆", "越界馆"]).exists()  # all or nothing
    # updating a wujin base by its id: not found in the user's scope
    data = xlsx_bytes(["编号", "基地名称", "所属区域"], [[wujin_base.pk, "改名", "天宁区"]])
    first, _ = _import(c, "bases", "x.xlsx", data)
    assert first.status_code == 400
    assert _problems(first)[0][:2] == (2, "编号") and "不在您的管理范围" in _problems(first)[0][2]
    # annual reports for a wujin base
    data = xlsx_bytes(["基地编号", "年度", "参观人次"], [[wujin_base.pk, 2024, 10]])
    first, _ = _import(c, "reports", "r.xlsx", data)
    assert first.status_code == 400 and _problems(first)[0][:2] == (2, "基地编号")
    wujin_base.refresh_from_db()
    assert wujin_base.name == "武进馆" and not wujin_base.annual_reports.exists()


def test_import_is_all_or_nothing_when_the_last_row_is_bad(client_for, office_user, wujin):
    rows = [[f"馆{i}", "武进区"] for i in range(50)] + [["坏行", "火星区"]]
    first, second = _import(client_for(office_user), "bases", "x.xlsx", xlsx_bytes(["基地名称", "所属区域"], rows))
    assert first.status_code == 400 and second is None
    assert _problems(first) == [(52, "所属区域", "未知的区域“火星区”。")]
    assert Base.objects.count() == 0


def test_confirm_rolls_back_everything_if_the_data_changed_since_the_preview(
    client_for, office_user, wujin, make_base, certify
):
    c = client_for(office_user)
    base = make_base(wujin)
    data = xlsx_bytes(
        ["基地编号", "级别", "认定日期", "证书编号"],
        [[base.pk, "市级", "2024-05-27", "CZ-1"], [base.pk, "省级", "2024-12-18", "CZ-2"]],
    )
    first = c.post("/bases/import/certifications/", {"file": upload("c.xlsx", data)})
    assert first.status_code == 200
    certify(make_base(wujin), "municipal", D(2020, 1, 1), certificate_no="CZ-2")  # someone took CZ-2 meanwhile
    second = c.post("/bases/import/certifications/", {"token": first.context["token"]})
    assert second.status_code == 400
    assert _problems(second) == [(3, "证书编号", "证书编号已被其他认定记录使用。")]
    assert not base.certifications.exists()


def test_certification_import_sets_the_default_cycle_and_status(client_for, office_user, wujin, make_base):
    base = make_base(wujin)
    data = xlsx_bytes(
        ["基地编号", "级别", "认定日期", "有效期至", "证书编号"],
        [[base.pk, "市级", dt.datetime(2019, 5, 28), None, "CZ-9"], [base.pk, "省级", "2024/12/18", None, ""]],
    )
    first, second = _import(client_for(office_user), "certifications", "c.xlsx", data)
    assert second.status_code == 302, _problems(first)
    old, new = base.certifications.order_by("certified_on")
    assert (old.valid_until, old.status) == (D(2024, 5, 27), "expired")
    assert (new.level, new.valid_until, new.status, new.certificate_no) == ("provincial", D(2029, 12, 17), "valid", "")


def test_export_in_csv_has_a_bom_and_chinese_labels(client_for, office_user, wujin, make_base, certify):
    certify(make_base(wujin, "标签馆"), "national", D(2024, 1, 1))
    content = client_for(office_user).get("/bases/export/certifications/?format=csv").content
    assert content.startswith("\ufeff".encode())
    text = content.decode("utf-8-sig")
    assert "标签馆" in text and "国家级" in text and "有效" in text


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_respects_the_list_filters(client_for, office_user, wujin, tianning, make_base, fmt):
    make_base(wujin, "武进甲")
    make_base(tianning, "天宁乙")
    response = client_for(office_user).get(f"/bases/export/bases/?format={fmt}&region=320402")
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
    else:
        ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
        text = " ".join(str(c.value) for row in ws.iter_rows() for c in row)
    assert "天宁乙" in text and "武进甲" not in text


def test_a_bulk_import_keeps_one_history_record_per_row_with_its_themes_and_reimport_updates_them(
    client_for, wujin_user, wujin
):
    from bases.models import Theme

    c = client_for(wujin_user)
    data = xlsx_bytes(["基地名称", "所属区域", "主题"], [["甲馆", "武进区", "气象、应急"], ["乙馆", "武进区", ""]])
    _import(c, "bases", "a.xlsx", data)
    a = Base.objects.get(name="甲馆")
    (created,) = a.history.all()
    assert (created.history_type, created.history_user) == ("+", wujin_user)
    assert sorted(t.theme.name for t in created.themes.all()) == ["应急", "气象"]
    Base.objects.filter(pk=a.pk).update(updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    data = xlsx_bytes(["编号", "基地名称", "所属区域", "地址", "主题"], [[a.pk, "甲馆", "武进区", "新地址", "水情"]])
    first, second = _import(c, "bases", "b.xlsx", data)
    assert second.status_code == 302 and first.context["outcome"].updated == 1
    a.refresh_from_db()
    assert a.address == "新地址" and list(a.themes.values_list("name", flat=True)) == ["水情"]
    changed, _created = a.history.all()
    assert (changed.history_type, changed.history_user, changed.address) == ("~", wujin_user, "新地址")
    assert [t.theme_id for t in changed.themes.all()] == [Theme.objects.get(name="水情").pk]
    assert a.updated_at.year > 2020  # bulk_update keeps auto_now
    assert Base.objects.get(name="乙馆").history.count() == 1  # untouched by the second file


def test_renaming_a_base_by_id_onto_another_base_of_its_region_is_refused(client_for, office_user, wujin, make_base):
    a, b = make_base(wujin, "甲馆"), make_base(wujin, "乙馆")
    data = xlsx_bytes(["编号", "基地名称", "所属区域"], [[a.pk, "乙馆", "武进区"]])
    first, second = _import(client_for(office_user), "bases", "x.xlsx", data)
    assert first.status_code == 400 and second is None
    assert _problems(first) == [(2, "", "该区域已有同名基地。")]
    a.refresh_from_db()
    assert a.name == "甲馆" and b.name == "乙馆"


def test_a_database_error_in_a_later_batch_rolls_back_the_whole_import(office_user, wujin, monkeypatch):
    from django.db import IntegrityError

    from common.imports import read_upload, run_import
    from common.imports import resource as imports

    calls = {"n": 0}
    real = imports.bulk_create_with_history

    def fail_second_batch(objs, model, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise IntegrityError("duplicate key")
        return real(objs, model, **kwargs)

    monkeypatch.setattr(imports, "bulk_create_with_history", fail_second_batch)
    rows = [[f"批量馆{i:04d}", "武进区"] for i in range(700)]  # two batches of 500
    upload_ = read_upload(xlsx_bytes(["基地名称", "所属区域"], rows), "x.xlsx", BASE_HEADERS, ["基地名称", "所属区域"])
    outcome = run_import(BaseResource(user=office_user), upload_, dry_run=False)
    assert calls["n"] == 2
    assert [p.message for p in outcome.problems] == ["数据与已有记录冲突(重复或引用无效),该行未导入。"]
    assert Base.objects.count() == 0 and Base.history.count() == 0


def test_a_bulk_reimport_of_annual_reports_updates_them_with_history(client_for, office_user, wujin, make_base):
    base = make_base(wujin)
    report = BaseAnnualReport.objects.create(base=base, year=2023, visitors=10, open_days=100)
    data = xlsx_bytes(
        ["编号", "基地编号", "年度", "参观人次", "开放天数"],
        [[report.pk, base.pk, 2023, 99, 120], [None, base.pk, 2024, 5, 10]],
    )
    first, second = _import(client_for(office_user), "reports", "r.xlsx", data)
    assert second.status_code == 302, _problems(first)
    report.refresh_from_db()
    assert (report.visitors, report.open_days) == (99, 120)
    assert report.history.first().history_user == office_user and report.history.first().history_type == "~"
    assert base.annual_reports.get(year=2024).history.get().history_type == "+"
