"""Navigation that shows each role its own work."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (label, url name, roles that see it); roles are User predicate names without is_.
NAV_ITEMS = [
    (_("规划任务"), "programs:programme-list", ("office", "district", "liaison", "leader")),
    (_("责任单位"), "programs:unit-list", ("office", "district", "liaison", "leader")),
    (_("我的单位"), "programs:my-unit", ("liaison",)),
    (_("科普教育基地"), "bases:list", ("office", "district", "leader")),
    (_("科普活动"), "events:list", ("office", "district", "liaison", "leader")),
    (_("审核队列"), "events:review-queue", ("office",)),
    (_("工作报告"), "programs:report-list", ("office", "district", "liaison", "leader")),
    (_("报送情况"), "programs:report-completeness", ("office", "leader")),
    (_("指标看板"), "indicators:dashboard", ("office", "district", "leader")),
    (_("用户"), "accounts:user-list", ("office",)),
    (_("变更记录"), "common:audit", ("office",)),
]


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for label, url_name, roles in NAV_ITEMS:
        if not any(getattr(user, f"is_{r}", False) for r in roles):
            continue
        url = reverse(url_name)
        items.append({"label": label, "url": url, "active": request.path.startswith(url)})
    return {"nav_items": items}
