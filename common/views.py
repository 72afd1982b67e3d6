from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from accounts.permissions import RoleRequiredMixin

from . import audit


class AuditFilterForm(forms.Form):
    model = forms.ChoiceField(label=_("对象类型"), required=False)
    user = forms.ModelChoiceField(label=_("操作人"), required=False, queryset=get_user_model().objects.none())
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", _("全部"))] + [
            (label, tracked.verbose_name) for label, tracked in audit.tracked_models().items()
        ]
        self.fields["user"].queryset = get_user_model().objects.order_by("username")
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )


class AuditView(RoleRequiredMixin, TemplateView):
    """Office staff: who changed what, when — across every model tracked by django-simple-history."""

    allowed = ("office",)
    template_name = "common/audit.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = AuditFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        qs = audit.entries(
            model_label=filters.get("model") or None,
            user_id=filters["user"].pk if filters.get("user") else None,
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
        )
        page = Paginator(qs if qs is not None else [], self.paginate_by).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(form=form, page=page, rows=audit.describe(list(page.object_list)), query=query.urlencode())
        return context
