"""Fill the portal with demo data: each app's demo.load_demo(stdout), in dependency order."""

from importlib import import_module

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

# bases come before the users: a base contact is tied to a demo base
DEMO_MODULES = [
    "programs.demo_organisations",
    "bases.demo",
    "accounts.demo",
    "events.demo",
    "programs.demo",
    "indicators.demo",
    "assessment.demo",
    "notifications.demo",
]


class Command(BaseCommand):
    help = "载入规划与组织树并填充演示数据(基层组织、演示账号、基地、活动、报告、指标);可重复运行,不会重复创建。"

    def handle(self, *args, **options):
        call_command("load_plan", stdout=self.stdout)
        call_command("load_organisations", stdout=self.stdout)
        for name in DEMO_MODULES:
            try:
                module = import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                continue
            with transaction.atomic():  # each app's demo is all-or-nothing; one roll-up follows it
                module.load_demo(self.stdout)
