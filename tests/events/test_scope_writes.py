"""Writes never move a return out of its writer's scope (issue 10, the five cases found from the wrong side).

Each case was possible before accounts/scope.py decided the owner: a district naming another party's unit, a
liaison naming a district, a liaison moving or stripping a return's region, a liaison importing a row of another
district, a district re-pointing its own draft at another unit.
"""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from events.models import ActivityReturn
from programs.models import Region, ResponsibleUnit

pytestmark = pytest.mark.django_db

BODY = {"title": "越界测试活动", "starts_on": "2025-09-16", "ends_on": "2025-09-16"}


@pytest.fixture
def jiaoyuju(db):
    return ResponsibleUnit.objects.get(name="市教育局")


def test_a_district_cannot_create_a_return_in_another_units_name_through_the_api(
    api_for, wujin_user, liaison_user, jiaoyuju
):
    response = api_for(wujin_user).post("/api/v1/activities/", {**BODY, "unit": jiaoyuju.pk}, format="json")
    assert response.status_code == 400 and "武进区" in response.json()["unit"][0]
    assert not ActivityReturn.objects.filter(title="越界测试活动").exists()
    assert api_for(liaison_user).get("/api/v1/activities/").json()["count"] == 0


def test_a_district_page_form_ignores_a_posted_unit_and_files_as_the_district(
    client_for, wujin_user, liaison_user, jiaoyuju, wujin
):
    response = client_for(wujin_user).post(
        reverse("events:create"),
        {
            "title": "越界测试活动",
            "unit": jiaoyuju.pk,
            "category": "other",
            "format": "offline",
            "starts_on": "2025-09-16",
            "ends_on": "2025-09-16",
            "planned_participants": 10,
            "actual_participants": 0,
            "online_views": 0,
            "volunteers": 0,
            "experts": 0,
            "budget": "0",
            "general_public": "on",
        },
    )
    assert response.status_code == 302
    activity = ActivityReturn.objects.get(title="越界测试活动")
    assert (activity.region, activity.unit, activity.organisation, activity.base) == (wujin, None, None, None)
    assert client_for(liaison_user).get(reverse("events:detail", args=[activity.pk])).status_code == 404


def test_a_liaison_cannot_create_a_return_owned_by_a_district(api_for, liaison_user, wujin_user):
    response = api_for(liaison_user).post("/api/v1/activities/", {**BODY, "region": "320412"}, format="json")
    assert response.status_code == 400 and "市教育局" in response.json()["region"][0]
    assert not ActivityReturn.objects.filter(title="越界测试活动").exists()
    assert api_for(wujin_user).get("/api/v1/activities/").json()["count"] == 0


def test_a_liaison_cannot_move_or_strip_the_region_of_a_return(
    api_for, liaison_user, jiaoyuju, make_return, wujin, tianning_user, wujin_user
):
    own = make_return(unit=jiaoyuju, title="教育局的活动")
    api = api_for(liaison_user)
    moved = api.patch(f"/api/v1/activities/{own.pk}/", {"region": "320402", "version": own.version}, format="json")
    assert moved.status_code == 400 and "填报主体不能修改" in moved.json()["region"][0]
    own.refresh_from_db()
    assert (own.region, own.unit, own.version) == (None, jiaoyuju, 1)
    assert api_for(tianning_user).get(f"/api/v1/activities/{own.pk}/").status_code == 404
    # a district's return is not the liaison's to touch at all: 404, and its region stays
    district_return = make_return(wujin, title="武进的活动")
    for body in ({"region": "320402"}, {"region": None}):
        assert api.patch(f"/api/v1/activities/{district_return.pk}/", body, format="json").status_code == 404
    district_return.refresh_from_db()
    assert district_return.region == wujin and district_return.version == 1
    assert api_for(wujin_user).get(f"/api/v1/activities/{district_return.pk}/").status_code == 200


def test_a_district_cannot_repoint_its_own_draft_at_another_unit(
    api_for, wujin_user, other_liaison_user, make_return, wujin
):
    draft = make_return(wujin, title="武进的草稿")
    other_unit = ResponsibleUnit.objects.get(name="市农业农村局")
    response = api_for(wujin_user).patch(f"/api/v1/activities/{draft.pk}/", {"unit": other_unit.pk}, format="json")
    assert response.status_code == 400 and "填报主体不能修改" in response.json()["unit"][0]
    draft.refresh_from_db()
    assert (draft.region, draft.unit, draft.version) == (wujin, None, 1)
    assert api_for(other_liaison_user).get(f"/api/v1/activities/{draft.pk}/").status_code == 404


def test_a_liaison_importing_a_row_of_another_district_gets_that_row_refused(liaison_user, tianning_user):
    from openpyxl import Workbook

    from events import services
    from events.resources import COLUMNS

    book = Workbook()
    sheet = book.active
    sheet.append([column for column, _attr, _req in COLUMNS])
    values = {
        "活动名称": "越界导入活动",
        "所属辖市(区)": "天宁区",
        "活动类别": "其他",
        "开始日期": "2025-09-16",
        "结束日期": "2025-09-16",
    }
    sheet.append([values.get(column, "") for column, _attr, _req in COLUMNS])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "活动安排表.xlsx"
    report = services.import_returns(data, liaison_user, None, dry_run=False)
    assert not report.ok and report.created == 0
    assert any(e.column == "所属辖市(区)" and "只能导入“市教育局”的活动" in e.message for e in report.errors)
    assert not ActivityReturn.objects.filter(title="越界导入活动").exists()


def test_the_office_names_one_owner_and_an_organisation_brings_its_region(
    api_for, office_user, wujin_society, jiaoyuju, society_contact
):
    api = api_for(office_user)
    both = api.post("/api/v1/activities/", {**BODY, "region": "320412", "unit": jiaoyuju.pk}, format="json")
    assert both.status_code == 400 and "region" in both.json()
    for_society = api.post("/api/v1/activities/", {**BODY, "organisation": wujin_society.pk}, format="json")
    assert for_society.status_code == 201, for_society.content
    activity = ActivityReturn.objects.get(pk=for_society.json()["id"])
    assert activity.organisation == wujin_society and activity.region.code == "320412" and activity.unit is None
    assert api_for(society_contact).get(f"/api/v1/activities/{activity.pk}/").status_code == 200
    assert api.post("/api/v1/activities/", BODY, format="json").status_code != 201  # no owner named


def test_filers_below_a_district_file_as_themselves(
    api_for, hutang_clerk, hutang, society_contact, wujin_society, base_contact, wujin_base
):
    for user, owner in (
        (hutang_clerk, {"region": hutang}),
        (society_contact, {"organisation": wujin_society}),
        (base_contact, {"base": wujin_base}),
    ):
        response = api_for(user).post("/api/v1/activities/", {**BODY, "title": f"{user.username}的活动"}, format="json")
        assert response.status_code == 201, response.content
        activity = ActivityReturn.objects.get(pk=response.json()["id"])
        for name, value in owner.items():
            assert getattr(activity, name) == value
        assert activity.region.path.startswith(Region.objects.get(code="320412").path)
        # naming another party is refused, naming the own district is not needed
        refused = api_for(user).post("/api/v1/activities/", {**BODY, "region": "320402"}, format="json")
        assert refused.status_code == 400


def test_a_return_with_a_region_and_a_unit_keeps_the_region_and_the_unit_name_on_migration(transactional_db):
    """Existing data migrates: a return that named both keeps its region as owner; 协办单位 keeps the unit."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    before = [("events", "0003_covering_indexes"), ("programs", "0004_organisations_and_roles")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    OldReturn = old.get_model("events", "ActivityReturn")
    region = old.get_model("programs", "Region").objects.get(code="320412")
    unit = old.get_model("programs", "ResponsibleUnit").objects.get(name="市教育局")
    row = OldReturn.objects.create(
        title="两个主体的活动",
        region=region,
        unit=unit,
        starts_on="2025-09-16",
        ends_on="2025-09-16",
        co_organisers="湖塘镇科协",
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    migrated = ActivityReturn.objects.get(pk=row.pk)
    assert migrated.region.code == "320412" and migrated.unit is None
    assert migrated.co_organisers == "湖塘镇科协、市教育局"
