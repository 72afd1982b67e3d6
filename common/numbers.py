"""Counts as clerks write them: 「约200人」, 「1,200人次」, 「１２００」, 「3万」 — understood, or refused by name.

`read_count(text)` gives the whole number a clerk meant and whether it had to be read into (an approximate
word, a unit, separators, full-width digits, 万): a form shows the reading back before it saves, and an import
can say what it read. Anything else — a decimal count, a negative, two numbers, letters — is refused with a
Chinese message; the caller names the field or the cell.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

APPROXIMATE = ("大约", "大概", "约", "近", "超过", "逾", "多于", "达", "共", "计")
UNITS = ("人次", "人", "次", "名", "个", "位", "场", "余", "多", "左右", "以上")
_NUMBER = re.compile(r"^(\d+(?:\.\d+)?)(万)?$")


class CountNotUnderstood(ValueError):
    """The text is not a count; the message (Chinese) says why."""


@dataclass(frozen=True)
class Reading:
    value: int
    exact: bool  # the text was the plain number itself


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)  # full-width digits and commas become ASCII
    return re.sub(r"[\s,，、']", "", text)


def read_count(text) -> Reading:
    """The whole, non-negative number in `text`; raises CountNotUnderstood with a Chinese reason."""
    if isinstance(text, bool):
        raise CountNotUnderstood("不是数字")
    if isinstance(text, int):
        if text < 0:
            raise CountNotUnderstood("不能为负数")
        return Reading(text, True)
    raw = str(text).strip()
    if not raw:
        raise CountNotUnderstood("为空")
    body = _normalise(raw)
    for word in APPROXIMATE:
        if body.startswith(word):
            body = body[len(word) :]
            break
    changed = True
    while changed:
        changed = False
        for unit in UNITS:
            if body.endswith(unit) and len(body) > len(unit):
                body, changed = body[: -len(unit)], True
    if body.startswith("-"):
        raise CountNotUnderstood("不能为负数")
    match = _NUMBER.match(body)
    if not match:
        raise CountNotUnderstood("不是整数")
    try:
        number = Decimal(match.group(1)) * (10000 if match.group(2) else 1)
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise CountNotUnderstood("不是整数") from None
    if number != number.to_integral_value():
        raise CountNotUnderstood("须为整数(人数、次数不能有小数)")
    value = int(number)
    return Reading(value, exact=(raw == str(value)))


class CountField(forms.IntegerField):
    """An integer form field that understands 「约200人」 and 「1,200人次」.

    A reading that was not the plain number is not saved silently: the form re-shows the field holding the
    number it understood, with a message asking the clerk to check it, and the next save (of the plain number)
    goes through."""

    widget = forms.TextInput
    is_count = True  # the form shows what it reads next to the field (static/js/events/events.js)
    default_error_messages = {
        "not_understood": _("“%(text)s”%(why)s,请填写数字,如 200。"),
        "check_reading": _("“%(text)s”已理解为 %(value)s,请核对后再次保存。"),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")
        self.widget.attrs.setdefault("data-count", "1")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            reading = read_count(value)
        except CountNotUnderstood as exc:
            raise forms.ValidationError(
                self.error_messages["not_understood"],
                code="not_understood",
                params={"text": str(value)[:40], "why": str(exc)},
            ) from None
        if not reading.exact:
            raise forms.ValidationError(
                self.error_messages["check_reading"],
                code="check_reading",
                params={"text": str(value)[:40], "value": reading.value},
            )
        return reading.value


def show_readings(form) -> None:
    """After validation: a count field whose only problem is a reading to check shows the number it understood,
    so that saving again confirms it."""
    if not form.is_bound or not form.errors:
        return
    data = form.data.copy() if hasattr(form.data, "copy") else dict(form.data)
    for name, field in form.fields.items():
        if not isinstance(field, CountField) or name not in form.errors:
            continue
        codes = {e.code for e in form.errors.as_data()[name]}
        if codes == {"check_reading"}:
            data[form.add_prefix(name)] = str(read_count(form.data.get(form.add_prefix(name))).value)
    form.data = data
