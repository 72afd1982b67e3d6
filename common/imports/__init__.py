"""The one import engine (issue 12, point 8): bases and events (and any later import) share it.

* reading — ``read_upload``: xlsx and csv (UTF-8, GBK, UTF-16), the header row below title rows, a row cap,
  formula cells without a result refused; the upload checker (common.uploads) for the container.
* problems — ``Problem`` (row, column, Chinese message), ``ImportFileError``, ``collect_problems``.
* widgets — Chinese dates, numbers (「约200人」 as common.numbers reads it), choices, lookups, names.
* resource — ``KepuResource``: user, 编号 column, natural key, scoped queryset, bulk writes with history.
* stash — pending imports in the private storage under a session-bound random token.
* flow — ``run_import`` (all-or-nothing, one transaction), downloads and the preview → confirm view.
"""

from .flow import ImportFlowView, ImportOutcome, dataset_response, export_response, run_import, template_response
from .problems import ImportFileError, Problem, collect_problems, file_problem, problems_json, too_large
from .reading import XLSX_CONTENT_TYPE, Upload, read_upload
from .resource import KepuResource, RowRejected
from .widgets import ChoiceWidget, DateWidget, LookupWidget, NamesWidget, NumberWidget, shown, whole_number

__all__ = [
    "XLSX_CONTENT_TYPE",
    "ChoiceWidget",
    "DateWidget",
    "ImportFileError",
    "ImportFlowView",
    "ImportOutcome",
    "KepuResource",
    "LookupWidget",
    "NamesWidget",
    "NumberWidget",
    "Problem",
    "RowRejected",
    "Upload",
    "collect_problems",
    "dataset_response",
    "export_response",
    "file_problem",
    "problems_json",
    "read_upload",
    "run_import",
    "shown",
    "template_response",
    "too_large",
    "whole_number",
]
