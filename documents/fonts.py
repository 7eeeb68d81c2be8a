"""The one font every printed document uses: WenQuanYi Micro Hei, embedded as TrueType.

Never a CID font (STSong-Light and friends): those are not embedded and print as empty boxes on
a machine without the reader's Asian font pack — exactly the kind of machine a town hall has.
There is only a Regular face; ``registerFontFamily`` maps bold/italic to it so a stray ``<b>``
in paragraph markup never fails, and headings get their weight from size instead.
"""

from __future__ import annotations

import threading

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from models.paths import resource_path

__all__ = ["FONT_NAME", "FONT_FILE", "register_fonts"]

FONT_NAME = "WenQuanYiMicroHei"
FONT_FILE = ("fonts", "WenQuanYiMicroHei.ttf")

_lock = threading.Lock()


def register_fonts() -> str:
    """Register the bundled CJK font with reportlab (once per process) and return its name."""
    with _lock:
        if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
            path = resource_path(*FONT_FILE)
            if not path.is_file():
                raise FileNotFoundError(f"找不到打印字体文件：{path}")
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(path)))
            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(FONT_NAME, bold, italic, FONT_NAME)
    return FONT_NAME
