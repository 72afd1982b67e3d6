"""API tokens (DRF's authtoken, one per user) with a lifetime.

- A token is valid for KEPU_TOKEN_TTL_HOURS (default 8, like a page session) from its creation; an older one is
  refused with 401 and a Chinese message, and deleted (ExpiringTokenAuthentication).
- POST /api/v1/auth/token/ returns the user's current token while it is valid (scripts of one user share it), a
  new one once it has expired (issue_token).
- Tokens are deleted when their user logs out of the portal (user_logged_out), when the user's password changes
  (the stored hash differs from the one in the database: the page, admin, `manage.py changepassword`, a shell),
  on the user's /accounts/tokens/ page and by DELETE /api/v1/auth/token/.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

EXPIRED_MESSAGE = _("API 令牌已过期,请用用户名和密码重新获取。")


def token_ttl() -> dt.timedelta:
    return dt.timedelta(hours=settings.KEPU_TOKEN_TTL_HOURS)


def token_expires_at(token: Token) -> dt.datetime:
    return token.created + token_ttl()


def token_expired(token: Token, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) >= token_expires_at(token)


def issue_token(user) -> Token:
    """The user's valid token, or a new one if there is none or it has expired."""
    Token.objects.filter(user=user, created__lte=timezone.now() - token_ttl()).delete()
    token, _created = Token.objects.get_or_create(user=user)  # get_or_create survives a concurrent request
    return token


def revoke_tokens(user) -> int:
    deleted, _per_model = Token.objects.filter(user=user).delete()
    return deleted


class ExpiringTokenAuthentication(TokenAuthentication):
    """TokenAuthentication that refuses (401) and deletes a token older than KEPU_TOKEN_TTL_HOURS."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            token.delete()
            raise exceptions.AuthenticationFailed(EXPIRED_MESSAGE)
        return user, token


# --- signal receivers (connected in accounts.apps.AccountsConfig.ready) -----------------------------------


def revoke_tokens_at_logout(sender, request, user, **kwargs):
    if user is not None:
        revoke_tokens(user)


def note_password_change(sender, instance, raw=False, update_fields=None, **kwargs):
    """pre_save: remember whether this save stores a different password hash than the database holds."""
    instance._kepu_password_changed = False
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and "password" not in update_fields:
        return
    stored = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance._kepu_password_changed = stored is not None and stored != instance.password


def revoke_tokens_after_password_change(sender, instance, created=False, raw=False, **kwargs):
    if getattr(instance, "_kepu_password_changed", False):
        instance._kepu_password_changed = False
        revoke_tokens(instance)
