from django.shortcuts import redirect, render
from django.views.generic import ListView

from .models import User
from .permissions import RoleRequiredMixin


def home(request):
    if not request.user.is_authenticated:
        return redirect("login")
    return render(request, "home.html")


class UserListView(RoleRequiredMixin, ListView):
    allowed = ("office",)
    template_name = "accounts/user_list.html"
    paginate_by = 50

    def get_queryset(self):
        return User.objects.select_related("region", "unit").order_by("role", "username")
