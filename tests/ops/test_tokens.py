"""API tokens: they expire (KEPU_TOKEN_TTL_HOURS), die at logout and on a password change, and their owner
can see and revoke them (/accounts/tokens/ and DELETE /api/v1/auth/token/)."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
PROBE = "/api/v1/regions/"


def obtain(username, **extra) -> str:
    response = APIClient(**extra).post(TOKEN_URL, {"username": username, "password": "pw-" + username}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def with_token(key) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + key)
    return client


def age(key, hours):
    Token.objects.filter(key=key).update(created=timezone.now() - dt.timedelta(hours=hours))


def page_login(username) -> Client:
    client = Client()
    assert client.post(reverse("login"), {"username": username, "password": "pw-" + username}).status_code == 302
    return client


# --- expiry ----------------------------------------------------------------------------------------------


def test_a_fresh_token_works_and_its_answer_says_when_it_expires(wujin_user, settings):
    settings.KEPU_TOKEN_TTL_HOURS = 8
    response = APIClient().post(TOKEN_URL, {"username": "wujin1", "password": "pw-wujin1"}, format="json")
    body = response.json()
    token = Token.objects.get(key=body["token"])
    expires = dt.datetime.fromisoformat(body["expires"])
    assert abs(expires - (token.created + dt.timedelta(hours=8))) < dt.timedelta(seconds=1)
    assert with_token(body["token"]).get(PROBE).status_code == 200


def test_a_token_older_than_the_ttl_is_refused_with_401_and_a_chinese_message(wujin_user, settings):
    settings.KEPU_TOKEN_TTL_HOURS = 8
    key = obtain("wujin1")
    age(key, 7.9)
    assert with_token(key).get(PROBE).status_code == 200
    age(key, 8.1)
    response = with_token(key).get(PROBE)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    assert "令牌已过期" in response.json()["detail"]
    assert not Token.objects.filter(key=key).exists()  # an expired token is deleted when it is refused


def test_the_ttl_is_a_setting(wujin_user, settings):
    settings.KEPU_TOKEN_TTL_HOURS = 1
    key = obtain("wujin1")
    age(key, 2)
    assert with_token(key).get(PROBE).status_code == 401


def test_asking_again_before_expiry_returns_the_same_token_and_after_expiry_a_new_one(wujin_user, settings):
    settings.KEPU_TOKEN_TTL_HOURS = 8
    first = obtain("wujin1")
    assert obtain("wujin1") == first  # parallel scripts of one user share it
    age(first, 9)
    second = obtain("wujin1")
    assert second != first
    assert with_token(second).get(PROBE).status_code == 200


def test_a_stale_token_header_does_not_stop_a_client_from_getting_a_new_token(wujin_user):
    key = obtain("wujin1")
    age(key, 100)
    client = with_token(key)
    response = client.post(TOKEN_URL, {"username": "wujin1", "password": "pw-wujin1"}, format="json")
    assert response.status_code == 200 and response.json()["token"] != key


def test_an_unknown_token_is_a_401_not_a_403(wujin_user):
    assert with_token("b" * 40).get(PROBE).status_code == 401


# --- logout and password change ----------------------------------------------------------------------


def test_logging_out_deletes_the_users_tokens(wujin_user, tianning_user):
    key = obtain("wujin1")
    other = obtain("tianning1")
    client = page_login("wujin1")
    assert client.post(reverse("logout")).status_code == 302
    assert with_token(key).get(PROBE).status_code == 401
    assert with_token(other).get(PROBE).status_code == 200  # another user's token is untouched


def test_changing_the_password_on_the_page_deletes_the_users_tokens(wujin_user):
    key = obtain("wujin1")
    client = page_login("wujin1")
    response = client.post(
        reverse("password_change"),
        {"old_password": "pw-wujin1", "new_password1": "Ganz-neu-2026!", "new_password2": "Ganz-neu-2026!"},
    )
    assert response.status_code == 302
    assert with_token(key).get(PROBE).status_code == 401
    assert client.get(reverse("home")).status_code == 200  # the page session itself survives the change


def test_only_a_new_password_deletes_the_tokens_not_other_saves_of_the_user(wujin_user):
    """admin's password form, `manage.py changepassword`, a shell: all go through set_password() and save()."""
    key = obtain("wujin1")
    wujin_user.phone = "0519-1234567"
    wujin_user.save()
    wujin_user.refresh_from_db()
    wujin_user.last_name = "武进区科协(改)"
    wujin_user.save(update_fields=["last_name"])
    page_login("wujin1")  # a login saves last_login
    assert with_token(key).get(PROBE).status_code == 200
    wujin_user.refresh_from_db()
    wujin_user.set_password("Ganz-neu-2026!")
    wujin_user.save()
    assert with_token(key).get(PROBE).status_code == 401


# --- seeing and revoking: the page and the API ----------------------------------------------------------


def test_the_token_page_needs_a_login():
    response = Client().get("/accounts/tokens/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_token_page_lists_the_users_token_with_creation_and_expiry_but_not_the_key(
    wujin_user, tianning_user, client_for, settings
):
    settings.KEPU_TOKEN_TTL_HOURS = 8
    key = obtain("wujin1")
    obtain("tianning1")
    token = Token.objects.get(key=key)
    token.created = timezone.make_aware(dt.datetime(2026, 12, 2, 9, 15), timezone.get_current_timezone())
    token.save()
    response = client_for(wujin_user).get("/accounts/tokens/")
    assert response.status_code == 200
    body = response.content.decode()
    rows = body.count('data-testid="token-row"')
    assert rows == 1  # its own only
    assert "2026-12-02 09:15" in body and "2026-12-02 17:15" in body  # created, expires (Asia/Shanghai)
    assert key not in body and key[:4] in body


def test_the_token_page_says_when_there_is_none(wujin_user, client_for):
    body = client_for(wujin_user).get("/accounts/tokens/").content.decode()
    assert 'data-testid="no-tokens"' in body


def test_revoking_on_the_page_kills_the_token_and_only_the_users_own(wujin_user, tianning_user, client_for):
    key = obtain("wujin1")
    other = obtain("tianning1")
    client = client_for(wujin_user)
    response = client.post("/accounts/tokens/", follow=True)
    assert response.status_code == 200
    assert "已撤销" in response.content.decode()
    assert with_token(key).get(PROBE).status_code == 401
    assert with_token(other).get(PROBE).status_code == 200


def test_the_revoke_form_is_csrf_protected(wujin_user):
    obtain("wujin1")
    client = Client(enforce_csrf_checks=True)
    client.force_login(wujin_user)
    assert client.post("/accounts/tokens/").status_code == 403
    assert Token.objects.filter(user=wujin_user).exists()


def test_delete_on_the_token_endpoint_revokes_the_callers_token(wujin_user, tianning_user):
    key = obtain("wujin1")
    other = obtain("tianning1")
    response = with_token(key).delete(TOKEN_URL)
    assert response.status_code == 204
    assert with_token(key).get(PROBE).status_code == 401
    assert with_token(other).get(PROBE).status_code == 200


def test_delete_on_the_token_endpoint_needs_credentials(wujin_user):
    obtain("wujin1")
    assert APIClient().delete(TOKEN_URL).status_code == 401
    assert Token.objects.filter(user=wujin_user).exists()


def test_the_token_page_in_english(wujin_user, client_for, settings):
    obtain("wujin1")
    client = client_for(wujin_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override(settings.LANGUAGE_CODE):  # the middleware's activate("en") must not outlive the test
        body = client.get("/accounts/tokens/").content.decode()
    assert "API tokens" in body and "Revoke token" in body and "valid for 8 hours" in body
    assert "令牌" not in body.split("<main", 1)[1]
