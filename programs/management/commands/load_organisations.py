from django.core.management.base import BaseCommand, CommandError

from programs.models import Organisation, Region
from programs.organisation_loader import DEFAULT_FILE, OrganisationFileError, load_organisations_file


class Command(BaseCommand):
    help = "从组织文件(YAML)载入各辖市(区)的镇(街道)与基层组织(园区科协、学会、企业科协、农技协);可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_FILE))

    def handle(self, *args, path, **options):
        try:
            stats = load_organisations_file(path)
        except OrganisationFileError as exc:
            raise CommandError(str(exc)) from exc
        created = ", ".join(f"{k}={v}" for k, v in sorted(stats.created.items())) or "无"
        updated = ", ".join(f"{k}={v}" for k, v in sorted(stats.updated.items())) or "无"
        towns = Region.objects.filter(level=Region.Level.TOWN).count()
        organisations = Organisation.objects.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"已载入组织树 {path}: 新建 {created}; 更新 {updated}。"
                f"现有镇(街道) {towns} 个,基层组织 {organisations} 家"
            )
        )
