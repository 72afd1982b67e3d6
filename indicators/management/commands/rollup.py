from django.core.management.base import BaseCommand

from indicators.services import run_rollup


class Command(BaseCommand):
    help = "立即重新汇总全部指标值(与夜间任务相同)。"

    def handle(self, *args, **options):
        run = run_rollup(trigger="command")
        self.stdout.write(self.style.SUCCESS(f"汇总完成:{run.rows} 行,耗时 {run.duration_ms} 毫秒"))
