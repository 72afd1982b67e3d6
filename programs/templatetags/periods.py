"""{% load periods %}: ``{{ value.period|period_label }}`` — 2026-H1 → 2026年上半年 (programs.periods)."""

from django import template

from programs.periods import period_label as _period_label

register = template.Library()


@register.filter
def period_label(code) -> str:
    return _period_label(code)
