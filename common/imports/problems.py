"""Problems of an import: (spreadsheet row, column, Chinese message), and the whole-file refusal."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _


@dataclass
class Problem:
    row: int | None  # spreadsheet row number (the header is row 1); None = the whole file
    column: str
    message: str

    def __str__(self) -> str:
        where = []
        if self.row:
            where.append(_("第 %(row)s 行") % {"row": self.row})
        if self.column:
            where.append(_("“%(column)s”列") % {"column": self.column})
        return ("".join(where) + ":" if where else "") + self.message


class ImportFileError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def file_problem(message: str) -> ImportFileError:
    return ImportFileError([Problem(None, "", message)])


def too_large(size: int, max_bytes: int | None = None) -> ImportFileError:
    max_bytes = max_bytes or settings.KEPU_MAX_IMPORT_BYTES
    return file_problem(
        _("文件过大(%(size).2f MB),上限为 %(limit).2f MB。请分批导入。")
        % {"size": size / 1048576, "limit": max_bytes / 1048576}
    )


def _message(error) -> str:
    if isinstance(error, IntegrityError):
        return _("数据与已有记录冲突(重复或引用无效),该行未导入。")
    if isinstance(error, ValidationError):
        return ";".join(error.messages)
    text = str(error)
    return text if re.search(r"[\u4e00-\u9fff]", text) else _("该行无法导入:%(error)s") % {"error": text}


def collect_problems(result, resource, row_numbers: list[int]) -> list[Problem]:
    """Every error of an import-export Result as Chinese (row, column, message) problems."""

    def rownum(number):
        return row_numbers[number - 1] if number and number <= len(row_numbers) else number

    problems = [Problem(None, "", _message(e.error)) for e in result.base_errors]
    for number, errors in result.row_errors():
        for e in errors:
            problems.append(Problem(rownum(number), "", _message(e.error)))
    for invalid in result.invalid_rows:
        for attribute, msgs in invalid.error_dict.items():
            for m in msgs:
                problems.append(Problem(rownum(invalid.number), resource.column_for(attribute), str(m)))
    problems.sort(key=lambda p: (p.row or 0, p.column))
    return problems


def problems_json(problems: list[Problem]) -> str:
    return json.dumps([asdict(p) for p in problems], ensure_ascii=False)
