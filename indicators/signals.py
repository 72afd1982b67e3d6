"""Indicators listen; the source apps never import this app."""
from __future__ import annotations

from . import services

COUNTED = {"approved", "accepted"}


def on_workflow_transition(sender, instance, action, from_status, to_status, **kwargs):
    """An approval (or un-approval) changes what counts: queue a coalesced roll-up."""
    if to_status in COUNTED or from_status in COUNTED:
        services.request_rollup(reason=f"{sender._meta.model_name}:{action}")


def on_registry_change(sender, instance=None, **kwargs):
    services.request_rollup(reason=f"{sender._meta.model_name}:change")
