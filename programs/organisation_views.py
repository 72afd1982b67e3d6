"""Pages for the organisation tree: the towns and streets under each district and the grassroots organisations
(园区科协, 学会, 企业科协, 农技协). The office keeps the tree; a district office reads its own part; leaders read
everything. Who sees what comes from accounts.scope (readable, changeable, region_choices), never from here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from accounts import scope
from accounts.permissions import RoleRequiredMixin
from accounts.scope import changeable, readable, region_choices

from .models import Organisation, Region
from .organisation_forms import OrganisationFilterForm, OrganisationForm, TownForm, district_choices
from .organisation_loader import split_note

# the columns of the counts table: towns, then the organisation kinds seed 004 counts
COUNT_KINDS = [
    Organisation.Kind.PARK,
    Organisation.Kind.SOCIETY,
    Organisation.Kind.ENTERPRISE,
    Organisation.Kind.RURAL_TECH,
]


def _district_code(path: str) -> str | None:
    """The district segment of a materialised path ("320400/320412/320412100/" → "320412")."""
    parts = [p for p in path.split("/") if p]
    return parts[1] if len(parts) > 1 else None


def tree_counts(user) -> tuple[list[dict], dict]:
    """Per district the user may see: its towns and its organisations of each kind (its subtree's)."""
    districts = list(district_choices(user))
    towns = dict(
        region_choices(user)
        .filter(level=Region.Level.TOWN)
        .order_by()
        .values("parent__code")
        .annotate(n=Count("pk"))
        .values_list("parent__code", "n")
    )
    by_kind: dict[tuple[str | None, str], int] = {}  # (district code, kind); None: above any district
    for path, kind, n in (
        readable(user, Organisation.objects.all())
        .order_by()
        .values_list("region__path", "kind")
        .annotate(n=Count("pk"))
    ):
        key = (_district_code(path), kind)
        by_kind[key] = by_kind.get(key, 0) + n
    rows: list[dict] = []
    total: dict[str, Any] = {"towns": 0, "kinds": [0] * len(COUNT_KINDS), "other": 0}
    for district in districts:
        kinds = [by_kind.get((district.code, kind), 0) for kind in COUNT_KINDS]
        other = sum(n for (code, kind), n in by_kind.items() if code == district.code and kind not in COUNT_KINDS)
        rows.append({"district": district, "towns": towns.get(district.code, 0), "kinds": kinds, "other": other})
        total["towns"] += rows[-1]["towns"]
        total["kinds"] = [a + b for a, b in zip(total["kinds"], kinds, strict=False)]
        total["other"] += other
    return rows, total


class TreeReaderMixin(RoleRequiredMixin):
    """The office and leaders read the whole tree, a district office its own part; others get 403."""

    allowed = ("office", "leader", "district")


class OfficeOnlyMixin(RoleRequiredMixin):
    """Only the office keeps the tree (create and edit)."""

    allowed = ("office",)


class OrganisationListView(TreeReaderMixin, ListView):
    template_name = "programs/organisation_list.html"
    context_object_name = "organisations"
    paginate_by = 50

    def get(self, request, *args, **kwargs):
        self.filter_form = OrganisationFilterForm(request.GET or None, user=request.user)
        return super().get(request, *args, **kwargs)

    def filters(self) -> dict:
        form = self.filter_form
        return form.cleaned_data if form.is_bound and form.is_valid() else {}

    def get_queryset(self):
        qs = readable(self.request.user, Organisation.objects.all()).select_related("region", "region__parent")
        wanted = self.filters()
        if wanted.get("district"):
            qs = qs.filter(region__path__startswith=wanted["district"].path)
        if wanted.get("kind"):
            qs = qs.filter(kind=wanted["kind"])
        if wanted.get("q"):
            qs = qs.filter(Q(name__icontains=wanted["q"]) | Q(code__icontains=wanted["q"]))
        return qs.order_by("region__path", "kind", "order", "name")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        towns = region_choices(user).filter(level=Region.Level.TOWN).select_related("parent")
        district = self.filters().get("district")
        if district is not None:
            towns = towns.filter(parent=district)
        rows, total = tree_counts(user)
        params = {k: v for k, v in self.request.GET.items() if k != "page" and v}
        ctx.update(
            filter_form=self.filter_form,
            count_rows=rows,
            count_total=total,
            count_kinds=[kind.label for kind in COUNT_KINDS],
            show_other=any(row["other"] for row in rows),
            towns=[
                {"town": t, "local": split_note(t.note)[0], "note": split_note(t.note)[1]}
                for t in towns.order_by("path")
            ],
            can_edit=scope.scope_of(user).writes_all,
            query=urlencode(params),
        )
        return ctx


class _FormView(OfficeOnlyMixin, View):
    template_name = "programs/organisation_form.html"
    form_class: type[forms.BaseForm] | None = None
    title = ""

    def get_object(self):
        return None

    def render_form(self, request, form, obj):
        return render(request, self.template_name, {"form": form, "object": obj, "title": self.title_for(obj)})

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        return self.render_form(request, self.form_class(instance=obj, user=request.user), obj)

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        form = self.form_class(request.POST, instance=obj, user=request.user)
        if not form.is_valid():
            return self.render_form(request, form, obj)
        saved = form.save()
        messages.success(request, self.saved_message(saved, created=obj is None))
        return redirect("programs:organisation-list")


class OrganisationCreateView(_FormView):
    form_class = OrganisationForm

    def title_for(self, obj):
        return _("新增基层组织")

    def saved_message(self, obj, created):
        return _("已新增基层组织“%(name)s”。") % {"name": obj.name}


class OrganisationUpdateView(OrganisationCreateView):
    def get_object(self):
        return get_object_or_404(changeable(self.request.user, Organisation.objects.all()), pk=self.kwargs["pk"])

    def title_for(self, obj):
        return _("编辑基层组织:%(name)s") % {"name": obj.name}

    def saved_message(self, obj, created):
        return _("已保存基层组织“%(name)s”。") % {"name": obj.name}


class TownCreateView(_FormView):
    form_class = TownForm

    def title_for(self, obj):
        return _("新增镇(街道)")

    def saved_message(self, obj, created):
        return _("已新增镇(街道)“%(name)s”。") % {"name": obj.name}


class TownUpdateView(TownCreateView):
    def get_object(self):
        towns = region_choices(self.request.user).filter(level=Region.Level.TOWN)
        return get_object_or_404(towns, pk=self.kwargs["pk"])

    def title_for(self, obj):
        return _("编辑镇(街道):%(name)s") % {"name": obj.name}

    def saved_message(self, obj, created):
        return _("已保存镇(街道)“%(name)s”。") % {"name": obj.name}
