"""Reads of the assessment: every visibility rule is accounts.scope's (assessment section)."""

from __future__ import annotations

from accounts import scope


def rounds_for(user):
    from .models import AssessmentRound

    return scope.assessment_rounds_visible(user, AssessmentRound.objects.select_related("scheme"))


def scores_for(user, round_=None):
    from .models import Score

    qs = scope.assessment_scores_visible(user, Score.objects.select_related("item", "region", "unit", "round"))
    return qs.filter(round=round_) if round_ is not None else qs


def results_for(user, round_):
    from .models import Result

    return scope.assessment_results_visible(user, Result.objects.filter(round=round_).select_related("region", "unit"))
