"""Celery application. Tasks live in each app's tasks.py as thin wrappers over services."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kepu_portal.settings")

app = Celery("kepu_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
