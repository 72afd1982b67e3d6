"""Only http and https links are stored and rendered as links; every `next` parameter stays on the site."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

BAD = "javascript:alert(8)//"
GOOD = "https://www.czkx.example.cn/news/2025/0916.html"
REFUSED_LINE_2 = f"第 2 行“{BAD}”不是 http 或 https 链接"
OFF_SITE = [
    "//evil.example/",
    "///evil.example",
    "https://evil.example/",
    "http://evil.example/x",
    "javascript:alert(1)",
    "/\\evil.example",
    "\\\\evil.example",
    " //evil.example",
    "http:///evil.example",
]


# --- news links: the form, the API and the model refuse anything but http/https --------------------------------
def test_the_activity_form_refuses_a_javascript_news_link_naming_its_line(client_for, wujin_user, wujin, make_return):
    activity = make_return(wujin, status="submitted", report_status="draft")
    for field in ("news_links", "video_links"):
        response = client_for(wujin_user).post(
            reverse("events:report", args=[activity.pk]),
            {
                "actual_participants": 0,
                "online_views": 0,
                "volunteers": 0,
                "experts": 0,
                "budget": "0",
                "report_version": activity.report_version,
                field: f"{GOOD}\n{BAD}",
            },
        )
        assert response.status_code == 200
        assert REFUSED_LINE_2 in response.content.decode()
        activity.refresh_from_db()
        assert getattr(activity, field) == ""


def test_the_activity_form_names_every_bad_line_and_keeps_good_ones(client_for, wujin_user, wujin, make_return):
    activity = make_return(wujin)
    form_data = {
        "actual_participants": 0,
        "online_views": 0,
        "volunteers": 0,
        "experts": 0,
        "budget": "0",
        "report_version": activity.report_version,
        "news_links": f"{GOOD}\n\nftp://files.example/a.doc\n data:text/html,<b>x</b>\nwww.example.cn/news",
    }
    body = client_for(wujin_user).post(reverse("events:report", args=[activity.pk]), form_data).content.decode()
    assert "第 3 行“ftp://files.example/a.doc”不是 http 或 https 链接" in body
    assert "第 4 行“data:text/html,&lt;b&gt;x&lt;/b&gt;”不是 http 或 https 链接" in body
    assert "第 5 行“www.example.cn/news”不是 http 或 https 链接" in body
    activity.refresh_from_db()
    assert activity.news_links == ""
    form_data["news_links"] = f"{GOOD}\n\nhttp://www.wj.example.cn/a?id=1"
    assert client_for(wujin_user).post(reverse("events:report", args=[activity.pk]), form_data).status_code == 302
    activity.refresh_from_db()
    assert activity.news_link_list == [GOOD, "http://www.wj.example.cn/a?id=1"]


def test_the_api_refuses_a_javascript_news_link_with_the_chinese_message(api_for, wujin_user, wujin, make_return):
    activity = make_return(wujin)
    response = api_for(wujin_user).patch(
        f"/api/v1/activities/{activity.pk}/", {"news_links": f"{GOOD}\n{BAD}"}, format="json"
    )
    assert response.status_code == 400
    assert REFUSED_LINE_2 in response.content.decode()
    activity.refresh_from_db()
    assert activity.news_links == ""
    created = api_for(wujin_user).post(
        "/api/v1/activities/",
        {
            "title": "API 填报",
            "category": "other",
            "starts_on": "2025-09-17",
            "ends_on": "2025-09-17",
            "news_links": BAD,
        },
        format="json",
    )
    assert created.status_code == 400 and f"第 1 行“{BAD}”不是 http 或 https 链接" in created.content.decode()


def test_the_model_refuses_a_javascript_news_link_on_any_path_that_validates(make_return, wujin):
    activity = make_return(wujin, news_links=f"{GOOD}\n{BAD}")  # written around validation, as old data was
    with pytest.raises(ValidationError) as refused:
        activity.full_clean()
    assert any(REFUSED_LINE_2 in m for m in refused.value.message_dict["news_links"])


def test_the_bases_import_and_api_refuse_a_website_that_is_not_http_or_https(client_for, api_for, wujin_user, wujin):
    from openpyxl import Workbook

    from bases.models import Base

    wb = Workbook()
    ws = wb.active
    ws.append(["基地名称", "所属区域", "网址"])
    ws.append(["甲馆", "武进区", BAD])
    ws.append(["乙馆", "武进区", "ftp://files.example/base"])
    ws.append(["丙馆", "武进区", "https://www.bing.example.cn/"])
    buffer = io.BytesIO()
    wb.save(buffer)
    response = client_for(wujin_user).post(
        "/bases/import/bases/", {"file": SimpleUploadedFile("bases.xlsx", buffer.getvalue())}
    )
    assert response.status_code == 400
    problems = [(p.row, p.column, p.message) for p in response.context["problems"]]
    assert any(
        row == 2 and column == "网址" and f"“{BAD}”不是 http 或 https 链接" in message
        for row, column, message in problems
    ), problems
    assert any(
        row == 3 and column == "网址" and "“ftp://files.example/base”不是 http 或 https 链接" in message
        for row, column, message in problems
    ), problems
    assert not any(row == 4 for row, _c, _m in problems)
    assert not Base.objects.exists()
    base = Base.objects.create(region=wujin, name="丁馆")
    for url in (BAD, "ftp://files.example/base"):
        response = api_for(wujin_user).patch(f"/api/v1/bases/{base.pk}/", {"website": url}, format="json")
        assert response.status_code == 400 and f"“{url}”不是 http 或 https 链接" in response.content.decode(), url
    assert (
        api_for(wujin_user)
        .patch(f"/api/v1/bases/{base.pk}/", {"website": "https://d.example.cn/"}, format="json")
        .status_code
        == 200
    )


# --- a bad value stored before renders as text -----------------------------------------------------------------
@pytest.mark.parametrize("persona", ["office_user", "leader_user", "wujin_user"])
def test_a_stored_javascript_news_link_renders_as_plain_text_not_a_link(
    persona, request, client_for, wujin, make_return
):
    bad = [
        BAD,
        "JaVaScRiPt:alert(9)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "java\tscript:alert(2)",
        "//evil.example/x",
        "ftp://files.example/a",
    ]
    activity = make_return(wujin, status="submitted", submitted_at=timezone.now(), news_links="\n".join([GOOD, *bad]))
    body = client_for(request.getfixturevalue(persona)).get(reverse("events:detail", args=[activity.pk]))
    assert body.status_code == 200
    html = body.content.decode()
    assert f'href="{GOOD}"' in html
    links = [part.split('"', 1)[0] for part in html.split('href="')[1:]]
    assert not [link for link in links if "script" in link.lower() or link.startswith(("data:", "//", "ftp:"))]
    assert BAD in html and "JaVaScRiPt:alert(9)" in html and 'data-testid="news-link-text"' in html


# --- next: every variant of an off-site address falls back to the default page ------------------------------
def test_a_transition_with_an_off_site_next_redirects_to_the_activity(client_for, office_user, wujin, make_return):
    client = client_for(office_user)
    for next_url in OFF_SITE:
        activity = make_return(wujin, status="submitted", submitted_at=timezone.now())
        response = client.post(
            reverse("events:transition", args=[activity.pk]),
            {"action": "approve", "version": activity.version, "next": next_url},
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("events:detail", args=[activity.pk]), next_url
        activity.refresh_from_db()
        assert activity.status == "approved"
        # the refusal path (a stale version) falls back the same way
        stale = client.post(
            reverse("events:transition", args=[activity.pk]), {"action": "approve", "version": 1, "next": next_url}
        )
        assert stale["Location"] == reverse("events:detail", args=[activity.pk]), next_url


def test_a_transition_keeps_an_on_site_next(client_for, office_user, wujin, make_return):
    activity = make_return(wujin, status="submitted", submitted_at=timezone.now())
    queue = reverse("events:review-queue") + "?page=2&status=submitted"
    for url in (queue, "http://testserver" + queue):
        response = client_for(office_user).post(
            reverse("events:transition", args=[activity.pk]),
            {"action": "return", "reason": "请补充照片", "version": activity.version, "next": url},
        )
        assert response["Location"] == url
        activity.refresh_from_db()


def test_login_logout_and_language_switch_ignore_an_off_site_next(client, wujin_user):
    """Django's own login, logout and set_language views make the same check as common.redirects."""
    from django.test import Client

    for next_url in OFF_SITE:
        c = Client()
        login = c.post(reverse("login"), {"username": "wujin1", "password": "pw-wujin1", "next": next_url})
        assert login.status_code == 302 and login["Location"] == reverse("home"), next_url
        language = c.post(reverse("set_language"), {"language": "en", "next": next_url})
        assert language.status_code == 302 and language["Location"] == "/", next_url
        logout = c.post(reverse("logout"), {"next": next_url})
        assert logout.status_code == 302 and logout["Location"] == reverse("login"), next_url


def test_safe_next_accepts_only_this_host_and_on_https_only_https(rf):
    from common.redirects import safe_next

    plain = rf.post("/", {"next": "/events/?page=2"})
    assert safe_next(plain, "/home/") == "/events/?page=2"
    for url in OFF_SITE + ["", "   "]:
        assert safe_next(rf.post("/", {"next": url}), "/home/") == "/home/", url
    secure = rf.post("/", {"next": "http://testserver/events/"}, secure=True)
    assert safe_next(secure, "/home/") == "/home/"
    assert (
        safe_next(rf.get("/", {"next": "https://testserver/events/"}, secure=True), "/home/")
        == "https://testserver/events/"
    )
