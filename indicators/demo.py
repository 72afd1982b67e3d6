"""After the other apps' demo records exist, roll everything up so the dashboard tells the story."""

from __future__ import annotations

from .models import IndicatorValue
from .services import run_rollup


def load_demo(stdout) -> None:
    run = run_rollup(trigger="demo")
    stdout.write(
        f"指标汇总完成:共 {IndicatorValue.objects.count()} 个指标值(本次写入 {run.rows}),耗时 {run.duration_ms} 毫秒"
    )
