"""``TownDesk --self-check``: what a technician runs on a village post's PC after installing a build.

Without touching the user's data folder or database, in a temporary folder: the bundled resources are
there, a new database is created and set up, one matter is accepted at the window, its receipt is rendered
as a PDF with the Chinese font embedded, and the main window opens with the bundled font, Qt's Chinese and
the theme — the parts a frozen build can lose (a data file, a plugin, a hidden import). Each step prints one
line; the exit code is 0 when every step passed, 1 otherwise. Without a display it runs offscreen.
TOWNDESK_SELF_CHECK_SHOT=FILE.png also saves a picture of the main window it opened.
"""

import os
import shutil
import sys
import tempfile
import traceback
from pathlib import Path

CLERK_PASSWORD = "Check2022x"


def _step(lines: list, name: str, work) -> bool:
    try:
        detail = work()
    except Exception as exc:  # noqa: BLE001 - each failure is reported as the step's result
        lines.append(f"✗ {name}：{type(exc).__name__}: {exc}")
        lines.append("".join(traceback.format_exception(exc)).rstrip())
        return False
    lines.append(f"✓ {name}" + (f"：{detail}" if detail else ""))
    return True


def run_self_check(out=None) -> int:
    """Run every step (stopping at the first that fails: the later ones need it) and print the report.
    A Windows build has no console: its report goes to self-check.txt in the log folder instead."""
    report_file = None
    if out is None and sys.stdout is None:
        from models.paths import log_dir

        log_dir().mkdir(parents=True, exist_ok=True)
        out = report_file = open(log_dir() / "self-check.txt", "w", encoding="utf-8")
    out = out or sys.stdout
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") and sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    folder = Path(tempfile.mkdtemp(prefix="towndesk-self-check-"))
    previous = os.environ.get("TOWNDESK_DATA_DIR")
    os.environ["TOWNDESK_DATA_DIR"] = str(folder / "data")     # logs and theme files too, never the user's
    lines: list[str] = []
    state: dict = {}
    try:
        steps = [("资源文件", _resources),
                 ("新建数据库", lambda: _database(folder, state)),
                 ("受理一件办件", lambda: _intake(state)),
                 ("生成受理通知书 PDF", lambda: _receipt(state)),
                 ("生成统计报告 PDF 和 Excel", lambda: _report(state)),
                 ("打开主窗口", lambda: _main_window(state)),
                 ("PostgreSQL 驱动（镇中心服务器）", _server_driver)]
        passed = all(_step(lines, name, work) for name, work in steps)
    finally:
        from models.db import close_database

        window = state.get("window")
        if window is not None:       # before the database it shows
            window.close()
        close_database()
        if previous is None:
            os.environ.pop("TOWNDESK_DATA_DIR", None)
        else:
            os.environ["TOWNDESK_DATA_DIR"] = previous
        shutil.rmtree(folder, ignore_errors=True)
    from models import __version__

    frozen = "（打包版）" if getattr(sys, "frozen", False) else "（源代码）"
    print(f"TownDesk {__version__} 自检{frozen}", file=out)
    for line in lines:
        print(line, file=out)
    print("自检通过。" if passed else "自检未通过：请把以上内容发给技术支持。", file=out)
    out.flush()
    if report_file is not None:
        report_file.close()
    return 0 if passed else 1


def _resources() -> str:
    from documents.fonts import FONT_FILE
    from models.hall.catalogue import default_catalogue_path
    from models.paths import resource_path
    from ui.app import ICON_FILE

    wanted = [resource_path(*FONT_FILE), default_catalogue_path(), resource_path(*ICON_FILE)]
    missing = [str(path) for path in wanted if not path.is_file()]
    if missing:
        raise FileNotFoundError("缺少 " + "、".join(missing))
    return str(resource_path())


def _database(folder: Path, state: dict) -> str:
    from models import accounts, setup

    path = folder / "towndesk.db"
    setup.open_app_database(path, create=True)
    admin = setup.initialise("打通镇", "打通镇便民服务中心（自检）", "ZJ00", "admin", CLERK_PASSWORD)
    state["admin"] = admin
    state["clerk"] = accounts.create_user(admin, "chuangkou", "窗口自检", ["window"], CLERK_PASSWORD)
    state["path"] = path
    return str(path)


def _intake(state: dict) -> str:
    from models import people
    from models.hall import cases, matters
    from models.hall.tables import RECEIVED

    clerk = state["clerk"]
    person = people.save_person(clerk, {"name": "张自检", "id_number": "500222199001011237", "phone": "13800000001"})
    matter = matters.list_matters()[0]
    case = cases.intake(clerk, cases.Intake(matter=matter, applicant=person,
                                            materials={m["name"]: RECEIVED for m in matter.materials}))
    state["case"] = case
    return f"{case.number}（{matter.name}）"


def _receipt(state: dict) -> str:
    from models.hall import printing

    printable = printing.render(state["clerk"], "receipt", state["case"].number, None)
    pdf = printable.pdf
    if not pdf.startswith(b"%PDF") or b"/FontFile2" not in pdf:
        raise ValueError("PDF 不完整或未嵌入中文字体")
    return f"{len(pdf) // 1024} KB，中文字体已嵌入"


def _report(state: dict) -> str:
    from models.db import utcnow
    from models.stats import periods, report

    period = periods.year(utcnow().year)
    pdf, stats = report.make(state["admin"], period, report.PDF)
    workbook, _stats = report.make(state["admin"], period, report.XLSX)
    if not pdf.startswith(b"%PDF") or not workbook.startswith(b"PK"):
        raise ValueError("报告文件不完整")
    return f"{period.label}，PDF {len(pdf) // 1024} KB，Excel {len(workbook) // 1024} KB"


def _main_window(state: dict) -> str:
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from models.db import describe
    from ui.app import FONT_FILE, create_application
    from ui.main_window import MainWindow

    app = create_application([sys.argv[0]])
    family = app.font().family()
    if "WenQuanYi" not in family and "文泉" not in family:
        raise RuntimeError(f"未加载自带字体 {FONT_FILE}（当前字体 {family}）")
    cancel = QCoreApplication.translate("QPlatformTheme", "Cancel")
    if cancel != "取消":
        raise RuntimeError(f"未加载 Qt 中文翻译（“Cancel”仍为“{cancel}”）")
    if not app.styleSheet():
        raise RuntimeError("未应用界面主题")
    window = state["window"] = MainWindow(state["clerk"], state["path"], describe(str(state["path"])))
    window.show()
    for _ in range(5):
        QApplication.processEvents()
    shot = window.grab()
    if shot.isNull() or not window.isVisible():
        raise RuntimeError("主窗口未能显示")
    picture = os.environ.get("TOWNDESK_SELF_CHECK_SHOT")     # a picture of it, for whoever checks the build
    if picture and not shot.save(picture):
        raise RuntimeError(f"无法保存主窗口截图 {picture}")
    return f"{window.windowTitle()}，{shot.width()}×{shot.height()}，字体 {family}，平台 {app.platformName()}"


def _server_driver() -> str:
    import psycopg

    return f"psycopg {psycopg.__version__}（{psycopg.pq.__impl__}），libpq {psycopg.pq.version()}"
