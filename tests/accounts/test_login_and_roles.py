import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_wrong_login_gets_a_clear_chinese_message(wujin_user):
    response = Client().post(reverse("login"), {"username": "wujin1", "password": "wrong"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="login-error"' in body
    assert "请输入一个正确的" in body and "密码" in body


def test_right_login_lands_on_home_with_role_navigation(wujin_user):
    client = Client()
    response = client.post(reverse("login"), {"username": "wujin1", "password": "pw-wujin1"}, follow=True)
    body = response.content.decode()
    assert "武进区科协" in body and "辖市(区)科协" in body
    assert reverse("programs:programme-list") in body
    assert reverse("accounts:user-list") not in body  # office-only item hidden


def test_pages_are_chinese_by_default_and_english_on_request(client_for, leader_user):
    client = client_for(leader_user)
    assert "规划任务" in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Plan tasks" in client.get(reverse("home")).content.decode()


def test_anonymous_visitor_is_sent_to_login():
    response = Client().get(reverse("programs:programme-list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("persona", ["wujin_user", "liaison_user", "leader_user"])
def test_non_office_roles_cannot_open_admin(persona, request, client_for):
    client = client_for(request.getfixturevalue(persona))
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["wujin_user", "liaison_user", "leader_user"])
def test_non_office_roles_are_refused_the_office_user_page(persona, request, client_for):
    response = client_for(request.getfixturevalue(persona)).get(reverse("accounts:user-list"))
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


def test_office_staff_open_admin_and_user_page(client_for, office_user):
    client = client_for(office_user)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/programs/task/").status_code == 200
    assert client.get(reverse("accounts:user-list")).status_code == 200


def test_only_a_liaison_has_a_my_unit_page(client_for, liaison_user, wujin_user):
    response = client_for(liaison_user).get(reverse("programs:my-unit"))
    assert response.status_code == 302 and response["Location"].endswith(f"/units/{liaison_user.unit_id}/")
    assert client_for(wujin_user).get(reverse("programs:my-unit")).status_code == 403


def test_district_user_requires_a_region():
    from django.core.exceptions import ValidationError

    from accounts.models import User

    with pytest.raises(ValidationError, match="所属区域"):
        User(username="x", role="district").full_clean()


def test_password_change(client_for, leader_user):
    client = client_for(leader_user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "pw-leader1", "new_password1": "Kx9!longer-pass", "new_password2": "Kx9!longer-pass"},
    )
    assert response.status_code == 302
    leader_user.refresh_from_db()
    assert leader_user.check_password("Kx9!longer-pass")


def test_pages_stay_chinese_for_an_english_browser_until_the_user_switches(client_for, leader_user):
    client = client_for(leader_user)
    body = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "规划任务" in body and 'lang="zh-CN"' in body
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Plan tasks" in client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
