"""A csv or text sheet goes through the one upload checker (common/uploads.validate_upload, kind "csv") in the bases
and the events import alike: a binary file renamed .csv is refused by name and type before any decoding, while
the csv files Excel writes (UTF-8 with a BOM, GBK, UTF-16 「Unicode 文本」) pass."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from common import uploads
from common.imports.problems import ImportFileError
from common.imports.reading import read_upload
from tests.events.conftest import JPEG_BYTES

CSV_UTF8 = "\ufeff活动名称,开始日期\n科普进社区,2025-09-17\n".encode()
CSV_GBK = "活动名称,开始日期\n科普进社区,2025-09-17\n".encode("gbk")
TXT_UTF16 = "活动名称\t开始日期\r\n科普进社区\t2025-09-17\r\n".encode("utf-16")
BINARY = b"\x00\x01\x02\x03binary\x00" * 50


@pytest.mark.parametrize("name,data", [("a.csv", CSV_UTF8), ("a.csv", CSV_GBK), ("a.txt", TXT_UTF16)])
def test_what_excel_writes_passes(name, data):
    assert uploads.validate_upload(SimpleUploadedFile(name, data), kinds=("csv",)) == "csv"


@pytest.mark.parametrize(
    "data,actual",
    [(JPEG_BYTES, "实际内容:JPG 图片"), (BINARY, "含有二进制内容"), (b"MZ\x90\x00\x03" + b"\x00" * 60, "可执行程序")],
)
def test_a_binary_file_named_csv_is_refused_naming_the_file(data, actual):
    with pytest.raises(ValidationError) as refused:
        uploads.validate_upload(SimpleUploadedFile("活动表.csv", data), kinds=("csv",), label="文件")
    message = " ".join(refused.value.messages)
    assert "“活动表.csv”不是文本格式的 CSV" in message and actual in message


def test_the_import_reader_sends_a_csv_through_the_checker():
    with pytest.raises(ImportFileError) as refused:
        read_upload(JPEG_BYTES, "基地.csv", ["活动名称", "开始日期"], ["活动名称"])
    assert "不是文本格式的 CSV(实际内容:JPG 图片)" in str(refused.value.problems[0].message)
    upload = read_upload(CSV_GBK, "基地.csv", ["活动名称", "开始日期"], ["活动名称"])
    assert upload.fmt == "csv"


@pytest.mark.django_db
def test_the_events_import_refuses_a_photo_renamed_csv(client, wujin_user):
    from django.urls import reverse

    client.force_login(wujin_user)
    response = client.post(reverse("events:import"), {"file": SimpleUploadedFile("活动安排表.csv", JPEG_BYTES)})
    assert response.status_code in (200, 400)
    assert "不是文本格式的 CSV" in response.content.decode()
