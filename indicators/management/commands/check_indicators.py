import sys

from django.core.management.base import BaseCommand

from indicators.audit import recompute_and_compare


class Command(BaseCommand):
    help = "从源数据重新计算全部指标值(不写入),列出与已存储值不一致之处;有差异时退出码为 1。"

    def handle(self, *args, **options):
        problems = recompute_and_compare()
        for line in problems:
            self.stdout.write(line)
        if problems:
            self.stdout.write(self.style.ERROR(f"{len(problems)} 个指标值与重新计算结果不一致"))
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS("全部指标值与重新计算结果一致"))
