"""The meeting brief download (thin): parse the date, ask accounts.scope, let indicators.brief build it."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from accounts import scope
from common import clock, downloads
from common.limits import validate_plan_date

from . import brief


def parse_brief_date(raw: str | None, today: dt.date) -> dt.date:
    """`?date=YYYY-MM-DD` (default today): a real day of the plan period, not after today."""
    if not raw:
        return today
    try:
        day = dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationError(
            _("日期“%(value)s”无法识别:请按 年-月-日 填写,例如 2023-08-02。") % {"value": raw[:40]}
        ) from None
    try:
        validate_plan_date(day)
    except ValidationError as exc:
        raise ValidationError(exc.messages[0]) from None
    start = dt.date(settings.KEPU_PLAN_START_YEAR, 1, 1)
    if day < start:
        raise ValidationError(
            _("日期 %(value)s 早于规划期开始(%(start)s):请选择 %(start)s 以后的日期。")
            % {"value": day.isoformat(), "start": start.isoformat()}
        )
    if day > today:
        raise ValidationError(
            _("日期 %(value)s 晚于今天(%(today)s):材料只能反映已经发生的情况。")
            % {"value": day.isoformat(), "today": today.isoformat()}
        )
    return day


class BriefView(LoginRequiredMixin, View):
    """/indicators/brief.docx?date=YYYY-MM-DD: 「全民科学素质工作进展情况」 as of that day (office, leaders)."""

    def get(self, request):
        if not scope.reads_meeting_brief(request.user):
            raise PermissionDenied(_("只有领导小组办公室和领导可以下载会议材料。"))
        try:
            day = parse_brief_date(request.GET.get("date"), clock.today())
        except ValidationError as exc:
            return render(request, "indicators/brief_error.html", {"message": exc.messages[0]}, status=400)
        try:
            content, _figures = brief.build(request.user, day)
        except ImproperlyConfigured as exc:  # no CJK font on this server (indicators.charts says which package)
            return render(request, "indicators/brief_error.html", {"message": str(exc)}, status=503)
        return downloads.content_download(content, f"{brief.TITLE}-{day.isoformat()}.docx", downloads.DOCX)
