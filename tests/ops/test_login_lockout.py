"""django-axes: repeated failed logins lock the account out, with a Chinese page (HTTP 429).

The lockout keys on the user name and the address together: failures for a user from one address lock
that user at that address only — not the real user elsewhere, not another user at the same address. The
API token endpoint counts into the same lockout and answers 429 with a Chinese message.
"""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from common.security import client_ip

pytestmark = pytest.mark.django_db

LOCKED = override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)


def fail(client, username="wujin1", n=1):
    for _ in range(n):
        response = client.post(reverse("login"), {"username": username, "password": "wrong"})
    return response


def fail_token(client, username="wujin1", n=1):
    for _ in range(n):
        response = client.post("/api/v1/auth/token/", {"username": username, "password": "wrong"})
    return response


def logs_in(client, username):
    return client.post(reverse("login"), {"username": username, "password": "pw-" + username}).status_code == 302


@LOCKED
def test_failed_logins_below_the_limit_show_the_normal_chinese_error(wujin_user):
    response = fail(Client(), n=2)
    assert response.status_code == 200
    assert 'data-testid="login-error"' in response.content.decode()


@LOCKED
def test_the_third_failed_login_locks_the_account_with_a_chinese_message(wujin_user):
    response = fail(Client(), n=3)
    assert response.status_code == 429
    body = response.content.decode()
    assert 'data-testid="lockout"' in body
    assert "登录失败次数过多" in body and "30 分钟后再试" in body and "领导小组办公室" in body


@LOCKED
def test_a_locked_account_cannot_log_in_even_with_the_right_password(wujin_user):
    client = Client()
    fail(client, n=3)
    response = client.post(reverse("login"), {"username": "wujin1", "password": "pw-wujin1"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@LOCKED
def test_a_locked_account_gets_no_api_token_but_a_429_with_a_chinese_message(wujin_user):
    client = Client()
    fail(client, n=3)
    response = client.post("/api/v1/auth/token/", {"username": "wujin1", "password": "pw-wujin1"})
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert "token" not in body
    assert "登录失败次数过多" in body["detail"] and "30 分钟后再试" in body["detail"]
    assert Client().post("/api/v1/auth/token/", {"username": "wujin1", "password": "pw-wujin1"}).status_code == 429


@LOCKED
def test_the_failure_that_reaches_the_limit_on_the_token_endpoint_already_answers_429(wujin_user):
    client = Client()
    assert fail_token(client, n=2).status_code == 400  # wrong password, below the limit: DRF's own 400
    assert fail_token(client).status_code == 429


@LOCKED
def test_wrong_passwords_from_elsewhere_do_not_lock_the_real_user_out(wujin_user):
    attacker = Client(REMOTE_ADDR="203.0.113.66")
    assert fail(attacker, n=3).status_code == 429  # the attacker's address is locked for wujin1 …
    assert logs_in(Client(REMOTE_ADDR="10.0.0.1"), "wujin1")  # … the real wujin1 at the office is not
    real = Client(REMOTE_ADDR="10.0.0.1")
    assert real.post("/api/v1/auth/token/", {"username": "wujin1", "password": "pw-wujin1"}).status_code == 200


@LOCKED
def test_failures_for_one_user_do_not_lock_another_user_from_the_same_address(wujin_user, tianning_user):
    shared = Client(REMOTE_ADDR="10.0.0.7")  # one office network, one NAT address
    fail(shared, n=3)
    assert logs_in(Client(REMOTE_ADDR="10.0.0.7"), "tianning1")
    assert not logs_in(Client(REMOTE_ADDR="10.0.0.7"), "wujin1")  # wujin1 itself stays locked there


@LOCKED
def test_failed_token_requests_lock_the_page_login_at_that_address_only(office_user):
    attacker = Client(REMOTE_ADDR="203.0.113.66")
    fail_token(attacker, username="office1", n=3)
    assert attacker.post(reverse("login"), {"username": "office1", "password": "pw-office1"}).status_code == 429
    assert logs_in(Client(REMOTE_ADDR="10.0.0.1"), "office1")


@LOCKED
def test_failed_page_logins_and_token_requests_add_up(wujin_user):
    client = Client(REMOTE_ADDR="10.0.0.9")
    fail(client, n=2)
    assert fail_token(client).status_code == 429


@LOCKED
def test_a_successful_login_before_the_limit_resets_the_count(wujin_user):
    client = Client()
    fail(client, n=2)
    assert client.post(reverse("login"), {"username": "wujin1", "password": "pw-wujin1"}).status_code == 302
    client.post(reverse("logout"))
    assert fail(client, n=2).status_code == 200  # counting starts again


@LOCKED
def test_a_successful_token_request_resets_the_count_like_a_page_login(wujin_user):
    client = Client(REMOTE_ADDR="10.0.0.9")
    fail_token(client, n=2)
    assert client.post("/api/v1/auth/token/", {"username": "wujin1", "password": "pw-wujin1"}).status_code == 200
    assert fail_token(client, n=2).status_code == 400  # counting starts again
    assert logs_in(client, "wujin1")


@LOCKED
def test_another_user_from_another_address_is_not_locked_out(wujin_user, tianning_user):
    fail(Client(REMOTE_ADDR="10.0.0.1"), n=3)
    other = Client(REMOTE_ADDR="10.0.0.2")
    assert other.post(reverse("login"), {"username": "tianning1", "password": "pw-tianning1"}).status_code == 302


def test_lockout_is_off_while_testing_unless_a_test_turns_it_on(wujin_user):
    assert fail(Client(), n=4).status_code == 200


class FakeRequest:
    def __init__(self, remote, forwarded=None):
        self.META = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            self.META["HTTP_X_FORWARDED_FOR"] = forwarded


def test_client_address_is_remote_addr_unless_proxies_are_declared(settings):
    settings.KEPU_PROXY_COUNT = 0
    assert client_ip(FakeRequest("127.0.0.1", "6.6.6.6")) == "127.0.0.1"  # a forged header is ignored


def test_behind_one_proxy_the_client_is_the_last_forwarded_address_not_a_forged_one(settings):
    settings.KEPU_PROXY_COUNT = 1
    assert client_ip(FakeRequest("127.0.0.1", "6.6.6.6, 203.0.113.9")) == "203.0.113.9"
    assert client_ip(FakeRequest("127.0.0.1")) == "127.0.0.1"
