"""The assessment listens to the review workflow (the source apps never import it): an approval, acceptance or
their undoing changes what the computed items measure, so every round still being scored is recomputed after the
transaction commits (once per transaction, by the Celery task)."""

from __future__ import annotations

from django.db import connection, transaction

COUNTED = {"approved", "accepted", "forwarded"}
ACTIVE = ("open", "self_assessment", "review")


def on_workflow_transition(sender, instance, action, from_status, to_status, phase="", **kwargs):
    if sender._meta.app_label == "assessment":
        return
    if not ({to_status, from_status} & COUNTED):
        return
    if connection.in_atomic_block and any(entry[1] is _recompute_active_rounds for entry in connection.run_on_commit):
        return  # this transaction already asked
    transaction.on_commit(_recompute_active_rounds)


def _recompute_active_rounds():
    from common.tasks import send_now_or_park

    from .models import AssessmentRound

    for pk in AssessmentRound.objects.filter(status__in=ACTIVE).values_list("pk", flat=True):
        send_now_or_park("assessment.compute_round_task", [pk], {})
