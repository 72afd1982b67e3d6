"""Observation.reported_on; the 17% of seed 000 moves from an invented survey year (2022) to its report date."""

import datetime

from django.db import migrations, models

# Seed 000 (the 2023-08-02 leading-group meeting) quotes 17% with no survey year; it had been stored as the
# 2022 value. It moves to the year it was reported, with the report date and a note saying so.
MEETING = datetime.date(2023, 8, 2)
NOTE = "见于2023年8月2日全市全民科学素质工作领导小组会议材料(种子000),材料未注明调查年份:观测不晚于该日。"


def literacy_as_reported(apps, schema_editor):
    Observation = apps.get_model("indicators", "Observation")
    for obs in Observation.objects.filter(indicator__code="literacy_rate", year=2022, source__startswith="000"):
        if Observation.objects.filter(indicator_id=obs.indicator_id, year=2023, region_id=obs.region_id).exists():
            continue
        obs.year, obs.reported_on, obs.note = 2023, MEETING, NOTE
        obs.source = "000 2023年全民科学素质工作领导小组会议材料(2023-08-02)"
        obs.save()


def literacy_back(apps, schema_editor):
    Observation = apps.get_model("indicators", "Observation")
    Observation.objects.filter(indicator__code="literacy_rate", year=2023, reported_on=MEETING).update(
        year=2022, reported_on=None, note="", source="000 2023年领导小组会议"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0004_cockpit_indicators"),
    ]

    operations = [
        migrations.AddField(
            model_name="observation",
            name="reported_on",
            field=models.DateField(
                blank=True,
                null=True,
                verbose_name="报告日期",
                help_text="该数值见于材料的日期(观测不晚于此日);调查年份未知时年份取报告当年并在备注中说明",
            ),
        ),
        migrations.RunPython(literacy_as_reported, literacy_back),
    ]
