from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from programs.services import plan_loader


class Command(BaseCommand):
    help = "从规划文件(YAML)载入规划、区域、人群、工程、任务、责任单位与目标;可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(settings.KEPU_PLAN_FILE))

    def handle(self, *args, path, **options):
        try:
            plan, stats = plan_loader.load_plan_file(path)
        except plan_loader.PlanFileError as exc:
            raise CommandError(str(exc)) from exc
        created = ", ".join(f"{k}={v}" for k, v in sorted(stats.created.items())) or "无"
        updated = ", ".join(f"{k}={v}" for k, v in sorted(stats.updated.items())) or "无"
        self.stdout.write(self.style.SUCCESS(f"已载入 {plan.name}: 新建 {created}; 更新 {updated}"))
