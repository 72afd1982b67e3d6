"""An activity's history says each step in words — the rule's own label at each level (审核通过并报市 at a district,
退回区级 when the city sends a forwarded return back), the same in both phases (the phase has its own column) —
never the stored action code."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from common.templatetags.workflow_labels import status_change, transition_label

pytestmark = pytest.mark.django_db

STEPS = [  # action, from, to, level, phase
    ("submit", "draft", "submitted", "filer", ""),
    ("approve", "submitted", "forwarded", "district", ""),
    ("return", "forwarded", "submitted", "city", ""),
    ("approve", "submitted", "forwarded", "district", ""),
    ("approve", "forwarded", "approved", "city", ""),
    ("reopen", "approved", "returned", "city", ""),
    ("submit_report", "draft", "submitted", "filer", "report"),
    ("approve_report", "submitted", "forwarded", "district", "report"),
    ("return_report", "forwarded", "submitted", "city", "report"),
    ("return_report", "submitted", "returned", "district", "report"),
]
LABELS = [
    "提交",
    "审核通过并报市",
    "退回区级",
    "审核通过并报市",
    "通过",
    "重新打开",
    "提交",
    "审核通过并报市",
    "退回区级",
    "退回",
]


def _history(activity, actor):
    from events.models import ActivityReturnTransition

    return [
        ActivityReturnTransition.objects.create(
            activity=activity,
            action=action,
            from_status=src,
            to_status=dst,
            level=level,
            actor=actor,
            version=i + 2,
            reason="理由",
            phase=phase,
        )
        for i, (action, src, dst, level, phase) in enumerate(STEPS)
    ]


def test_each_transition_is_labelled_by_the_rule_it_followed(make_return, hutang, office_user):
    records = _history(make_return(hutang, status="returned"), office_user)
    assert [transition_label(r) for r in records] == LABELS
    with translation.override("en"):
        english = [transition_label(r) for r in records]
    assert not [label for label in english if re.search("[\u4e00-\u9fff]", label)], english
    assert status_change(records[1]) == "已提交 → 区级已审核,待市级审核"


def test_the_activity_page_shows_no_action_codes_in_its_history(client_for, make_return, hutang, office_user):
    activity = make_return(hutang, status="returned")
    _history(activity, office_user)
    html = client_for(office_user).get(reverse("events:detail", args=[activity.pk])).content.decode()
    table = html.split('data-testid="transitions"', 1)[1].split("</table>", 1)[0]
    cells = " ".join(re.sub(r"<[^>]+>", " ", table).split())
    assert "审核通过并报市" in cells and "退回区级" in cells
    for code in ("submit", "approve", "return", "reopen", "forwarded", "submit_report", "approve_report"):
        assert not re.search(rf"\b{code}\b", cells), code
