"""Indicators listen; the source apps never import this app."""

from __future__ import annotations

from . import services

# what the dashboards count: city approvals (and accepted unit reports), and apart on a district's board what
# the district forwarded and the city has not decided yet
COUNTED = {"approved", "accepted", "forwarded"}


def on_workflow_transition(sender, instance, action, from_status, to_status, phase="", **kwargs):
    """An approval, a forwarding (or their undoing) changes what counts: queue a coalesced roll-up. A record
    reviewed in phases counts by one of them (`COUNTED_PHASE`: an activity by its post-event report)."""
    counted_phase = getattr(sender, "COUNTED_PHASE", phase)
    if phase != counted_phase:
        return
    if to_status in COUNTED or from_status in COUNTED:
        services.request_rollup(reason=f"{sender._meta.model_name}:{action}")


def on_registry_change(sender, instance=None, **kwargs):
    services.request_rollup(reason=f"{sender._meta.model_name}:change")
