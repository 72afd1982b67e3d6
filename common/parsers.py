"""Request parsers: JSON that cannot exhaust the server."""

from __future__ import annotations

import json

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MESSAGE = "JSON 格式错误:嵌套层数超过 %d 层。"


def _depth_ok(text: str, limit: int) -> bool:
    """Bracket depth outside strings, without building anything (linear, no recursion)."""
    depth, in_string, escaped = 0, False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return False
        elif ch in "]}":
            depth -= 1
    return True


class BoundedJSONParser(JSONParser):
    """DRF's JSONParser, refusing bodies nested deeper than KEPU_MAX_JSON_DEPTH (a 400, never a RecursionError)."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.KEPU_MAX_JSON_DEPTH
        raw = stream.read()
        try:
            text = raw.decode((parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET)
        except UnicodeDecodeError:
            raise ParseError("JSON 格式错误:不是有效的 UTF-8 文本。") from None
        if not _depth_ok(text, limit):
            raise ParseError(MESSAGE % limit)
        try:
            return json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"JSON 格式错误:{exc}") from None
