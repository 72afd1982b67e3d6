"""Filters shared by list pages and the API: ids and numbers bounded to what the database holds, so a query
string such as ?unit=99999999999999999999 or ?unit=1e400 is a validation error (400), never a database error."""

from __future__ import annotations

import copy

import django_filters
from django import forms
from django.db import models
from django_filters.rest_framework import DjangoFilterBackend

from .limits import MAX_ID


class IdField(forms.IntegerField):
    default_error_messages = {
        "invalid": "“%(value)s”不是有效的编号。",
        "max_value": "编号过大。",
        "min_value": "编号不能为负数。",
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError as exc:
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            ) from exc


class IdFilter(django_filters.NumberFilter):
    """An id in a query string (?unit=, ?period=): a non-negative 64-bit integer."""

    field_class = IdField


class BoundedModelChoiceField(django_filters.fields.ModelChoiceField):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        if self.to_field_name is None:  # a primary key: check it is one before asking the database
            IdField(required=False).clean(value)
        return super().to_python(value)


class BoundedModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = BoundedModelChoiceField


class BoundedNumberFilter(django_filters.NumberFilter):
    """A number in a query string (?year=, ?expiring=): a finite number the database can compare."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -MAX_ID)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class KepuFilterSet(django_filters.FilterSet):
    """FilterSet whose generated filters (Meta.fields, filterset_fields) are bounded too."""

    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        **{
            field: {"filter_class": BoundedNumberFilter}
            for field in (
                models.IntegerField,
                models.BigIntegerField,
                models.SmallIntegerField,
                models.PositiveIntegerField,
                models.PositiveSmallIntegerField,
                models.PositiveBigIntegerField,
                models.AutoField,
                models.BigAutoField,
                models.DecimalField,
                models.FloatField,
            )
        },
        models.ForeignKey: {
            "filter_class": BoundedModelChoiceFilter,
            "extra": lambda f: {"queryset": django_filters.filterset.remote_queryset(f)},
        },
        models.OneToOneField: {
            "filter_class": BoundedModelChoiceFilter,
            "extra": lambda f: {"queryset": django_filters.filterset.remote_queryset(f)},
        },
    }

    def offer(self, name: str, options, empty_label="") -> None:
        """Offer filter `name` on pages as a select of names (CodeSelect): `options()` → (code, name) pairs."""
        self.filters[name].extra["widget"] = CodeSelect(options, empty_label)

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():  # the list pages' compact controls
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            elif isinstance(widget, (forms.TextInput, forms.NumberInput, forms.DateInput)):
                widget.attrs.setdefault("class", "form-control form-control-sm")
        return form


class KepuFilterBackend(DjangoFilterBackend):
    """The API's filter backend: views' `filterset_fields` get KepuFilterSet's bounded filters."""

    filterset_base = KepuFilterSet


def parse_id(value) -> int | None:
    """An id from a query string, or None when it is missing or not one (never a database error later)."""
    try:
        return IdField(required=False).clean(value)
    except forms.ValidationError:
        return None


# --- codes offered by name ------------------------------------------------------------------------------------------
class CodeSelect(forms.Select):
    """A filter's code (a region's 320412, a programme's 一, a period's id) offered on a page as a select of names.

    The field underneath stays what it was (free text or an id), so a link or an API client naming any code keeps
    working as before; a code that is not offered (an old link) is shown as it is, selected, instead of silently
    falling back to "all". `options` is a callable returning (code, name) pairs: it runs only when the form is
    rendered, never for an API request. With no options for this user the field is a hidden input (a value in
    the link is kept, nothing is offered).
    """

    def __init__(self, options, empty_label="", attrs=None):
        self._options, self.empty_label, self._choices = options, empty_label, None
        super().__init__(attrs={"class": "form-select form-select-sm", **(attrs or {})})

    @property
    def choices(self):
        if self._choices is None:
            self._choices = [(str(code), name) for code, name in self._options()]
        return [("", self.empty_label)] + self._choices if self._choices else []

    @choices.setter
    def choices(self, value):  # Select.__init__ assigns (); the options decide
        pass

    def __deepcopy__(self, memo):
        obj = copy.copy(self)
        obj.attrs = self.attrs.copy()
        obj._choices = None
        memo[id(self)] = obj
        return obj

    @property
    def is_hidden(self) -> bool:
        return not self.choices

    def render(self, name, value, attrs=None, renderer=None):
        if not self.choices:
            return forms.HiddenInput().render(name, value, attrs, renderer)
        return super().render(name, value, attrs, renderer)

    def optgroups(self, name, value, attrs=None):
        offered = {code for code, _name in self.choices}
        unknown = [v for v in (value or []) if v not in (None, "") and str(v) not in offered]
        if unknown:  # shown as it is, still selected
            self._choices = self._choices + [(str(v), str(v)) for v in unknown]
        return super().optgroups(name, value, attrs)
