from __future__ import annotations

import socket

from django.utils import timezone

from .models import WorkerHeartbeat


def record_heartbeat(name: str, worker: str = "") -> WorkerHeartbeat:
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={"at": timezone.now(), "worker": worker or socket.gethostname()}
    )
    return heartbeat
