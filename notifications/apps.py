from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_save
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("通知与催报")

    def ready(self):
        from common.workflow import workflow_transitioned
        from events.models import Campaign
        from events.signals import campaign_published
        from programs.models import ReportingPeriod

        from . import receivers

        workflow_transitioned.connect(receivers.on_workflow_transition, dispatch_uid="notifications-workflow")
        for through in (Campaign.regions.through, Campaign.units.through):
            m2m_changed.connect(
                receivers.on_campaign_parties_added,
                sender=through,
                dispatch_uid=f"notifications-campaign-{through._meta.model_name}",
            )
        campaign_published.connect(receivers.on_campaign_published, dispatch_uid="notifications-campaign-published")
        post_save.connect(receivers.on_period_saved, sender=ReportingPeriod, dispatch_uid="notifications-period")
