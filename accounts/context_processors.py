"""Navigation that shows each party its own work (the entries a user sees follow accounts.scope).

The entries are grouped (规划任务 / 基地 / 活动 / 数据 / 管理) so that the bar stays one line on a 1366 px
screen for every role, in Chinese and in English: a group with several entries for the user is a drop-down, a
group with one is that entry's link. ``nav_items`` (the flat list of main entries) feeds the home page's cards.
"""

from __future__ import annotations

from typing import NamedTuple

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .scope import scope_of

# scope kinds (see accounts/scope/core.py)
FILERS = ("district", "town", "organisation", "base", "unit")


class Entry(NamedTuple):
    label: str | Promise  # a lazy translation, rendered in the request's language
    url_name: str
    kinds: tuple[str, ...]
    home: bool = True  # also a card on the home page


NAV_GROUPS = [
    (
        pgettext_lazy("navigation", "规划任务"),
        [
            Entry(_("规划任务"), "programs:programme-list", ("office", "leader", *FILERS)),
            Entry(_("责任单位"), "programs:unit-list", ("office", "leader", "district", "unit")),
            Entry(_("基层组织"), "programs:organisation-list", ("office", "leader", "district")),
            Entry(_("我的单位"), "programs:my-unit", ("unit",)),
        ],
    ),
    (
        pgettext_lazy("navigation", "基地"),
        [
            Entry(_("科普教育基地"), "bases:list", ("office", "district", "leader", "base")),
            Entry(_("即将到期的认定"), "bases:expiring", ("office", "district", "leader", "base"), home=False),
        ],
    ),
    (
        pgettext_lazy("navigation", "活动"),
        [
            Entry(_("科普活动"), "events:list", ("office", "leader", *FILERS)),
            Entry(_("审核队列"), "events:review-queue", ("office", "district")),
            Entry(
                pgettext_lazy("navigation", "活动专项"),
                "events:campaign-list",
                ("office", "leader", *FILERS),
                home=False,
            ),
        ],
    ),
    (
        pgettext_lazy("navigation", "数据"),
        [
            Entry(_("工作报告"), "programs:report-list", ("office", "district", "unit", "leader")),
            Entry(_("报送情况"), "programs:report-completeness", ("office", "leader")),
            Entry(_("指标看板"), "indicators:dashboard", ("office", "district", "leader")),
            Entry(_("驾驶舱"), "indicators:cockpit", ("office", "district", "leader")),
            Entry(
                pgettext_lazy("navigation", "考核"), "assessment:round-list", ("office", "leader", "district", "unit")
            ),
        ],
    ),
    (
        pgettext_lazy("navigation", "管理"),
        [
            Entry(_("用户"), "accounts:user-list", ("office",)),
            Entry(_("变更记录"), "common:audit", ("office",)),
        ],
    ),
]
# (label, url name, kinds) of the main entries, in order
NAV_ITEMS = [(e.label, e.url_name, e.kinds) for _group, entries in NAV_GROUPS for e in entries if e.home]


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"nav_items": [], "nav_groups": []}
    kind = scope_of(user).kind
    groups = []
    for label, entries in NAV_GROUPS:
        items = [{"label": e.label, "url": reverse(e.url_name), "home": e.home} for e in entries if kind in e.kinds]
        if label == NAV_GROUPS[-1][0] and user.is_staff:
            items.append({"label": _("后台"), "url": reverse("admin:index"), "home": False})
        if items:
            groups.append({"label": label, "items": items})
    # the one current entry: the longest address the page is under (/plan/units/ rather than /plan/)
    current = max(
        (i for g in groups for i in g["items"] if request.path.startswith(i["url"])),
        key=lambda i: len(i["url"]),
        default=None,
    )
    for group in groups:
        for item in group["items"]:
            item["active"] = item is current
        group["active"] = any(item["active"] for item in group["items"])
    nav_items = [i for g in groups for i in g["items"] if i["home"]]
    return {"nav_items": nav_items, "nav_groups": groups}
