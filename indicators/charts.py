"""PNG bar charts for documents (the meeting brief), drawn with Pillow in a CJK font.

The font is Noto Sans CJK from Debian's fonts-noto-cjk (found with fc-list, or KEPU_CJK_FONT); without it the
labels would be boxes, so a missing font is an error naming the package, never a silent bad chart.
"""

from __future__ import annotations

import functools
import io
import os
import shutil
import subprocess

from django.core.exceptions import ImproperlyConfigured

CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)
SC_INDEX = 2  # the .ttc's faces: JP, KR, SC, TC, HK (Noto Sans CJK 2.x order)


@functools.lru_cache(maxsize=1)
def cjk_font_path() -> str:
    configured = os.environ.get("KEPU_CJK_FONT")
    if configured and os.path.exists(configured):
        return configured
    for path in CANDIDATES:
        if os.path.exists(path):
            return path
    if shutil.which("fc-list"):
        out = subprocess.run(["fc-list", ":lang=zh-cn", "file"], capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            path = line.split(":")[0].strip()
            if path:
                return path
    raise ImproperlyConfigured("找不到中文字体:请安装 Debian 软件包 fonts-noto-cjk,或用 KEPU_CJK_FONT 指定字体文件。")


def _font(size: int):
    from PIL import ImageFont

    path = cjk_font_path()
    if path.endswith(".ttc"):
        try:
            return ImageFont.truetype(path, size, index=SC_INDEX)
        except OSError:
            pass
    return ImageFont.truetype(path, size)


def bar_png(rows: list[tuple[str, int | float]], width: int = 1200, bar_height: int = 44) -> bytes:
    """Horizontal bars, one per (label, value), the value written at the end of each bar."""
    from PIL import Image, ImageDraw

    font = _font(24)
    label_width = 220
    pad = 24
    height = pad * 2 + max(1, len(rows)) * (bar_height + 14)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    top = max((v for _l, v in rows), default=0) or 1
    span = width - label_width - pad * 2 - 160
    for i, (label, value) in enumerate(rows):
        y = pad + i * (bar_height + 14)
        draw.text((pad, y + 6), str(label), font=font, fill="#212529")
        length = int(span * float(value) / float(top))
        draw.rectangle([label_width, y, label_width + max(length, 1), y + bar_height], fill="#0d6efd")
        draw.text((label_width + length + 12, y + 6), f"{value:,}", font=font, fill="#212529")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
