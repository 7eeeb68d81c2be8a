"""The one font every printed document uses: WenQuanYi Micro Hei, embedded as TrueType.

Never a CID font (STSong-Light and friends): those are not embedded and print as empty boxes on
a machine without the reader's Asian font pack — exactly the kind of machine a town hall has.
There is only a Regular face; ``registerFontFamily`` maps bold/italic to it so a stray ``<b>``
in paragraph markup never fails, and headings get their weight from size instead.
"""

from __future__ import annotations

import logging
import threading

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from models.paths import resource_path

__all__ = ["FONT_NAME", "FONT_FILE", "register_fonts", "prepare_printing"]

FONT_NAME = "WenQuanYiMicroHei"
FONT_FILE = ("fonts", "WenQuanYiMicroHei.ttf")

_lock = threading.Lock()
log = logging.getLogger("towndesk.documents")


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


def _prepare() -> None:
    try:
        register_fonts()
        import documents.hall  # noqa: F401  (reportlab's layout modules, imported once)
    except Exception:  # noqa: BLE001 - printing itself reports the problem to the user
        log.exception("预先加载打印字体失败")


def prepare_printing() -> threading.Thread:
    """Register the font (reading 4.6 MB, ≈0.4 s) on a background thread while the user logs in, so
    the first receipt of the day prints as fast as the rest. A receipt asked for before it is done
    waits for it (the lock in register_fonts)."""
    thread = threading.Thread(target=_prepare, name="prepare-printing", daemon=True)
    thread.start()
    return thread
