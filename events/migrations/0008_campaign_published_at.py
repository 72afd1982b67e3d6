"""Campaigns get a publication time: drafts are the office's alone. Every existing campaign was already visible to its
parties, so it migrates as published when it was created."""
from django.db import migrations, models
import django.utils.timezone


def publish_existing(apps, schema_editor):
    Campaign = apps.get_model("events", "Campaign")
    Campaign.objects.update(published_at=models.F("created_at"))
    HistoricalCampaign = apps.get_model("events", "HistoricalCampaign")
    HistoricalCampaign.objects.update(published_at=models.F("created_at"))


class Migration(migrations.Migration):
    dependencies = [("events", "0007_two_phase_activities")]

    operations = [
        migrations.AddField(
            model_name="campaign", name="published_at",
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, editable=False, null=True,
                                       verbose_name="发布时间"),
        ),
        migrations.AddField(
            model_name="historicalcampaign", name="published_at",
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, editable=False, null=True,
                                       verbose_name="发布时间"),
        ),
        migrations.RunPython(publish_existing, migrations.RunPython.noop),
    ]
