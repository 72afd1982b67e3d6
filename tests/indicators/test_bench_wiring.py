"""The indicators bench finds the server `make bench` gives it and fails when dashboard queries grow."""
import importlib.util
from pathlib import Path

import pytest


@pytest.fixture
def bench():
    path = Path(__file__).resolve().parents[2] / "bench" / "indicators_bench.py"
    spec = importlib.util.spec_from_file_location("indicators_bench", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_takes_the_server_from_pg_url_without_its_database_and_kepu_bench_pg_overrides_it(bench):
    assert bench.server_url({"PG_URL": "postgres://postgres@127.0.0.1:5432/kepu"}) == "postgres://postgres@127.0.0.1:5432/"
    assert bench.server_url({"PG_URL": "postgres://u:pw@db:6543/kepu?sslmode=disable"}) == "postgres://u:pw@db:6543/"
    assert bench.server_url({"PG_URL": "postgres://a@x/kepu", "KEPU_BENCH_PG": "postgres://b@y:1"}) == "postgres://b@y:1/"
    assert bench.server_url({}) == "postgres://postgres@127.0.0.1:5432/"


def test_bench_fails_when_the_dashboard_query_count_grows_and_only_reports_the_ratio(bench, capsys):
    row = {"rollup": 3.0, "sql": 1.0, "ratio": 3.0, "p50": 50.0, "p95": 90.0}
    assert bench.report({100_000: {**row, "queries": 19}, 1_000_000: {**row, "queries": 19}}) == 0
    out = capsys.readouterr().out
    assert "does not grow: 19" in out and "3.00x, ABOVE the 1.5x aim" in out
    assert bench.report({100_000: {**row, "queries": 19}, 1_000_000: {**row, "queries": 25}}) == 1
    assert "FAIL dashboard query count grows" in capsys.readouterr().out
