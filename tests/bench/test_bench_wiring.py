"""The benchmarks find the server `make bench` gives them, touch only their own databases, and the indicators
bench fails when dashboard queries grow."""

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def load(name: str):
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))  # the benches import benchlib as scripts in bench/ do
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None, f"bench/{name}.py not found"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def benchlib():
    return load("benchlib")


def test_the_server_comes_from_pg_url_without_its_database_and_kepu_bench_pg_overrides_it(benchlib):
    assert (
        benchlib.pg_server({"PG_URL": "postgres://postgres@127.0.0.1:5432/kepu"})
        == "postgres://postgres@127.0.0.1:5432/"
    )
    assert benchlib.pg_server({"PG_URL": "postgres://u:pw@db:6543/kepu?sslmode=disable"}) == "postgres://u:pw@db:6543/"
    assert (
        benchlib.pg_server({"PG_URL": "postgres://a@x/kepu", "KEPU_BENCH_PG": "postgres://b@y:1"})
        == "postgres://b@y:1/"
    )
    assert benchlib.pg_server({}) == "postgres://postgres@127.0.0.1:5432/"


@pytest.mark.parametrize("name", ["kepu", "postgres", "test_kepu", "kepu_bench"])
def test_a_bench_never_drops_or_creates_a_database_that_is_not_its_own(benchlib, name):
    with pytest.raises(SystemExit):
        benchlib.create_database(name, "postgres://nobody@127.0.0.1:1/")
    with pytest.raises(SystemExit):
        benchlib.drop_database(name, "postgres://nobody@127.0.0.1:1/")


def test_the_generator_command_writes_only_into_a_bench_database(benchlib, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kepu")
    with pytest.raises(SystemExit, match="kepu_bench_"):
        benchlib.main(["generate", "--returns", "10"])


def test_the_indicators_bench_fails_when_the_dashboard_query_count_grows_and_only_reports_the_ratio(capsys):
    bench = load("indicators_bench")
    row = {"rollup": 3.0, "sql": 1.0, "ratio": 3.0, "p50": 50.0, "p95": 90.0}
    assert bench.report({100_000: {**row, "queries": 19}, 1_000_000: {**row, "queries": 19}}) == 0
    out = capsys.readouterr().out
    assert "does not grow: 19" in out and "3.00x, ABOVE the 1.5x aim" in out
    assert bench.report({100_000: {**row, "queries": 19}, 1_000_000: {**row, "queries": 25}}) == 1
    assert "FAIL dashboard query count grows" in capsys.readouterr().out
