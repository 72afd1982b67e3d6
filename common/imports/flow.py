"""Preview → confirm: the import run in one transaction (all-or-nothing), downloads, and the flow view."""

from __future__ import annotations

from dataclasses import dataclass

import tablib
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from common import downloads
from common.spreadsheets import dataset_csv, dataset_xlsx

from .problems import ImportFileError, Problem, collect_problems, too_large
from .reading import Upload, read_upload
from .resource import KepuResource
from .stash import drop_stash, load_stash, stash_upload


@dataclass
class ImportOutcome:
    problems: list[Problem]
    new: int = 0
    updated: int = 0
    total: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


class _Rollback(Exception):
    pass


def run_import(resource: KepuResource, upload: Upload, dry_run: bool, on_result=None) -> ImportOutcome:
    """Import inside one transaction. Dry run: always rolled back. Real run: rolled back entirely
    on any problem (all-or-nothing). `on_result(result)` sees the import-export Result inside the transaction
    (a preview reads its rows there)."""
    resource.row_numbers = upload.row_numbers
    resource._seen = {}
    refused = resource.refusal()
    if refused:
        return ImportOutcome(problems=[Problem(None, "", refused)], total=len(upload.dataset))
    outcome = ImportOutcome(problems=[])
    try:
        with transaction.atomic():
            result = resource.import_data(
                upload.dataset,
                dry_run=dry_run,
                use_transactions=True,
                rollback_on_validation_errors=True,
                raise_errors=False,
            )
            outcome.problems = collect_problems(result, resource, upload.row_numbers)
            outcome.new = result.totals.get("new", 0)
            outcome.updated = result.totals.get("update", 0)
            outcome.total = len(upload.dataset)
            outcome.unchanged = result.totals.get("skip", 0)
            if on_result is not None:
                on_result(result)
            if dry_run or outcome.problems:
                raise _Rollback
    except _Rollback:
        pass
    return outcome


# --- downloads -------------------------------------------------------------------------------
def dataset_response(dataset: tablib.Dataset, fmt: str, filename: str) -> HttpResponse:
    """The dataset as a download, written by common.spreadsheets (user text never becomes a formula)."""
    if fmt == "csv":
        content = "\ufeff" + dataset_csv(dataset)  # BOM so Excel opens UTF-8 correctly
        return downloads.content_download(content.encode("utf-8"), f"{filename}.csv", downloads.CSV)
    return downloads.xlsx_download(dataset_xlsx(dataset, title=filename), f"{filename}.xlsx")


def export_response(resource: KepuResource, queryset, fmt: str, filename: str) -> HttpResponse:
    return dataset_response(resource.export(queryset), fmt, filename)


def template_response(resource_class, fmt: str, filename: str) -> HttpResponse:
    return dataset_response(tablib.Dataset(headers=resource_class.column_names()), fmt, filename)


class ImportFlowView(View):
    """Upload (POST file) → dry-run preview listing every problem → confirm (POST token) → real run.

    Subclasses set `resource_class`, `key`, `title`, `template_name`, `success_url` and may override
    `get_resource()` (to pass the user) and `check_permission()`."""

    resource_class: type[KepuResource]
    key = "import"
    title = ""
    template_name = "imports/import.html"
    success_url = "/"
    template_url = ""

    def get_resource(self) -> KepuResource:
        return self.resource_class(user=self.request.user)

    def context(self, **extra):
        resource_class = self.resource_class
        return {
            "title": self.title,
            "columns": resource_class.column_names(),
            "required_columns": resource_class.required_columns,
            "template_url": self.template_url,
            "max_mb": settings.KEPU_MAX_IMPORT_BYTES / 1048576,
            "max_rows": settings.KEPU_MAX_IMPORT_ROWS,
            **extra,
        }

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, self.context())

    def parse(self, data: bytes, filename: str) -> Upload:
        resource = self.resource_class
        return read_upload(data, filename, resource.column_names(), resource.required_columns)

    def post(self, request, *args, **kwargs):
        if request.POST.get("token"):
            return self.confirm(request)
        upload_file = request.FILES.get("file")
        if upload_file is None:
            return render(
                request,
                self.template_name,
                self.context(problems=[Problem(None, "", _("请选择要上传的文件。"))]),
                status=400,
            )
        try:
            if upload_file.size > settings.KEPU_MAX_IMPORT_BYTES:  # refused without reading it into memory
                raise too_large(upload_file.size)
            data = upload_file.read()
            upload = self.parse(data, upload_file.name)
        except ImportFileError as exc:
            return render(
                request, self.template_name, self.context(problems=exc.problems, filename=upload_file.name), status=400
            )
        outcome = run_import(self.get_resource(), upload, dry_run=True)
        if not outcome.ok:
            return render(
                request,
                self.template_name,
                self.context(problems=outcome.problems, outcome=outcome, filename=upload_file.name),
                status=400,
            )
        token = stash_upload(request, self.key, data, upload_file.name)
        preview = upload.dataset.dict[:20]
        return render(
            request,
            self.template_name,
            self.context(
                outcome=outcome,
                token=token,
                filename=upload_file.name,
                preview_headers=upload.dataset.headers,
                preview_rows=[list(r.values()) for r in preview],
            ),
        )

    def confirm(self, request):
        token = request.POST.get("token", "")
        data, filename = load_stash(request, self.key, token)
        if data is None:
            return render(
                request,
                self.template_name,
                self.context(problems=[Problem(None, "", _("导入已过期或不存在,请重新上传文件。"))]),
                status=400,
            )
        try:
            upload = self.parse(data, filename)
        except ImportFileError as exc:  # pragma: no cover - checked at upload
            drop_stash(request, token)
            return render(request, self.template_name, self.context(problems=exc.problems), status=400)
        outcome = run_import(self.get_resource(), upload, dry_run=False)
        drop_stash(request, token)
        if not outcome.ok:
            return render(
                request,
                self.template_name,
                self.context(problems=outcome.problems, outcome=outcome, filename=filename),
                status=400,
            )
        messages.success(
            request,
            _("导入成功:新增 %(new)s 条,更新 %(updated)s 条。") % {"new": outcome.new, "updated": outcome.updated},
        )
        return redirect(self.success_url)
