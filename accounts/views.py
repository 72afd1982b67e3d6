from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView
from rest_framework.authtoken.models import Token

from .models import User
from .permissions import RoleRequiredMixin
from .tokens import revoke_tokens, token_expired, token_expires_at


class UserListView(RoleRequiredMixin, ListView):
    allowed = ("office",)
    template_name = "accounts/user_list.html"
    paginate_by = 50

    def get_queryset(self):
        return User.objects.select_related("region", "unit").order_by("role", "username")


class TokenListView(LoginRequiredMixin, View):
    """The user's own API token(s): when created, when they expire; POST revokes them."""

    template_name = "accounts/token_list.html"

    def get(self, request):
        tokens = [
            {
                "hint": token.key[:4],
                "created": token.created,
                "expires": token_expires_at(token),
                "expired": token_expired(token),
            }
            for token in Token.objects.filter(user=request.user).order_by("-created")
        ]
        return render(request, self.template_name, {"tokens": tokens, "ttl_hours": settings.KEPU_TOKEN_TTL_HOURS})

    def post(self, request):
        if revoke_tokens(request.user):
            messages.success(request, _("API 令牌已撤销,使用它的程序需要重新获取令牌。"))
        else:
            messages.info(request, _("您没有可撤销的 API 令牌。"))
        return redirect("accounts:tokens")
