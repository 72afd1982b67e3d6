from django.db import migrations

THEMES = [
    ("health", "卫生健康"), ("emergency", "应急"), ("meteorology", "气象"), ("water", "水情"),
    ("ecology", "生态环保"), ("scientist-spirit", "科学家精神"), ("agriculture", "农业科技"),
    ("manufacturing", "智能制造"), ("information", "信息科技"), ("earth", "地质与天文"),
    ("history", "科技史"), ("transport", "交通与能源"),
]


def add_themes(apps, schema_editor):
    Theme = apps.get_model("bases", "Theme")
    for order, (code, name) in enumerate(THEMES):
        Theme.objects.update_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("bases", "0002_constraint_messages")]
    operations = [migrations.RunPython(add_themes, migrations.RunPython.noop)]
