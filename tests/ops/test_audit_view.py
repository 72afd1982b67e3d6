"""/audit/: office staff see who changed what and when, across every history-tracked model."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from common import audit

pytestmark = pytest.mark.django_db


def change_role(actor, user, **changes):
    """A change made by `actor` the way the admin makes it (simple-history records the actor)."""
    for field, value in changes.items():
        setattr(user, field, value)
    user._history_user = actor
    user.save()


def test_every_model_registered_with_simple_history_is_listed():
    tracked = audit.tracked_models()
    assert "accounts.user" in tracked
    from simple_history.models import registered_models

    # m2m through tables (e.g. bases.base_themes) are recorded with their parent model's history
    expected = {m._meta.label_lower for m in registered_models.values() if not m._meta.auto_created}
    assert set(tracked) == expected


def test_office_staff_see_who_changed_what_and_when(client_for, office_user, wujin_user, tianning):
    change_role(office_user, wujin_user, region=tianning, phone="0519-1234")
    response = client_for(office_user).get(reverse("common:audit"))
    assert response.status_code == 200
    body = response.content.decode()
    row = next(r for r in response.context["rows"] if r["object_pk"] == str(wujin_user.pk) and r["type"] == "修改")
    assert row["user"] == office_user
    fields = {c["field"]: (c["old"], c["new"]) for c in row["changes"]}
    assert fields["电话"] == ("—", "0519-1234")
    assert "所属区域" in fields
    assert "office1" in body and "0519-1234" in body and 'data-testid="audit-row"' in body


def test_the_trail_shows_choice_labels_and_related_names_not_codes(client_for, office_user, wujin_user, tianning):
    change_role(office_user, wujin_user, region=tianning, role="leader")
    rows = client_for(office_user).get(reverse("common:audit")).context["rows"]
    row = next(r for r in rows if r["object_pk"] == str(wujin_user.pk) and r["type"] == "修改")
    fields = {c["field"]: (c["old"], c["new"]) for c in row["changes"]}
    assert fields["所属区域"] == ("武进区", "天宁区")
    assert fields["角色"] == ("辖市(区)科协", "领导")


def test_a_login_alone_does_not_fill_the_audit_trail(office_user, wujin_user):
    before = wujin_user.history.count()
    assert Client().post(reverse("login"), {"username": "wujin1", "password": "pw-wujin1"}).status_code == 302
    wujin_user.refresh_from_db()
    assert wujin_user.last_login is not None
    assert wujin_user.history.count() == before


def test_password_hashes_are_not_copied_into_the_history(wujin_user):
    wujin_user.set_password("another-Pass-123")
    wujin_user.save()
    assert not hasattr(wujin_user.history.first(), "password")


def test_the_trail_filters_by_model_user_and_date(client_for, office_user, leader_user, wujin_user):
    change_role(office_user, wujin_user, phone="1")
    change_role(leader_user, wujin_user, phone="2")
    client = client_for(office_user)
    by_leader = client.get(reverse("common:audit"), {"user": leader_user.pk}).context["rows"]
    assert by_leader and all(r["user"] == leader_user for r in by_leader)
    by_model = client.get(reverse("common:audit"), {"model": "accounts.user"}).context["rows"]
    assert by_model and all(r["label"] == "accounts.user" for r in by_model)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert client.get(reverse("common:audit"), {"date_from": tomorrow}).context["rows"] == []
    today = timezone.localdate().isoformat()
    assert client.get(reverse("common:audit"), {"date_from": today, "date_to": today}).context["rows"]


def test_the_trail_is_paginated_newest_first(client_for, office_user, wujin_user):
    for i in range(60):
        change_role(office_user, wujin_user, phone=str(i))
    client = client_for(office_user)
    first = client.get(reverse("common:audit"), {"user": office_user.pk})
    assert len(first.context["rows"]) == 50
    assert first.context["rows"][0]["changes"][0]["new"] == "59"
    dates = [r["at"] for r in first.context["rows"]]
    assert dates == sorted(dates, reverse=True)
    second = client.get(reverse("common:audit"), {"user": office_user.pk, "page": 2})
    assert len(second.context["rows"]) == 10
    assert "page=2" in first.content.decode()


@pytest.mark.parametrize("persona", ["wujin_user", "liaison_user", "leader_user"])
def test_district_liaison_and_leader_users_are_refused_the_audit_trail(persona, request, client_for):
    response = client_for(request.getfixturevalue(persona)).get(reverse("common:audit"))
    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_login_from_the_audit_trail():
    response = Client().get(reverse("common:audit"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
