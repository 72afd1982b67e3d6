"""The organisation tree (issue 10, point 2): towns and streets under each district and the grassroots
organisations, loaded from programs/fixtures/changzhou_organisations.yaml; the office keeps it on its pages,
a district office reads its own part, leaders read everything."""

from __future__ import annotations

import io
import textwrap

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from programs.models import Organisation, Region
from programs.organisation_loader import LOCAL_NOTE, OrganisationFileError, load_organisations_file

LIST = reverse("programs:organisation-list")
CREATE = reverse("programs:organisation-create")
TOWN_CREATE = reverse("programs:town-create")


@pytest.fixture
def tree(db):
    """The organisation fixture loaded (conftest loads only the plan)."""
    out = io.StringIO()
    call_command("load_organisations", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(tree):
    from programs.demo_organisations import load_demo

    load_demo(io.StringIO())


def write(tmp_path, text):
    path = tmp_path / "orgs.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# --- the file ---------------------------------------------------------------------------------------------
def test_the_organisation_file_loads_and_a_second_load_creates_and_changes_nothing(tree):
    assert "现有镇(街道) 60 个" in tree  # the test session loaded the file once already (tests/conftest.py)
    towns = Region.objects.filter(level="town").count()
    assert towns == 60
    stats = load_organisations_file()
    assert stats.created == {} and stats.updated == {}
    assert Region.objects.filter(level="town").count() == towns


def test_the_command_prints_the_counts(tree):
    out = io.StringIO()
    call_command("load_organisations", stdout=out)
    assert "新建 无; 更新 无" in out.getvalue()
    assert "现有镇(街道) 60 个" in out.getvalue()


def test_towns_hang_under_their_district_with_its_path_prefix(tree):
    wujin = Region.objects.get(code="320412")
    hutang = Region.objects.get(name="湖塘镇")
    assert hutang.code == "320412100" and hutang.parent == wujin and hutang.level == "town"
    assert hutang.path == "320400/320412/320412100/"
    for district in Region.objects.filter(level="district"):
        for town in district.children.filter(level="town"):
            assert town.path.startswith(district.path)
    assert set(Region.objects.filter(parent__code="320402").values_list("name", flat=True)) >= {
        "红梅街道",
        "茶山街道",
        "青龙街道",
        "雕庄街道",
        "郑陆镇",
    }


def test_every_town_the_activity_demo_names_is_in_the_tree_under_its_district(tree):
    from events.demo import TOWNS

    for district, names in TOWNS.items():
        for name in names:
            assert Region.objects.filter(parent__code=district, name=name, level="town").exists(), (district, name)


def test_towns_the_economic_zone_manages_keep_their_statistical_code_under_the_zone(tree):
    qishuyan = Region.objects.get(name="戚墅堰街道")
    assert qishuyan.code == "320412001" and qishuyan.parent.code == "320491"
    assert "由常州经开区管理" in qishuyan.note


def test_local_codes_are_marked_and_statistical_codes_are_nine_digits(tree):
    local = Region.objects.filter(level="town", note__startswith=LOCAL_NOTE)
    assert set(local.values_list("name", flat=True)) == {"南夏墅街道", "西湖街道"}
    assert all(not code.isdigit() for code in local.values_list("code", flat=True))
    for code in Region.objects.filter(level="town").exclude(note__startswith=LOCAL_NOTE).values_list("code", flat=True):
        assert len(code) == 9 and code.isdigit()


def test_an_unknown_parent_code_is_refused_with_a_chinese_message_naming_the_entry(db, tmp_path):
    path = write(
        tmp_path,
        """\
        towns:
        - {code: '320412999', name: 测试镇, parent: '320412'}
        - {code: '320499100', name: 某某镇, parent: '320499'}
        """,
    )
    with pytest.raises(OrganisationFileError) as err:
        load_organisations_file(path)
    assert "towns 第 2 条(320499100 某某镇)" in str(err.value)
    assert "上级代码 320499 不是已载入的辖市(区)" in str(err.value)
    assert not Region.objects.filter(code="320412999").exists()  # all or nothing


def test_a_duplicate_code_is_refused_naming_both_entries(db, tmp_path):
    path = write(
        tmp_path,
        """\
        towns:
        - {code: '320412100', name: 湖塘镇, parent: '320412'}
        - {code: '320412100', name: 牛塘镇, parent: '320412'}
        """,
    )
    with pytest.raises(
        OrganisationFileError, match=r"towns 第 2 条\(320412100 牛塘镇\):代码 320412100 与 towns 第 1 条重复"
    ):
        load_organisations_file(path)


def test_a_bad_kind_is_refused_listing_the_valid_kinds(db, tmp_path):
    path = write(
        tmp_path,
        """\
        organisations:
        - {code: 320412-Q01, name: 武进区某某学会, kind: club, region: '320412'}
        """,
    )
    with pytest.raises(OrganisationFileError) as err:
        load_organisations_file(path)
    message = str(err.value)
    assert "organisations 第 1 条(320412-Q01 武进区某某学会):类别“club”无效" in message
    assert "society(学会)" in message
    assert not Organisation.objects.exists()


def test_an_official_looking_code_needs_nine_digits_and_a_local_code_may_not_be_all_digits(db, tmp_path):
    bad_official = write(tmp_path, "towns:\n- {code: '3204121', name: 某镇, parent: '320412'}\n")
    with pytest.raises(OrganisationFileError, match="不是 9 位统计用区划代码"):
        load_organisations_file(bad_official)
    bad_local = write(tmp_path, "towns:\n- {code: '320412900', name: 某镇, parent: '320412', local: true}\n")
    with pytest.raises(OrganisationFileError, match="不能全是数字"):
        load_organisations_file(bad_local)


def test_the_command_reports_a_bad_file_as_a_command_error(db, tmp_path):
    path = write(tmp_path, "towns:\n- {code: '320412100', name: 湖塘镇, parent: '999999'}\n")
    with pytest.raises(CommandError, match="上级代码 999999"):
        call_command("load_organisations", str(path), stdout=io.StringIO())


def test_organisations_in_the_file_are_upserted_by_code_under_a_town_of_the_same_file(db, tmp_path):
    path = write(
        tmp_path,
        """\
        towns:
        - {code: '320412999', name: 测试镇, parent: '320412'}
        organisations:
        - {code: 320412-Q01, name: 测试镇企业科协, kind: enterprise, region: '320412999'}
        """,
    )
    assert load_organisations_file(path).created == {"town": 1, "organisation": 1}
    org = Organisation.objects.get(code="320412-Q01")
    assert org.region.name == "测试镇" and org.kind == "enterprise"
    assert load_organisations_file(path).total_created == 0


# --- the demo set -------------------------------------------------------------------------------------------
def test_the_demo_counts_for_wujin_equal_seed_004(demo):
    wujin = Region.objects.get(code="320412")
    in_wujin = Organisation.objects.filter(region__path__startswith=wujin.path)
    assert Region.objects.filter(parent=wujin, level="town").count() == 10  # 镇(街道)科协10家
    assert in_wujin.filter(kind="park").count() == 2  # 园区科协2家
    assert in_wujin.filter(kind="society").count() == 16  # 区级学会16家
    assert in_wujin.filter(kind="enterprise").count() == 55  # 企业科协55家
    assert in_wujin.filter(kind="rural_tech").count() == 1  # 农技协1家
    assert in_wujin.count() == 74
    assert Organisation.objects.filter(region__path__startswith="320400/320402/").count() == 2


def test_every_demo_organisation_is_marked_as_an_example(demo):
    for org in Organisation.objects.all():
        assert org.code.startswith("DEMO-") and "示例" in org.name and "演示数据" in org.note


def test_the_demo_set_is_idempotent(demo):
    from programs.demo_organisations import load_demo

    before = Organisation.objects.count()
    stats = load_demo(io.StringIO())
    assert stats.total_created == 0 and stats.updated == {}
    assert Organisation.objects.count() == before


# --- the pages ----------------------------------------------------------------------------------------------
def test_the_office_sees_the_counts_per_district_and_kind(demo, client_for, office_user):
    response = client_for(office_user).get(LIST)
    assert response.status_code == 200
    rows = {row["district"].code: row for row in response.context["count_rows"]}
    assert rows["320412"]["towns"] == 10 and rows["320412"]["kinds"] == [2, 16, 55, 1]
    assert rows["320402"]["towns"] == 7 and sum(rows["320402"]["kinds"]) == 2
    assert len(rows) == 7
    assert response.context["can_edit"] is True


def test_the_list_filters_by_district_and_kind(demo, client_for, office_user):
    response = client_for(office_user).get(LIST, {"district": "320412", "kind": "society"})
    orgs = response.context["paginator"].object_list
    assert orgs.count() == 16 and {o.kind for o in orgs} == {"society"}
    assert {t["town"].parent.code for t in response.context["towns"]} == {"320412"}


def test_the_office_creates_and_edits_an_organisation(tree, client_for, office_user):
    c = client_for(office_user)
    hutang = Region.objects.get(code="320412100")
    response = c.post(
        CREATE,
        {
            "name": "湖塘镇某企业科协",
            "kind": "enterprise",
            "region": hutang.pk,
            "code": "320412-Q01",
            "is_active": "on",
            "order": 0,
            "note": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    org = Organisation.objects.get(code="320412-Q01")
    assert org.region == hutang
    response = c.post(
        reverse("programs:organisation-edit", args=[org.pk]),
        {
            "name": "湖塘镇某企业科协(改名)",
            "kind": "enterprise",
            "region": hutang.pk,
            "code": "320412-Q01",
            "order": 2,
            "note": "改名",
        },
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.name == "湖塘镇某企业科协(改名)" and org.is_active is False and org.order == 2


def test_the_organisation_form_refuses_a_duplicate_name_in_the_same_region_in_chinese(tree, client_for, office_user):
    wujin = Region.objects.get(code="320412")
    Organisation.objects.create(code="320412-Q01", name="武进区机械工程学会", kind="society", region=wujin)
    response = client_for(office_user).post(
        CREATE, {"name": "武进区机械工程学会", "kind": "society", "region": wujin.pk, "code": "320412-Q02", "order": 0}
    )
    assert response.status_code == 200
    assert "“武进区”下已有同名的基层组织。" in response.context["form"].errors["name"]


def test_the_office_creates_and_edits_a_town(tree, client_for, office_user):
    c = client_for(office_user)
    wujin = Region.objects.get(code="320412")
    response = c.post(TOWN_CREATE, {"name": "某某街道", "code": "320412L09", "parent": wujin.pk, "is_local": "on"})
    assert response.status_code == 302, response.context["form"].errors
    town = Region.objects.get(code="320412L09")
    assert town.level == "town" and town.parent == wujin and town.path == "320400/320412/320412L09/"
    assert town.note == LOCAL_NOTE
    tianning = Region.objects.get(code="320402")
    response = c.post(
        reverse("programs:town-edit", args=[town.pk]),
        {"name": "某某街道", "code": "320402L09", "parent": tianning.pk, "is_local": "on"},
    )
    assert response.status_code == 302
    town.refresh_from_db()
    assert town.parent == tianning and town.path == "320400/320402/320402L09/"


def test_the_town_form_refuses_an_unverified_code_that_looks_official(tree, client_for, office_user):
    wujin = Region.objects.get(code="320412")
    c = client_for(office_user)
    response = c.post(TOWN_CREATE, {"name": "某某街道", "code": "320412999", "parent": wujin.pk, "is_local": "on"})
    assert response.status_code == 200
    assert "不能全是数字" in " ".join(response.context["form"].errors["code"])
    response = c.post(TOWN_CREATE, {"name": "某某街道", "code": "320412L09", "parent": wujin.pk})
    assert "不是 9 位统计用区划代码" in " ".join(response.context["form"].errors["code"])
    assert not Region.objects.filter(name="某某街道").exists()


def test_unticking_local_on_a_town_keeps_the_rest_of_its_note(tree, client_for, office_user):
    town = Region.objects.get(code="320412L01")
    town.note = LOCAL_NOTE + ";待核实"
    town.save()
    response = client_for(office_user).post(
        reverse("programs:town-edit", args=[town.pk]),
        {"name": town.name, "code": "320412998", "parent": town.parent_id},
    )
    assert response.status_code == 302
    town.refresh_from_db()
    assert town.code == "320412998" and town.note == "待核实"


def test_a_district_user_sees_only_its_districts_rows(demo, client_for, wujin_user):
    response = client_for(wujin_user).get(LIST)
    assert response.status_code == 200
    orgs = response.context["paginator"].object_list
    assert orgs.count() == 74
    assert all(o.region.path.startswith("320400/320412/") for o in orgs)
    assert {row["district"].code for row in response.context["count_rows"]} == {"320412"}
    assert {t["town"].parent.code for t in response.context["towns"]} == {"320412"}
    assert response.context["can_edit"] is False
    assert "天宁区园区科协" not in response.content.decode()


def test_the_tianning_user_sees_nothing_of_wujin(demo, client_for, tianning_user):
    response = client_for(tianning_user).get(LIST)
    orgs = response.context["paginator"].object_list
    assert orgs.count() == 2 and all(o.region.code == "320402" for o in orgs)
    assert "武进区" not in response.content.decode().split('data-testid="tree-counts"')[1]


def test_a_district_user_gets_403_on_create_and_edit(demo, client_for, wujin_user):
    c = client_for(wujin_user)
    org = Organisation.objects.filter(region__code="320412").first()
    town = Region.objects.get(code="320412100")
    assert c.get(CREATE).status_code == 403
    assert c.post(CREATE, {"name": "x", "kind": "society", "region": town.pk, "code": "X1"}).status_code == 403
    assert c.get(reverse("programs:organisation-edit", args=[org.pk])).status_code == 403
    assert c.get(TOWN_CREATE).status_code == 403
    assert c.get(reverse("programs:town-edit", args=[town.pk])).status_code == 403


def test_a_leader_reads_the_whole_list_but_gets_403_on_create(demo, client_for, leader_user):
    c = client_for(leader_user)
    response = c.get(LIST)
    assert response.status_code == 200
    assert response.context["paginator"].count == Organisation.objects.count()
    assert len(response.context["count_rows"]) == 7 and response.context["can_edit"] is False
    assert c.get(CREATE).status_code == 403
    assert c.get(TOWN_CREATE).status_code == 403


def test_a_liaison_gets_403_on_every_tree_page(tree, client_for, liaison_user):
    c = client_for(liaison_user)
    assert c.get(LIST).status_code == 403
    assert c.get(CREATE).status_code == 403
    assert c.get(TOWN_CREATE).status_code == 403


def test_an_anonymous_visitor_is_sent_to_login(tree, client):
    for url in (LIST, CREATE, TOWN_CREATE):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_tree_pages_load_no_asset_from_another_host(demo, client_for, office_user):
    from tests.conftest import external_assets

    c = client_for(office_user)
    for url in (LIST, CREATE, TOWN_CREATE):
        html = c.get(url).content.decode()
        assert external_assets(html) == []
        assert "<script>" not in html and " style=" not in html


def test_the_organisations_api_follows_the_scope_rule(
    api_for, office_user, wujin_user, tianning_user, liaison_user, demo
):
    everything = api_for(office_user).get("/api/v1/organisations/?page_size=200").json()
    assert everything["count"] == 76
    wujin = api_for(wujin_user).get("/api/v1/organisations/?region=320412").json()
    assert wujin["count"] == 74 and all(r["region"].startswith("320412") for r in wujin["results"])
    tianning_view = api_for(tianning_user).get("/api/v1/organisations/").json()
    assert tianning_view["count"] == 2 and {r["region"] for r in tianning_view["results"]} == {"320402"}
    some_wujin = wujin["results"][0]["id"]
    assert api_for(tianning_user).get(f"/api/v1/organisations/{some_wujin}/").status_code == 404
    assert api_for(liaison_user).get("/api/v1/organisations/").json()["count"] == 0
    assert api_for(None).get("/api/v1/organisations/").status_code in (401, 403)
    assert api_for(office_user).post("/api/v1/organisations/", {"name": "x"}, format="json").status_code == 405
