"""/api/schema/ and /api/docs/ need a login, and the schema's descriptions are written for API users: no view or
serializer docstring (those describe the code: 「`run_transition(request, action)`: …」) ends up in it."""

import inspect
import re

import pytest
import yaml
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("accounts", "common", "programs", "bases", "events", "indicators", "kepu_portal")
CALL = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*\(", re.ASCII)  # a Python call: name( or obj.method(


def descriptions(node, where=""):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "description" and isinstance(value, str):
                yield where, value
            else:
                yield from descriptions(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from descriptions(value, f"{where}/{i}")


def schema_as(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_the_schema_answers_a_logged_in_user_and_a_token_but_not_an_anonymous_visitor(wujin_user, client_for):
    anonymous = APIClient().get("/api/schema/")
    assert anonymous.status_code == 401
    assert anonymous["Content-Type"] == "application/json"
    assert "身份认证信息未提供" in anonymous.json()["detail"]
    assert "paths" in schema_as(client_for(wujin_user))
    key = (
        APIClient()
        .post("/api/v1/auth/token/", {"username": "wujin1", "password": "pw-wujin1"}, format="json")
        .json()["token"]
    )
    token_client = APIClient()
    token_client.credentials(HTTP_AUTHORIZATION="Token " + key)
    assert "paths" in schema_as(token_client)  # what schemathesis (tests/ops/test_api_fuzz.py) does


def test_the_docs_send_an_anonymous_visitor_to_the_login_page(wujin_user, client_for):
    response = Client().get("/api/docs/")
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=/api/docs/"
    assert Client().get("/api/docs/?script=").status_code == 302  # the Swagger UI initialiser too
    assert client_for(wujin_user).get("/api/docs/").status_code == 200


def test_no_docstring_of_a_view_or_serializer_is_a_description_in_the_schema(office_user, client_for):
    from rest_framework.serializers import BaseSerializer
    from rest_framework.views import APIView

    texts = [text for _, text in descriptions(schema_as(client_for(office_user)))]
    assert texts
    joined = "\n".join(texts)
    assert "run_transition" not in joined and "transition_service" not in joined

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    docstrings = set()
    classes = {base for cls in (*subclasses(APIView), *subclasses(BaseSerializer)) for base in cls.__mro__}
    for cls in classes:  # the views and serializers and the mixins they are made of
        if cls.__module__.split(".")[0] in PROJECT_APPS and cls.__doc__:
            first_line = inspect.cleandoc(cls.__doc__).splitlines()[0].strip()
            if len(first_line) > 12:
                docstrings.add(first_line)
    assert any("run_transition" in doc for doc in docstrings)  # the mixin's docstring is among them
    leaked = sorted(doc for doc in docstrings if doc in joined)
    assert leaked == []


def test_no_description_carries_code_backticks_or_python_calls(office_user, client_for):
    bad = [
        (where, text)
        for where, text in descriptions(schema_as(client_for(office_user)))
        if "`" in text or CALL.search(text)
    ]
    assert bad == []


def test_choices_are_still_described_in_plain_text(office_user, client_for):
    schema = schema_as(client_for(office_user))
    status = schema["components"]["schemas"]["ActivityReturnStatusEnum"]["description"]
    assert "draft - 草稿" in status and "approved - 已通过" in status


def test_an_explicit_description_is_kept(office_user, client_for):
    schema = schema_as(client_for(office_user))
    post = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert "KEPU_TOKEN_TTL_HOURS" not in post["description"]  # written for users, not operators
    assert "小时" in post["description"] and "429" in post["description"]
    assert "204" in schema["paths"]["/api/v1/auth/token/"]["delete"]["responses"]
