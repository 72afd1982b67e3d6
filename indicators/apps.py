from django.apps import AppConfig, apps
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("指标与看板")

    def ready(self):
        from common.workflow import workflow_transitioned
        from programs.services import plan_loader

        from . import catalogue, signals

        workflow_transitioned.connect(signals.on_workflow_transition, dispatch_uid="indicators-workflow")
        plan_loader.plan_loaded.connect(catalogue.on_plan_loaded, dispatch_uid="indicators-plan-loaded")
        # Base registry edits change base counts; observations change survey values.
        for label in ("bases.Certification", "indicators.Observation"):
            try:
                model = apps.get_model(label)
            except LookupError:
                continue
            post_save.connect(signals.on_registry_change, sender=model, dispatch_uid=f"indicators-{label}-save")
            post_delete.connect(signals.on_registry_change, sender=model, dispatch_uid=f"indicators-{label}-del")
