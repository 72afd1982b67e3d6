"""Links a user typed: only http and https URLs are stored as links, and only those are rendered as an ``href``.

* ``validate_http_url`` — a model/form validator for one URL (a base's website).
* ``validate_http_links`` — a validator for text holding one link per line (an activity's news links);
  the message names the bad line: 「第 2 行“javascript:alert(8)//…”不是 http 或 https 链接…」.
* ``is_http_url`` — the same test for rendering (the ``is_http_url`` template filter in
  ``common/templatetags/links.py``): a value stored before the validator existed renders as plain text.

Both are plain functions, not ``URLValidator`` subclasses, so DRF's ModelSerializer keeps them on the
API fields too (it drops ``URLValidator`` instances from a URLField's model validators).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

ALLOWED_SCHEMES = ("http", "https")
SHOWN_CHARACTERS = 60
_url_validator = URLValidator(schemes=list(ALLOWED_SCHEMES))


def is_http_url(value) -> bool:
    """True for an absolute http(s) URL with a host and no whitespace or control characters."""
    if not isinstance(value, str) or not value or value != value.strip():
        return False
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in ALLOWED_SCHEMES and bool(parts.netloc)


def _valid(value: str) -> bool:
    if not is_http_url(value):
        return False
    try:
        _url_validator(value)
    except ValidationError:
        return False
    return True


def _shown(text: str) -> str:
    return text if len(text) <= SHOWN_CHARACTERS else text[:SHOWN_CHARACTERS] + "…"


def validate_http_url(value) -> None:
    """One http or https URL (blank is left to the field's `blank`)."""
    text = (value or "").strip()
    if text and not _valid(text):
        raise ValidationError(
            _("“%(url)s”不是 http 或 https 链接,请填写以 http:// 或 https:// 开头的网址。") % {"url": _shown(text)},
            code="http_url",
        )


def validate_http_links(value) -> None:
    """Text with one http or https link per line (blank lines are ignored); every bad line is named."""
    messages = []
    for number, line in enumerate((value or "").splitlines(), start=1):
        text = line.strip()
        if text and not _valid(text):
            messages.append(
                _("第 %(line)s 行“%(url)s”不是 http 或 https 链接,请填写以 http:// 或 https:// 开头的网址。")
                % {"line": number, "url": _shown(text)}
            )
    if messages:
        raise ValidationError(messages, code="http_url")
