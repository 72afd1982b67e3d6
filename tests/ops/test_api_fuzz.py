"""schemathesis over every operation in /api/schema/: no 5xx, every response matches the schema.

Generic: the operations come from the live schema (which needs a login: schemathesis fetches it with the
user's token), so endpoints added by other apps are fuzzed without touching this file; only the token's own
revocation (DELETE /api/v1/auth/token/) is left out. Bounded for CI: KEPU_FUZZ_EXAMPLES (default 10) examples
per operation, the examples and fuzzing phases (KEPU_FUZZ_PHASES), two workers, fixed seed, no stateful phase —
about a minute per user for the 58 operations. `make fuzz` (manual or nightly) runs this module on PostgreSQL
with KEPU_FUZZ_PHASES=examples,coverage,fuzzing: the exhaustive coverage phase brings it to ~9,100 cases per user
(9,111 office, 9,147 district; the schema has no examples, so that phase is skipped), 8-11 minutes per user here,
0 server errors. KEPU_FUZZ_REPORT_DIR keeps each user's report (make fuzz: var/fuzz/).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
    ]
)


def schemathesis_cli() -> list[str]:
    exe = Path(sys.executable).with_name("schemathesis")
    return [str(exe)] if exe.exists() else [shutil.which("schemathesis") or "schemathesis"]


def run_schemathesis(base_url: str, token: str, tmp_path) -> subprocess.CompletedProcess:
    cmd = schemathesis_cli() + [
        "run",
        f"{base_url}/api/schema/",
        "--header",
        f"Authorization: Token {token}",
        "--checks",
        CHECKS,
        "--max-examples",
        os.environ.get("KEPU_FUZZ_EXAMPLES", "10"),
        "--phases",
        os.environ.get("KEPU_FUZZ_PHASES", "examples,fuzzing"),
        "--workers",
        "2",
        "--seed",
        "20251",
        "--request-timeout",
        "20",
        "--suppress-health-check",
        "all",
        "--warnings",
        "off",
        "--output-truncate",
        "true",
        "--no-color",
        # DELETE /api/v1/auth/token/ revokes the very token the run authenticates with: every later case would be
        # a 401. It is covered by tests/ops/test_tokens.py instead.
        "--exclude-operation-id",
        "v1_auth_token_destroy",
    ]
    env = dict(os.environ, NO_COLOR="1", SCHEMATHESIS_HOOKS="")
    timeout = 3600 if "coverage" in os.environ.get("KEPU_FUZZ_PHASES", "") else 900
    return subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def fuzz_user(request, ensure_plan):
    persona = request.getfixturevalue(request.param)
    return persona, Token.objects.create(user=persona).key


@pytest.mark.services  # once, in the PostgreSQL pass (stricter than SQLite: integer overflow, text encoding)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fuzz_user", ["office_user", "wujin_user"], indirect=True)
def test_every_api_operation_survives_generated_input_without_5xx_and_matches_its_schema(
    fuzz_user, live_server, tmp_path
):
    user, token = fuzz_user
    result = run_schemathesis(live_server.url, token, tmp_path)
    output = result.stdout + result.stderr
    print(output)  # the whole report lands in the failure's captured stdout; the assertion shows only its tail
    if os.environ.get("KEPU_FUZZ_REPORT_DIR"):  # `make fuzz` keeps each user's report and prints its figures
        report_dir = Path(os.environ["KEPU_FUZZ_REPORT_DIR"])
        report_dir.mkdir(parents=True, exist_ok=True)
        (report_dir / f"schemathesis-{user.username}.txt").write_text(result.stdout)
    assert "API Operations:" in output, output[-3000:]
    assert result.returncode == 0, f"schemathesis found problems for {user.username}:\n{output[-12000:]}"
    assert "passed" in output


def test_the_schema_documents_error_responses_on_every_operation(client_for, office_user):
    import yaml

    schema = yaml.safe_load(client_for(office_user).get("/api/schema/").content)
    operations = [(path, method, op) for path, item in schema["paths"].items() for method, op in item.items()]
    assert operations
    for path, method, op in operations:
        assert {"400", "401", "403", "404"} <= set(op["responses"]), (path, method)
    assert "429" in schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    # a stale `version` on an object's workflow action is a documented 409, a list read never is
    assert "409" in schema["paths"]["/api/v1/activities/{id}/approve/"]["post"]["responses"]
    assert "409" in schema["paths"]["/api/v1/unit-reports/{id}/submit/"]["post"]["responses"]
    assert "409" not in schema["paths"]["/api/v1/activities/"]["get"]["responses"]
    assert schema["components"]["schemas"]["ErrorDetail"]["required"] == ["detail"]


@pytest.mark.django_db
def test_an_unknown_api_url_answers_json_404_and_a_page_url_html(client_for, office_user):
    client = client_for(office_user)
    response = client.get("/api/v1/programmes/1.5/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "未找到。"}
    page = client.get("/plan/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_a_read_only_relation_to_an_empty_foreign_key_is_documented_nullable(client_for, office_user):
    import yaml

    schema = yaml.safe_load(client_for(office_user).get("/api/schema/").content)
    region = schema["components"]["schemas"]["Region"]["properties"]
    assert region["parent"].get("nullable") is True  # the city itself has no parent
    assert not region["code"].get("nullable")
