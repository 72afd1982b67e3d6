"""The loaded plan matches the seed text (programs/fixtures/source/001_*.txt)."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from programs.models import Plan, PlanTarget, Programme, Region, ResponsibleUnit, TargetPopulation, Task
from programs.services import plan_loader

SEED = (Path(__file__).resolve().parents[2] / "programs/fixtures/source/001_changzhou_plan_2021_2035.txt").read_text(
    encoding="utf-8"
)
MEMBER_PHRASE = "市全民科学素质工作领导小组各成员单位"
DISTRICT_PHRASE = "各辖市(区)政府"

pytestmark = pytest.mark.django_db


def seed_units_line_after(heading: str) -> list[str]:
    """The names in the first 〔责任单位:…〕 line after a heading in the seed."""
    start = SEED.index(heading)
    match = re.search(r"〔责任单位:(.*?)〕", SEED[start:])
    assert match, f"no 〔责任单位〕 line after {heading}"
    return plan_loader.split_units_text(match.group(1))


def expected_unit_names(names: list[str]) -> set[str]:
    out = set()
    for name in names:
        if name == DISTRICT_PHRASE:  # the six 辖市(区) governments: seed 000 names 常州经开区管委会 apart (issue 14)
            out |= set(
                ResponsibleUnit.objects.filter(kind="district_government")
                .exclude(name="常州经开区管委会")
                .values_list("name", flat=True)
            )
        elif name == MEMBER_PHRASE:
            out |= set(ResponsibleUnit.objects.filter(is_member=True).values_list("name", flat=True))
        else:
            out.add(name)
    return out


def test_five_populations_four_programmes_in_plan_order():
    assert list(TargetPopulation.objects.values_list("name", flat=True)) == [
        "青少年",
        "农民",
        "产业工人",
        "老年人",
        "领导干部和公务员",
    ]
    assert list(Programme.objects.values_list("name", flat=True)) == [
        "科学素质提升工程",
        "科普资源提聚工程",
        "科普设施提档工程",
        "科普服务提优工程",
    ]


def test_seven_regions_under_the_city_with_gb_codes():
    city = Region.objects.get(code="320400")
    assert city.name == "常州市" and city.level == "city"
    children = dict(city.children.values_list("code", "name"))
    assert children == {
        "320481": "溧阳市",
        "320413": "金坛区",
        "320412": "武进区",
        "320411": "新北区",
        "320402": "天宁区",
        "320404": "钟楼区",
        "320491": "常州经开区",
    }
    above_towns = Region.objects.subtree(city).exclude(level="town")  # towns come from the organisation file
    assert set(above_towns.values_list("code", flat=True)) == set(children) | {"320400"}


def test_every_numbered_measure_of_the_seed_is_present_with_its_text():
    # Every "(n)title。" paragraph inside 三、重点任务 (一) is a measure in the database.
    section = SEED[SEED.index("(一)科学素质提升工程") : SEED.index("(二)科普资源提聚工程")]
    seed_titles = re.findall(r"^\((\d+)\)([^。]+)。", section, flags=re.M)
    assert len(seed_titles) == 16
    db_titles = list(
        Task.objects.measures().filter(programme__code="一").order_by("order").values_list("number", "title")
    )
    assert [(f"({n})", t) for n, t in seed_titles] == db_titles
    for measure in Task.objects.measures():
        assert measure.text and measure.text in SEED, measure.code


def test_tasks_without_measures_in_programmes_two_to_four():
    for code, count in (("二", 3), ("三", 4), ("四", 4)):
        tasks = Task.objects.tasks().filter(programme__code=code)
        assert tasks.count() == count
        assert not Task.objects.measures().filter(parent__in=tasks).exists()
        for task in tasks:
            assert task.text.startswith(task.title)


@pytest.mark.parametrize(
    "code, heading",
    [
        ("一.1.(1)", "(1)推进青少年科学教育"),
        ("一.1.(3)", "(3)推进校内外资源衔接"),
        ("一.2.(1)", "(1)拓宽培育规模"),
        ("一.2.(3)", "(3)拓展平台建设"),
        ("一.3.(2)", "(2)进一步推进产业工人教育培训"),
        ("一.3.(4)", "(4)进一步推进新就业形态劳动者科普服务"),
        ("一.4.(1)", "(1)强化智慧助老服务"),
        ("一.5.(3)", "(3)不断注重考评激励"),
        ("二.2", "2.进一步推进科普传播数字化"),
        ("三.1", "1.加强科普设施布局的优化力度"),
        ("三.3", "3.加强科普基地的融合力度"),
        ("四.2", "2.深化新媒体传播力度"),
        ("四.3", "3.深化应急科普力度"),
        ("组织实施(三).1", "1.健全监测评估制度"),
    ],
)
def test_measure_responsible_units_match_the_plan_text(code, heading):
    task = Task.objects.get(code=code)
    expected = expected_unit_names(seed_units_line_after(heading))
    assert set(task.responsible_units().values_list("name", flat=True)) == expected


def test_specific_unit_lists_read_by_hand_from_the_plan():
    assert set(Task.objects.get(code="三.2").responsible_units().values_list("name", flat=True)) == {
        "市发改委",
        "市科技局",
        "市财政局",
        "市科协",
        "溧阳市人民政府",
        "金坛区人民政府",
        "武进区人民政府",
        "新北区人民政府",
        "天宁区人民政府",
        "钟楼区人民政府",  # not 常州经开区管委会: 「各辖市(区)政府」 is the six (issue 14)
    }
    units_41 = set(Task.objects.get(code="四.4").responsible_units().values_list("name", flat=True))
    assert units_41 >= set(ResponsibleUnit.objects.filter(is_member=True).values_list("name", flat=True))
    assert "市财政局" in units_41  # every member unit, not only those named elsewhere


def test_every_stated_target_is_recorded_against_its_task():
    expected = {
        # code: (value, unit, year, kind, task)
        "literacy_rate": (21.5, "%", 2025, "level", None),
        "sci_edu_demo_schools_provincial": (10, "所", 2025, "cumulative", "一.1.(1)"),
        "sci_edu_demo_schools_municipal": (50, "所", 2025, "cumulative", "一.1.(1)"),
        "stem_bases_provincial": (5, "个", 2025, "cumulative", "一.1.(1)"),
    }
    for code, (value, unit, year, kind, task) in expected.items():
        target = PlanTarget.objects.get(code=code)
        assert (float(target.value), target.unit, target.year, target.kind) == (value, unit, year, kind)
        assert (target.task.code if target.task else None) == task
        assert target.quote in SEED
    by_value = {(t.name, float(t.value), t.kind) for t in PlanTarget.objects.all()}
    names = " ".join(name for name, _, _ in by_value)
    for needle, value, kind in [
        ("科技辅导员", 300, "per_year"),
        ("高素质农民", 4500, "per_year"),
        ("农村科技人才", 200, "per_year"),
        ("农技员", 100, "per_year"),
        ("学历", 2000, "per_year"),
        ("技能劳动者", 100000, "per_year"),
        ("高技能人才", 10000, "per_year"),
        ("首席技师", 10, "per_year"),
        ("技能大师工作室", 10, "per_year"),
        ("市级科普教育基地", 100, "cumulative"),
        ("省级以上科普教育基地", 20, "cumulative"),
        ("国家级科普示范区", 2, "cumulative"),
        ("老年科技大学", 6, "cumulative"),  # the six 辖市(区) (issue 14)
    ]:
        assert any(needle in n and v == value and k == kind for n, v, k in by_value), (needle, names)
    literacy = PlanTarget.objects.get(code="literacy_rate")
    assert {(b.year, float(b.value)) for b in literacy.baselines.all()} == {(2016, 10.3), (2020, 15.2)}


def test_load_plan_twice_changes_nothing():
    counts = lambda: [m.objects.count() for m in (Plan, Region, Programme, Task, ResponsibleUnit, PlanTarget)]  # noqa: E731
    before = counts()
    out = StringIO()
    call_command("load_plan", stdout=out)
    assert counts() == before
    assert "新建 无; 更新 无" in out.getvalue()


def test_load_plan_reports_a_bad_file_in_chinese(tmp_path):
    from django.core.management.base import CommandError

    bad = tmp_path / "bad.yaml"
    bad.write_text("plan: [unclosed", encoding="utf-8")
    with pytest.raises(CommandError, match="无法读取规划文件"):
        call_command("load_plan", str(bad))
