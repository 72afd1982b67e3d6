"""Navigation that shows each party its own work (the entries a user sees follow accounts.scope)."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .scope import scope_of

# (label, url name, scope kinds that see it): see accounts/scope.py for the kinds.
FILERS = ("district", "town", "organisation", "base", "unit")
NAV_ITEMS = [
    (_("规划任务"), "programs:programme-list", ("office", "leader", *FILERS)),
    (_("责任单位"), "programs:unit-list", ("office", "leader", "district", "unit")),
    (_("基层组织"), "programs:organisation-list", ("office", "leader", "district")),
    (_("我的单位"), "programs:my-unit", ("unit",)),
    (_("科普教育基地"), "bases:list", ("office", "district", "leader", "base")),
    (_("科普活动"), "events:list", ("office", "leader", *FILERS)),
    (_("审核队列"), "events:review-queue", ("office", "district")),
    (_("工作报告"), "programs:report-list", ("office", "district", "unit", "leader")),
    (_("报送情况"), "programs:report-completeness", ("office", "leader")),
    (_("指标看板"), "indicators:dashboard", ("office", "district", "leader")),
    (_("用户"), "accounts:user-list", ("office",)),
    (_("变更记录"), "common:audit", ("office",)),
]


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"nav_items": []}
    kind = scope_of(user).kind
    items = []
    for label, url_name, kinds in NAV_ITEMS:
        if kind not in kinds:
            continue
        url = reverse(url_name)
        items.append({"label": label, "url": url, "active": request.path.startswith(url)})
    return {"nav_items": items}
