"""The bundled font works for both screen and print, and unexpected errors reach the log."""

import sys

from PySide6.QtGui import QFont, QRawFont
from PySide6.QtWidgets import QMessageBox

from models.paths import log_dir, resource_path
from ui.app import FONT_FILE, create_application, register_font


def test_font_and_licence_are_bundled():
    assert resource_path("fonts", FONT_FILE).stat().st_size > 1_000_000
    licence = resource_path("fonts", "LICENSE-WenQuanYiMicroHei.txt").read_text(encoding="utf-8")
    assert "Apache License" in licence and "Version 2.0" in licence


def test_qt_renders_chinese_with_the_bundled_font():
    create_application()
    family = register_font()
    assert family == "WenQuanYi Micro Hei"
    raw = QRawFont.fromFont(QFont(family, 12))
    for char in "打通镇便民服务中心矛盾调解网格巡查":
        assert raw.supportsCharacter(ord(char)), char  # the UCS-4 overload: a str converts lossily


def test_reportlab_embeds_the_font_as_truetype():
    from io import BytesIO

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("TownDeskSans", str(resource_path("fonts", FONT_FILE))))
    out = BytesIO()
    page = canvas.Canvas(out)
    page.setFont("TownDeskSans", 14)
    page.drawString(72, 720, "受理回执 打通镇便民服务中心")
    page.save()
    pdf = out.getvalue()
    assert b"/FontFile2" in pdf  # embedded TrueType outlines, not a CID font the reader must supply
    assert b"STSong" not in pdf


def test_unexpected_error_is_logged_and_shown(qtbot, monkeypatch):
    from ui.errors import install_excepthook, setup_logging

    create_application()
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self.text()) or 0)
    setup_logging()
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_excepthook()
    try:
        raise RuntimeError("测试用的意外错误")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    assert shown and "意外错误" in shown[0]
    log_text = (log_dir() / "towndesk.log").read_text(encoding="utf-8")
    assert "RuntimeError: 测试用的意外错误" in log_text and "Traceback" in log_text


def test_qt_standard_buttons_speak_chinese():
    from PySide6.QtCore import QCoreApplication

    create_application()
    assert QCoreApplication.translate("QPlatformTheme", "&Yes") == "是(&Y)"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"


def test_a_database_busy_error_is_shown_as_a_plain_warning_not_a_program_error(qtbot, monkeypatch, messages):
    import sqlite3

    from ui.common import show_problem
    from ui.errors import install_excepthook

    create_application()
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_excepthook()
    critical = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: critical.append(self.text()) or 0)
    show_problem(None, sqlite3.OperationalError("database is locked"))
    try:
        raise sqlite3.OperationalError("database is locked")
    except sqlite3.OperationalError:
        sys.excepthook(*sys.exc_info())
    assert not critical
    assert len(messages) == 2 and all(kind == "warn" and "正被其他窗口占用" in text for kind, _t, text in messages)
