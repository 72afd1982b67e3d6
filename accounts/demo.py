"""Demo users, one per role. Idempotent: re-running resets nothing but the password."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import Group, Permission

from programs.models import Region, ResponsibleUnit

from .models import Role, User

DEMO_PASSWORD = "kepu-demo-2025"

DEMO_USERS = [
    # username, role, last name, first name, region code, unit name, is_staff, is_superuser
    ("office", Role.OFFICE, "市科协科普部", "", None, None, True, False),
    ("wujin", Role.DISTRICT, "武进区科协", "", "320412", None, False, False),
    ("tianning", Role.DISTRICT, "天宁区科协", "", "320402", None, False, False),
    ("jiaoyuju", Role.LIAISON, "市教育局", "联络员", None, "市教育局", False, False),
    ("nongyeju", Role.LIAISON, "市农业农村局", "联络员", None, "市农业农村局", False, False),
    ("leader", Role.LEADER, "分管领导", "", None, None, False, False),
    ("admin", Role.ADMIN, "系统管理员", "", None, None, True, True),
    # the parties below the districts (towns from programs/fixtures/changzhou_organisations.yaml)
    ("hutang", Role.TOWN, "湖塘镇科协", "", "320412100", None, False, False),
    ("hongmei", Role.TOWN, "红梅街道科协", "", "320402004", None, False, False),
    ("xuehui", Role.ORGANISATION, "武进区机械工程学会(示例)", "联系人", None, None, False, False),
    ("jidi", Role.BASE, "武进区青少年科技教育中心", "联系人", None, None, False, False),
]
# the organisation and the base the two contacts act for
DEMO_PARTIES = {
    "xuehui": {"organisation": ("programs.Organisation", {"name": "武进区机械工程学会(示例)"})},
    "jidi": {"base": ("bases.Base", {"name": "武进区青少年科技教育中心"})},
}

OFFICE_GROUP = "领导小组办公室"
OFFICE_APPS = ["accounts", "programs", "bases", "events", "indicators"]


def office_group() -> Group:
    group, _ = Group.objects.get_or_create(name=OFFICE_GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=OFFICE_APPS))
    return group


def load_demo(stdout) -> list[tuple[str, str]]:
    group = office_group()
    logins: list[tuple[str, str]] = []
    for username, role, last, first, region_code, unit_name, staff, superuser in DEMO_USERS:
        parties = {
            field: apps.get_model(label).objects.filter(**lookup).first()
            for field, (label, lookup) in DEMO_PARTIES.get(username, {}).items()
        }
        if None in parties.values():  # its organisation or base is not loaded (seed_demo loads them first)
            continue
        user, created = User.objects.get_or_create(username=username)
        user.role = role
        user.last_name, user.first_name = last, first
        user.region = Region.objects.get(code=region_code) if region_code else None
        user.unit = ResponsibleUnit.objects.get(name=unit_name) if unit_name else None
        user.organisation, user.base = parties.get("organisation"), parties.get("base")
        user.is_staff, user.is_superuser = staff, superuser
        user.email = f"{username}@example.invalid"
        if created:
            user.set_password(DEMO_PASSWORD)
        user.save()
        if role == Role.OFFICE:
            user.groups.add(group)
        logins.append((username, user.get_role_display()))
    stdout.write(f"演示账号 (密码均为 {DEMO_PASSWORD}):")
    for username, role_label in logins:
        user = User.objects.get(username=username)
        party = user.base or user.organisation or user.unit or user.region or ""
        stdout.write(f"  {username:10s} {role_label}  {party}")
    return logins
