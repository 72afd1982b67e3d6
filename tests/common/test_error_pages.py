"""Under DEBUG (`make run`) a missing page, a refusal and a crash show the portal's own Chinese pages, not Django's
English technical ones (KEPU_FRIENDLY_ERRORS, on by default); the API still answers JSON; 500.html needs no
context and no database."""

import logging

import pytest
from django.template.loader import render_to_string
from django.urls import include, path

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("测试用的故障")


# this module is the URL conf of the tests below: the portal's routes plus one that crashes
urlpatterns = [path("boom/", _boom), path("", include("kepu_portal.urls"))]
handler404 = "common.errors.page_not_found"
handler500 = "common.errors.server_error"


@pytest.fixture
def debug(settings):
    settings.DEBUG = True
    settings.ROOT_URLCONF = __name__
    return settings


def _technical(body: str) -> bool:
    return "DEBUG = True" in body or "Traceback" in body or "Page not found" in body


def test_make_run_serves_friendly_pages_by_default():
    from django.conf import settings

    assert settings.KEPU_FRIENDLY_ERRORS is True


def test_an_unknown_address_under_debug_is_the_portals_chinese_404(debug, client_for, wujin_user):
    response = client_for(wujin_user).get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404 and "页面不存在" in body and not _technical(body)
    assert "武进区科协" in body  # the portal's page, with its navigation


def test_a_missing_record_under_debug_is_the_portals_404(debug, client_for, wujin_user):
    response = client_for(wujin_user).get("/bases/999999/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()
    assert not _technical(response.content.decode())


def test_a_refusal_under_debug_is_the_portals_403(debug, client_for, wujin_user):
    response = client_for(wujin_user).get("/audit/")
    assert response.status_code == 403 and "无权访问" in response.content.decode()


def test_a_crash_under_debug_is_the_portals_500_and_is_logged(debug, client, caplog):
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/boom/")
    body = response.content.decode()
    assert response.status_code == 500 and "服务器出错" in body and not _technical(body)
    assert any(r.exc_info and "测试用的故障" in str(r.exc_info[1]) for r in caplog.records)


def test_the_api_still_answers_json_under_debug(debug, api_for, wujin_user):
    response = api_for(wujin_user).get("/api/v1/no-such-collection/")
    assert response.status_code == 404 and response.json() == {"detail": "未找到。"}


def test_a_developer_can_ask_for_djangos_debug_pages(debug, client_for, wujin_user):
    debug.KEPU_FRIENDLY_ERRORS = False
    response = client_for(wujin_user).get("/no-such-page/")
    assert response.status_code == 404 and _technical(response.content.decode())


def test_a_trailing_slash_is_still_added_under_debug(debug, client_for, wujin_user):
    response = client_for(wujin_user).get("/plan")
    assert response.status_code == 301 and response["Location"] == "/plan/"


def test_the_500_page_renders_without_context_or_database(django_db_blocker):
    with django_db_blocker.block():  # any query fails here
        body = render_to_string("500.html")  # as django.views.defaults.server_error does: no context, no request
    assert "服务器出错" in body and "<title>服务器出错 · 科普工作管理平台</title>" in body
