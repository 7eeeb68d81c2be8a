"""Logging to the data folder and the last line of defence: an unexpected error is logged and shown."""

import logging
import logging.handlers
import sys
import traceback

from models.paths import log_dir

log = logging.getLogger("towndesk")


def setup_logging() -> str:
    """A rotating log file in the data folder; returns its path."""
    folder = log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "towndesk.log"
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    if not any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    return str(path)


def report_unexpected(exc_type, exc, tb, parent=None) -> None:
    """Log the traceback and tell the user plainly; the application keeps running."""
    log.error("未处理的异常\n%s", "".join(traceback.format_exception(exc_type, exc, tb)))
    from PySide6.QtWidgets import QApplication, QMessageBox

    if QApplication.instance() is None:
        return
    box = QMessageBox(QMessageBox.Critical, QApplication.translate("errors", "程序出错"),
                      QApplication.translate("errors", "操作没有完成：程序遇到了意外错误。已录入的数据不受影响。\n"
                                                       "错误已记录在日志文件中，请把它交给技术支持：\n{0}").format(
                          log_dir() / "towndesk.log"),
                      QMessageBox.Ok, parent)
    box.setDetailedText("".join(traceback.format_exception(exc_type, exc, tb)))
    box.exec()


def install_excepthook() -> None:
    def hook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        from models.db import busy_problem
        from models.errors import TownDeskError

        exc = busy_problem(exc) or exc
        if isinstance(exc, TownDeskError):
            from PySide6.QtWidgets import QApplication, QMessageBox

            log.info("提示：%s", exc.message)
            QMessageBox.warning(QApplication.activeWindow(), QApplication.translate("errors", "无法完成"), exc.message)
            return
        report_unexpected(exc_type, exc, tb)

    sys.excepthook = hook
