"""Role checks shared by pages and the API."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .scope import scope_of


class RoleRequiredMixin(LoginRequiredMixin):
    """Page restricted to some kinds of party (accounts.scope kinds: office, leader, district, town, organisation,
    base, unit): others get 403 (anonymous users go to login)."""

    allowed: tuple[str, ...] = ("office",)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if scope_of(request.user).kind not in self.allowed:
            raise PermissionDenied("您的角色无权访问此页面。")
        return super().dispatch(request, *args, **kwargs)


class OfficeWritesOthersRead(BasePermission):
    """API: every authenticated user reads; only office staff write."""

    message = "只有领导小组办公室可以修改。"

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        return request.method in SAFE_METHODS or request.user.is_office
