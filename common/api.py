"""API pieces shared by the apps with a review workflow (activity returns, unit reports)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, QuerySet, RestrictedError
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .workflow import WorkflowError

REVIEW_NEEDS_VERSION = (
    "审核操作必须提供您看到的版本号 version(记录的 version 字段),以免审核他人刚修改过、您尚未看到的内容。"
)


class WorkflowActionSerializer(serializers.Serializer):
    """Body of POST …/{id}/submit/, approve/, accept/, return/, reopen/."""

    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="退回/重新打开时必填的理由"
    )
    version = serializers.IntegerField(
        required=False,
        help_text="您看到的版本号(活动补充信息的操作为 report_version);与当前版本不符时返回 409。"
        "审核操作(通过、退回、接受、重新打开)必须提供",
    )


class ReadableRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key to an owned record (accounts.scope): only what the requesting user may read is a choice, so
    another party's record is "does not exist" on a write and never listed in the browsable API's forms."""

    def get_queryset(self):
        from accounts import scope

        request = self.context.get("request")
        queryset = super().get_queryset()
        return queryset.none() if request is None else scope.readable(request.user, queryset)


def error_response(exc) -> Response:
    """A Chinese message and the right status for refusals from services and common.workflow."""
    if isinstance(exc, WorkflowError):
        return Response({"detail": str(exc)}, status=exc.status_code)
    if isinstance(exc, DjangoPermissionDenied):
        return Response({"detail": str(exc) or "您无权执行此操作。"}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DjangoValidationError):
        body = exc.message_dict if hasattr(exc, "error_dict") else {"detail": " ".join(exc.messages)}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    raise exc


def api_exception_handler(exc, context):
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: DRF's handler, plus the refusals the models and services raise
    anywhere in a view — a Chinese message and a 4xx instead of a 500.

    Deleting a record that others still refer to (a campaign with activity returns, a region with
    bases: on_delete=PROTECT/RESTRICT) is a 409 that names what is in the way.
    """
    if isinstance(exc, (ProtectedError, RestrictedError)):
        blockers = {obj._meta.verbose_name for obj in exc.protected_objects if hasattr(obj, "_meta")}
        what = "、".join(sorted(str(name) for name in blockers)) or "其他记录"
        return Response(
            {"detail": f"该记录仍被{what}引用,不能删除。请先处理这些记录。"}, status=status.HTTP_409_CONFLICT
        )
    if isinstance(exc, (WorkflowError, DjangoValidationError)):
        return error_response(exc)
    return drf_exception_handler(exc, context)


class WorkflowActionsMixin:
    """`run_transition(request, action)`: validate the body, call `transition_service`, answer with the object.
    Mixed into a GenericAPIView, whose methods it calls (declared here for the type checker only)."""

    if TYPE_CHECKING:

        def get_object(self) -> Any: ...
        def get_queryset(self) -> QuerySet: ...
        def get_serializer(self, *args: Any, **kwargs: Any) -> serializers.BaseSerializer: ...

    def transition_service(self, obj, action: str, user, reason: str, expected_version: int | None):
        raise NotImplementedError

    def run_transition(self, request, action: str) -> Response:
        obj = self.get_object()
        body = WorkflowActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rule = type(obj).TRANSITIONS.get(action)
        if (
            rule is not None
            and rule.who == "reviewer"
            and body.validated_data.get("version") is None
            and obj.can_review(request.user)
        ):
            # A decision is about the version the reviewer saw: without it, a second reviewer (or a
            # resubmission in between) could be decided on unseen. Refusals of the role stay 403.
            return Response({"version": [REVIEW_NEEDS_VERSION]}, status=status.HTTP_400_BAD_REQUEST)
        try:
            self.transition_service(
                obj, action, request.user, body.validated_data.get("reason", ""), body.validated_data.get("version")
            )
        except (WorkflowError, DjangoPermissionDenied, DjangoValidationError) as exc:
            return error_response(exc)
        return Response(self.get_serializer(self.get_queryset().get(pk=obj.pk)).data)
