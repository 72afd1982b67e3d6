"""drf-spectacular pieces: the schema view (login required), and post-processing hooks that document the error
responses every operation can give and write choice lists as plain text.

DRF answers 400 (validation, bad filter value), 401 (no or bad credentials — token auth sends
WWW-Authenticate), 403 (role not allowed), 404 (unknown id or another region's object) and 429
(axes lockout on the token endpoint) with a JSON body, and 409 when a write on one object (a
workflow action or an edit) carries a stale `version` (common/workflow.ConflictError); schemathesis checks every
response against the schema, so each operation lists them. An operation that already documents a code keeps its own.
"""

from __future__ import annotations

import re

from drf_spectacular.views import SpectacularAPIView
from rest_framework.renderers import JSONRenderer

ERROR_SCHEMA_NAME = "ErrorDetail"
VALIDATION_SCHEMA_NAME = "ValidationError"

ERRORS = {
    "400": ("请求参数无效 / invalid input", VALIDATION_SCHEMA_NAME),
    "401": ("未登录或凭据无效 / not authenticated", ERROR_SCHEMA_NAME),
    "403": ("无权执行此操作 / permission denied", ERROR_SCHEMA_NAME),
    "404": ("记录不存在或不在您的范围内 / not found", ERROR_SCHEMA_NAME),
    "409": ("记录已被他人修改,请刷新后重试 / stale version", ERROR_SCHEMA_NAME),
    "429": ("登录失败次数过多,已锁定 / locked out", ERROR_SCHEMA_NAME),
}
OBJECT_WRITES = ("put", "patch", "post", "delete")


def add_error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault(
        ERROR_SCHEMA_NAME,
        {
            "type": "object",
            "properties": {"detail": {"type": "string"}},
            "required": ["detail"],
        },
    )
    # DRF validation errors: {"field": ["message", …], "non_field_errors": […]} or {"detail": "…"}
    # (nested serializers nest the same shape), or a plain list of messages.
    components.setdefault(
        VALIDATION_SCHEMA_NAME,
        {
            "oneOf": [
                {"type": "object", "additionalProperties": {}},
                {"type": "array", "items": {}},
            ],
        },
    )
    for path, path_item in result.get("paths", {}).items():
        for method, operation in path_item.items():
            if method not in ("get", "put", "patch", "post", "delete", "head", "options", "trace"):
                continue
            responses = operation.setdefault("responses", {})
            for code, (description, schema_name) in ERRORS.items():
                if code == "429" and "/auth/token/" not in path:
                    continue
                if code == "409" and not (method in OBJECT_WRITES and "{" in path):
                    continue
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}},
                    },
                )
    return result


CHOICE_LINE = re.compile(r"^\* `([^`\n]*)` - ", re.MULTILINE)


def plain_choice_descriptions(result, generator, request, public):
    """drf-spectacular lists an enum's choices as Markdown (「* `draft` - 草稿」); write them as plain text
    (「* draft - 草稿」) so that no description in the schema carries code formatting."""

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "description" and isinstance(value, str):
                    node[key] = CHOICE_LINE.sub(r"* \1 - ", value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result)
    return result


class SchemaView(SpectacularAPIView):
    """/api/schema/ for logged-in users and token holders (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]). A refusal
    is the API's JSON error body ({"detail": "…"}), not the error rendered as an OpenAPI YAML document."""

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        self.request.accepted_renderer, self.request.accepted_media_type = JSONRenderer(), "application/json"
        return response
