"""Expiry job, expiring list, revocation with a reason, and the change history (who, when, what)."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from bases import services
from bases.models import Base, Certification
from bases.tasks import expire_certifications_task

D = dt.date


def test_daily_job_marks_lapsed_certifications_expired_and_sends_one_digest_to_the_office(
    office_user, wujin, make_base, certify
):
    lapsed = certify(make_base(wujin, "甲馆"), "municipal", D(2020, 1, 1))  # valid until 2024-12-31
    current = certify(make_base(wujin, "乙馆"), "provincial", D(2021, 3, 1))  # until 2026-02-28: expiring soon
    later = certify(make_base(wujin, "丙馆"), "municipal", D(2024, 1, 1))
    expired = services.expire_certifications(today=D(2025, 1, 1))
    assert [c.pk for c in expired] == [lapsed.pk]
    lapsed.refresh_from_db(), current.refresh_from_db(), later.refresh_from_db()
    assert (lapsed.status, current.status, later.status) == ("expired", "valid", "valid")
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert mail.outbox[0].to == [office_user.email]
    assert "甲馆" in body and "已到期" in body and "乙馆" not in body  # 乙馆 expires in 14 months
    assert services.expire_certifications(today=D(2025, 1, 1)) == []


def test_expiry_digest_lists_certifications_expiring_within_six_months(office_user, wujin, make_base, certify):
    certify(make_base(wujin, "乙馆"), "provincial", D(2021, 3, 1))  # until 2026-02-28
    services.expire_certifications(today=D(2025, 10, 1))
    assert len(mail.outbox) == 1 and "即将到期:乙馆" in mail.outbox[0].body


def test_celery_task_is_registered_under_the_beat_schedule_name(settings, wujin, make_base, certify):
    from celery import current_app

    entry = settings.CELERY_BEAT_SCHEDULE["certification-expiry"]
    assert entry["task"] == expire_certifications_task.name == "bases.expire_certifications_task"
    assert current_app.tasks[entry["task"]].run is expire_certifications_task.run  # the registered task is ours
    cert = certify(make_base(wujin), "municipal", D(2015, 1, 1))
    assert expire_certifications_task() == 1  # the thin wrapper, run in-process
    cert.refresh_from_db()
    assert cert.status == "expired"


def test_expiring_within_lists_only_valid_certifications_ending_in_the_window(office_user, wujin, make_base, certify):
    soon = certify(make_base(wujin), "municipal", D(2021, 5, 1))  # until 2026-04-30
    certify(make_base(wujin), "municipal", D(2022, 5, 1))  # 2027
    gone = certify(make_base(wujin), "municipal", D(2021, 4, 1))  # until 2026-03-31, but revoked
    assert list(Certification.objects.expiring_within(6, today=D(2025, 12, 1))) == [gone, soon]
    services.revoke_certification(gone, office_user, "停止开放", on=D(2025, 1, 1))
    assert list(Certification.objects.expiring_within(6, today=D(2025, 12, 1))) == [soon]


def test_revoking_needs_a_reason_and_only_the_office_may_revoke(office_user, wujin_user, wujin, make_base, certify):
    cert = certify(make_base(wujin), "municipal", D(2022, 1, 1))
    with pytest.raises(ValidationError):
        services.revoke_certification(cert, office_user, "  ")
    with pytest.raises(PermissionDenied):
        services.revoke_certification(cert, wujin_user, "理由")
    cert.refresh_from_db()
    assert cert.status == "valid"
    services.revoke_certification(cert, office_user, "复核不合格", on=D(2024, 2, 1))
    cert.refresh_from_db()
    assert (cert.status, cert.revoked_on, cert.revoke_reason) == ("revoked", D(2024, 2, 1), "复核不合格")
    last = cert.history.first()
    assert last.history_user == office_user and last.status == "revoked"


def test_revoke_page_without_reason_is_refused_and_with_reason_is_recorded(
    client_for, office_user, wujin, make_base, certify
):
    cert = certify(make_base(wujin), "municipal", D(2022, 1, 1))
    c = client_for(office_user)
    url = f"/bases/certifications/{cert.pk}/revoke/"
    response = c.post(url, {"revoked_on": "2024-02-01", "reason": ""})
    assert response.status_code == 400
    cert.refresh_from_db()
    assert cert.status == "valid"
    response = c.post(url, {"revoked_on": "2024-02-01", "reason": "展馆关闭"})
    assert response.status_code == 302
    cert.refresh_from_db()
    assert cert.status == "revoked" and cert.history.first().history_user == office_user


def test_office_corrects_a_certification_on_its_page_and_the_history_keeps_the_old_number(
    client_for, office_user, wujin_user, leader_user, tianning_user, wujin, make_base, certify
):
    base = make_base(wujin)
    cert = certify(base, "municipal", D(2022, 1, 1))
    url = f"/bases/certifications/{cert.pk}/edit/"
    office = client_for(office_user)
    assert 'data-testid="certification-edit"' in office.get(f"/bases/{base.pk}/").content.decode()
    page = office.get(url)
    assert page.status_code == 200 and cert.certificate_no in page.content.decode()
    fields = {
        "level": "municipal",
        "batch": "第三批",
        "certified_on": "2022-01-01",
        "valid_until": "2026-12-31",
        "certificate_no": "CZKP-2022-0099",
        "recommending_unit": "武进区科协",
        "note": "",
    }
    bad = office.post(url, {**fields, "certified_on": "不是日期"})
    assert bad.status_code == 400
    cert.refresh_from_db()
    assert cert.certificate_no != "CZKP-2022-0099"
    old_no = cert.certificate_no
    assert office.post(url, fields).status_code == 302
    cert.refresh_from_db()
    assert (cert.certificate_no, cert.batch, cert.valid_until) == ("CZKP-2022-0099", "第三批", D(2026, 12, 31))
    last, before = cert.history.all()[:2]
    assert last.history_user == office_user and before.certificate_no == old_no
    # from the wrong side: a district (its own base too), a leader, another region, an anonymous visitor
    for user in (wujin_user, leader_user, tianning_user):
        assert client_for(user).post(url, {**fields, "certificate_no": "X"}).status_code == 403
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    cert.refresh_from_db()
    assert cert.certificate_no == "CZKP-2022-0099"


def test_editing_a_base_through_the_page_records_who_changed_what(client_for, wujin_user, wujin, make_base):
    base = make_base(wujin, "旧名称")
    c = client_for(wujin_user)
    response = c.post(
        f"/bases/{base.pk}/edit/",
        {"name": "新名称", "region": wujin.pk, "category": "nature", "opening_policy": "free"},
    )
    assert response.status_code == 302
    history = list(Base.history.filter(id=base.pk).order_by("history_date"))
    assert [h.name for h in history] == ["旧名称", "新名称"]
    assert history[-1].history_user == wujin_user and history[-1].history_type == "~"
    page = c.get(f"/bases/{base.pk}/").content.decode()
    table = page.split('data-testid="history"')[1].split("</table>")[0]
    edit_row = table.split("<tr>")[2]  # newest first: the edit, then the creation
    assert "武进区科协" in edit_row and "修改" in edit_row  # who, and which operation
    assert "基地名称:旧名称 → 新名称" in edit_row  # which field, old → new
    assert "类别:其他 → 自然资源类" in edit_row  # choice labels, not codes
    assert "地址" not in edit_row  # unchanged fields are not listed


@pytest.mark.parametrize(
    "certified_on, valid_until",
    [
        (D(2024, 5, 27), D(2029, 5, 26)),
        (D(2024, 2, 29), D(2029, 2, 28)),  # the cycle from a leap day ends on the last day of February
        (D(2023, 3, 1), D(2028, 2, 29)),  # … and one ending in a leap year keeps its 29 February
        (D(2020, 3, 1), D(2025, 2, 28)),
        (D(2024, 1, 1), D(2028, 12, 31)),
    ],
)
def test_certification_gets_a_default_five_year_cycle(wujin, make_base, certified_on, valid_until):
    cert = Certification.objects.create(base=make_base(wujin), level="municipal", certified_on=certified_on)
    assert cert.valid_until == valid_until
