from celery import shared_task

from . import services


@shared_task(name="bases.expire_certifications_task")
def expire_certifications_task() -> int:
    """Daily (Celery beat): mark lapsed certifications expired and send the office one digest."""
    return len(services.expire_certifications())
