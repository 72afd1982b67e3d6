"""A print page as PDF: the page is rendered here, its static assets pointed at files on disk, and headless
Chromium (Debian's /usr/bin/chromium, KEPU_CHROMIUM) prints it in a subprocess with a timeout. Nothing is fetched
over the network and no session is handed to the browser: the HTML is the one the user may already read."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from common import downloads

TIMEOUT_SECONDS = 60
_STATIC_ATTR = re.compile(r'(src|href)="' + re.escape(settings.STATIC_URL) + r'([^"?#]+)[^"]*"')


class PdfError(Exception):
    pass


def chromium_path() -> str | None:
    path = settings.KEPU_CHROMIUM
    return path if os.path.isfile(path) and os.access(path, os.X_OK) else shutil.which(path)


def _static_file(name: str) -> str | None:
    found = finders.find(name)
    if found:
        return found
    root = getattr(settings, "STATIC_ROOT", None)
    candidate = Path(root, name) if root else None
    return str(candidate) if candidate and candidate.is_file() else None


def localise_static(html: str) -> str:
    """/static/… → file:///…/static/… so that the browser needs no server (and no login)."""

    def repl(m):
        path = _static_file(m.group(2))
        return f'{m.group(1)}="{Path(path).as_uri()}"' if path else m.group(0)

    return _STATIC_ATTR.sub(repl, html)


def html_to_pdf(html: str, timeout: int = TIMEOUT_SECONDS) -> bytes:
    chromium = chromium_path()
    if not chromium:
        raise PdfError(_("服务器未安装 Chromium 浏览器,无法生成 PDF。请在打印版页面使用浏览器的“打印 → 另存为 PDF”。"))
    with tempfile.TemporaryDirectory(prefix="kepu-pdf-") as tmp:
        page, out = Path(tmp, "page.html"), Path(tmp, "page.pdf")
        page.write_text(html, encoding="utf-8")
        command = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp}/profile",
            "--allow-file-access-from-files",
            "--no-pdf-header-footer",
            "--run-all-compositor-stages-before-draw",
            "--virtual-time-budget=10000",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=timeout, check=False, cwd=tmp)
        except subprocess.TimeoutExpired:
            raise PdfError(
                _("生成 PDF 超时(超过 %(n)d 秒),请稍后重试或使用打印版页面打印。") % {"n": timeout}
            ) from None
        except OSError as exc:
            raise PdfError(_("无法启动 Chromium 浏览器生成 PDF:%(e)s") % {"e": exc}) from None
        if not out.is_file() or not out.read_bytes().startswith(b"%PDF"):
            raise PdfError(_("Chromium 未能生成 PDF,请稍后重试或使用打印版页面打印。"))
        return out.read_bytes()


def response(request, template: str, context: dict, filename: str) -> HttpResponse:
    html = localise_static(render_to_string(template, {**context, "for_pdf": True}, request=request))
    try:
        data = html_to_pdf(html)
    except PdfError as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    return downloads.content_download(data, filename, downloads.PDF)
