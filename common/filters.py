"""Filters shared by list pages and the API: ids and numbers bounded to what the database holds, so a query
string such as ?unit=99999999999999999999 or ?unit=1e400 is a validation error (400), never a database error."""
from __future__ import annotations

import django_filters
from django import forms
from django.db import models
from django_filters.rest_framework import DjangoFilterBackend

from .limits import MAX_ID


class IdField(forms.IntegerField):
    default_error_messages = {"invalid": "“%(value)s”不是有效的编号。", "max_value": "编号过大。",
                              "min_value": "编号不能为负数。"}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid", params={"value": value})


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
        **{field: {"filter_class": BoundedNumberFilter} for field in (
            models.IntegerField, models.BigIntegerField, models.SmallIntegerField, models.PositiveIntegerField,
            models.PositiveSmallIntegerField, models.PositiveBigIntegerField, models.AutoField, models.BigAutoField,
            models.DecimalField, models.FloatField)},
        models.ForeignKey: {
            "filter_class": BoundedModelChoiceFilter,
            "extra": lambda f: {"queryset": django_filters.filterset.remote_queryset(f)},
        },
        models.OneToOneField: {
            "filter_class": BoundedModelChoiceFilter,
            "extra": lambda f: {"queryset": django_filters.filterset.remote_queryset(f)},
        },
    }


class KepuFilterBackend(DjangoFilterBackend):
    """The API's filter backend: views' `filterset_fields` get KepuFilterSet's bounded filters."""

    filterset_base = KepuFilterSet


def parse_id(value) -> int | None:
    """An id from a query string, or None when it is missing or not one (never a database error later)."""
    try:
        return IdField(required=False).clean(value)
    except forms.ValidationError:
        return None
