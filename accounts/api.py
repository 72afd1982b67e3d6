"""/api/v1/auth/token/: POST exchanges a user name and password for a token (locked out like the login page),
DELETE revokes the caller's token. The token's lifetime and revocation rules are in accounts/tokens.py."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from common.security import client_ip, lockout_response

from .tokens import issue_token, revoke_tokens, token_expires_at


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="请求头 Authorization: Token <token>")
    expires = serializers.DateTimeField(help_text="令牌到期时间;到期后请重新获取")


class TokenView(ObtainAuthToken):
    def get_authenticators(self):
        # POST carries its own credentials (user name and password): a stale Authorization header must not stop
        # a client from getting a new token. A browser session still gets its CSRF check.
        if getattr(self, "request", None) is not None and self.request.method == "POST":
            return [SessionAuthentication()]
        return super().get_authenticators()

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else [AllowAny()]

    @extend_schema(
        tags=["auth"],
        summary="用户名和密码换取 API token",
        description=(
            "返回当前用户的 API 令牌及其到期时间。"
            f"令牌自创建起 {settings.KEPU_TOKEN_TTL_HOURS} 小时内有效,有效期内再次请求返回同一令牌,"
            "到期后返回新令牌;用户退出登录、修改密码或撤销令牌后令牌立即失效。"
            "连续多次密码错误后,该用户名在该地址的登录(页面和此接口)被暂时锁定,返回 429。"
        ),
        responses={200: TokenResponseSerializer},
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            # django-axes flags the (DRF) request it was given when this attempt is refused or reaches the limit;
            # the login page's middleware never sees that flag, so the lockout answer is given here.
            if getattr(request, "axes_locked_out", False):
                data = request.data if hasattr(request.data, "get") else {}
                return lockout_response(request, credentials={"username": data.get("username")})
            raise ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        if settings.AXES_ENABLED and settings.AXES_RESET_ON_SUCCESS:
            # like a page login (axes' user_logged_in handler): a right password clears this user's failures here
            AxesProxyHandler.reset_attempts(ip_address=client_ip(request), username=user.get_username())
        token = issue_token(user)
        return Response(TokenResponseSerializer({"token": token.key, "expires": token_expires_at(token)}).data)

    @extend_schema(
        tags=["auth"],
        summary="撤销当前使用的 API token",
        description="删除调用者的 API 令牌(以令牌或登录会话调用均可);之后该令牌返回 401。",
        request=None,
        responses={204: OpenApiResponse(description="已撤销")},
    )
    def delete(self, request, *args, **kwargs):
        if isinstance(request.auth, Token):
            request.auth.delete()
        else:
            revoke_tokens(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
