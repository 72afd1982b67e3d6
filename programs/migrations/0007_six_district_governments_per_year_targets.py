"""The plan's figures as the seeds say them (existing data migrates like a fresh load of the plan file):

* 「各辖市(区)政府」 is the six 辖市(区) governments: the 常州经开区管委会 assignments that came from that phrase go
  (seed 000 names 「各辖市(区)政府、常州经开区管委会」 apart); the office may add 经开区 back (added_by_office);
* the 老年科技大学 coverage target (「辖市(区)全覆盖」) counts the six;
* per-year targets (「每年……」) have no year (they were stored with 2021).
"""

from django.db import migrations, models

ZONE = "常州经开区管委会"
GROUP = "各辖市(区)政府"
COVERAGE = "elderly_tech_university_coverage"
COVERAGE_NOTE = (
    "原文未写完成年份(该段无“到2025年”),故year为空。“辖市(区)全覆盖”读作6个辖市(区)(溧阳市、金坛区、武进区、新北区、\n"
    "天宁区、钟楼区)全覆盖,计为6:种子000把“各辖市(区)政府”与“常州经开区管委会”分开列举(“各辖市(区)政府、常州经开区管委会\n"
    "分管负责人”),常州经开区不在“辖市(区)”之内;经开区的老年科技大学如有,另行记录,不计入本目标。"
)


def forwards(apps, schema_editor):
    TaskAssignment = apps.get_model("programs", "TaskAssignment")
    PlanTarget = apps.get_model("programs", "PlanTarget")
    TaskAssignment.objects.filter(unit__name=ZONE, via_group=GROUP, added_by_office=False).delete()
    # the plan file names 经开区 in no reported_by: it reported only through 「各辖市(区)政府」
    PlanTarget.reporting_units.through.objects.filter(responsibleunit__name=ZONE).delete()
    PlanTarget.objects.filter(kind="per_year").update(year=None)
    PlanTarget.objects.filter(code=COVERAGE, value=7).update(value=6, note=COVERAGE_NOTE)


def backwards(apps, schema_editor):
    PlanTarget = apps.get_model("programs", "PlanTarget")
    for target in PlanTarget.objects.filter(kind="per_year", year__isnull=True).select_related("plan"):
        target.year = target.plan.start_year
        target.save(update_fields=["year"])


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0006_transition_phase"),
    ]

    operations = [
        migrations.AddField(
            model_name="taskassignment",
            name="added_by_office",
            field=models.BooleanField(
                default=False,
                help_text="规划原文未列、由领导小组办公室添加的分工(如常州经开区管委会);重新载入规划文件时保留",
                verbose_name="办公室添加",
            ),
        ),
        migrations.AlterField(
            model_name="plantarget",
            name="year",
            field=models.PositiveSmallIntegerField(
                blank=True, help_text="到期年份;每年目标(“每年……”)没有年份", null=True, verbose_name="年份"
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AddConstraint(
            model_name="plantarget",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "per_year"), _negated=True), ("year__isnull", True), _connector="OR"
                ),
                name="per_year_target_has_no_year",
            ),
        ),
    ]
