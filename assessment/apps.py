from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("全民科学素质考核")

    def ready(self):
        from common.workflow import workflow_transitioned

        from . import signals

        workflow_transitioned.connect(signals.on_workflow_transition, dispatch_uid="assessment-workflow")
