"""Pages of the annual assessment (thin: reads from querysets, writes through services)."""
from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from accounts import scope

from .querysets import rounds_for


class RoundListView(LoginRequiredMixin, TemplateView):
    template_name = "assessment/round_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["rounds"] = rounds_for(user).order_by("-scheme__year", "scheme__name")
        ctx["manages"] = scope.can_manage_assessment(user)
        if ctx["manages"]:
            from .models import AssessmentScheme

            ctx["schemes"] = AssessmentScheme.objects.select_related("owner_region").order_by("-year", "name")
        return ctx
