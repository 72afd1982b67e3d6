"""Every page's tab title names the page (「活动填报 · 科普工作管理平台」): for each role, the pages of its
navigation and the others it works on have distinct titles, none of them the bare site name — in Chinese and in
English."""

from __future__ import annotations

import html
import re

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

SITE = {"zh-hans": "科普工作管理平台", "en": "Kepu Portal"}
ROLES = ["office_user", "leader_user", "wujin_user", "hutang_clerk", "society_contact", "base_contact", "liaison_user"]
COMMON = ["home", "password_change", "password_change_done", "accounts:tokens"]
EXTRA = {  # pages beyond the navigation that the role opens in its daily work
    "office_user": [
        "events:create",
        "events:import",
        "events:campaign-list",
        "bases:create",
        "bases:expiring",
        "programs:period-create",
        "programs:organisation-create",
        "programs:town-create",
        "indicators:print",
        "indicators:observation-create",
    ],
    "leader_user": ["events:campaign-list", "indicators:print"],
    "wujin_user": ["events:create", "events:import", "events:campaign-list", "bases:create", "bases:expiring"],
    "hutang_clerk": ["events:create", "events:import", "events:campaign-list"],
    "society_contact": ["events:create", "events:campaign-list"],
    "base_contact": ["events:create", "events:campaign-list"],
    "liaison_user": ["events:create", "events:campaign-list"],
}


def title_of(body: str) -> str:
    m = re.search(r"<title>(.*?)</title>", body, re.S)
    assert m, "no <title>"
    return " ".join(html.unescape(m.group(1)).split())


def _plan_pages():
    from programs.models import ResponsibleUnit, TargetPopulation, Task

    task = Task.objects.filter(parent__isnull=False).order_by("id").first()
    return [
        reverse("programs:task-detail", args=[task.code]),
        reverse("programs:unit-detail", args=[ResponsibleUnit.objects.order_by("order").first().pk]),
        reverse("programs:population-detail", args=[TargetPopulation.objects.first().code]),
    ]


def pages_of(client, user) -> list[str]:
    from accounts.context_processors import NAV_ITEMS
    from accounts.scope import scope_of

    kind = scope_of(user).kind
    names = [name for _label, name, kinds in NAV_ITEMS if kind in kinds]
    urls = [reverse(n) for n in COMMON + names + EXTRA[user_key(user)]]
    return urls + _plan_pages()


def user_key(user) -> str:
    return {
        "office1": "office_user",
        "leader1": "leader_user",
        "wujin1": "wujin_user",
        "hutang1": "hutang_clerk",
        "society1": "society_contact",
        "base1": "base_contact",
        "jyj1": "liaison_user",
    }[user.username]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("persona", ROLES)
def test_every_page_a_role_opens_has_its_own_title(request, client_for, persona, language):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    titles = {}
    for url in pages_of(client, user):
        response = client.get(url, follow=True)  # 我的单位 leads to the unit's page
        assert response.status_code == 200, (url, response.status_code)
        titles[url] = title_of(response.content.decode())
    bare = [url for url, title in titles.items() if title.strip(" ·") == SITE[language]]
    assert bare == [], f"titles that are only the site name: {bare}"
    unnamed = [
        url
        for url, title in titles.items()
        if not title.endswith(" · " + SITE[language]) and url not in (reverse("events:create"),)
    ]  # events/activity_form.html: its own, unsuffixed
    assert unnamed == [], {url: titles[url] for url in unnamed}
    seen: dict[str, str] = {}
    for url, title in titles.items():
        assert title not in seen, f"{url} and {seen.get(title)} share the title {title!r}"
        seen[title] = url


def test_the_login_and_error_pages_have_titles(client, client_for, wujin_user):
    assert title_of(client.get(reverse("login")).content.decode()) == "登录 · 科普工作管理平台"
    assert title_of(client_for(wujin_user).get("/no-such-page/").content.decode()) == "页面不存在 · 科普工作管理平台"
    assert (
        title_of(client_for(wujin_user).get(reverse("common:audit")).content.decode()) == "无权访问 · 科普工作管理平台"
    )
