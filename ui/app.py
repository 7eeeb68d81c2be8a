"""Starting the GUI: fonts, theme, translations, error handling, and the open → set up → log in flow."""

import logging
import sys

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from documents.fonts import prepare_printing
from models import __version__, backup, setup
from models.db import close_database, describe, sqlite_path
from models.errors import DatabaseDamaged, DatabaseProblem, NotADatabase
from models.paths import data_dir, resource_path
from ui.common import COMMON_STYLE
from ui.errors import install_excepthook, setup_logging

log = logging.getLogger("towndesk.app")
FONT_FILE = "WenQuanYiMicroHei.ttf"
ICON_FILE = ("icons", "towndesk.png")
THEME = "light_blue.xml"


def register_font() -> str:
    """Register the bundled CJK font with Qt so Chinese renders on a machine that has none."""
    font_id = QFontDatabase.addApplicationFont(str(resource_path("fonts", FONT_FILE)))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        log.error("无法加载字体 %s", resource_path("fonts", FONT_FILE))
        return QApplication.font().family()
    return families[0]


def install_translators(app: QApplication) -> None:
    """Qt's own Chinese for its standard buttons and dialogs (确定、取消、下一步…).

    TownDesk's own strings are written in Chinese and pass through tr(), so the application starts
    in Chinese with no file; another language is a .qm made with pyside6-lupdate / pyside6-lrelease.
    """
    QLocale.setDefault(QLocale(QLocale.Chinese, QLocale.China))
    translator = QTranslator(app)
    if translator.load("qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.TranslationsPath)):
        app.installTranslator(translator)
    else:
        log.warning("未找到 Qt 中文翻译 qtbase_zh_CN.qm，标准按钮将显示英文")


def apply_theme(app: QApplication, family: str) -> None:
    try:
        from qt_material import apply_stylesheet

        apply_stylesheet(app, theme=THEME, invert_secondary=False, parent=str(data_dir() / "theme"),
                         extra={"font_family": family, "font_size": "14px", "density_scale": "-1"})
    except Exception:  # noqa: BLE001 - a missing theme must never stop the counter from working
        log.exception("主题加载失败，使用默认外观")
    app.setStyleSheet(app.styleSheet() + COMMON_STYLE)




def create_application(argv=None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv)
    app.setApplicationName("TownDesk")
    app.setApplicationDisplayName("TownDesk 镇村政务服务系统")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("TownDesk")
    family = register_font()
    app.setFont(QFont(family, 10))
    install_translators(app)
    apply_theme(app, family)
    icon = resource_path(*ICON_FILE)
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    if app.property("towndesk_collector") is None:     # garbage is collected on the GUI thread only
        from ui.common import GuiThreadCollector

        app.setProperty("towndesk_collector", True)
        app.collector = GuiThreadCollector(app)
    return app


class Shell(QObject):
    """The application's life: open the database, set it up, log in, the main window, switch user."""

    def __init__(self, target: str):
        super().__init__()
        self.target = target
        self.db_path = sqlite_path(target)
        self.window = None

    # -- database --
    def open_database(self) -> bool:
        fresh = self.db_path is not None and (not self.db_path.exists() or self.db_path.stat().st_size == 0)
        if not fresh:
            try:
                setup.open_app_database(self.target)
            except (DatabaseDamaged, NotADatabase) as exc:
                return self.offer_restore(exc)
            except DatabaseProblem as exc:
                QMessageBox.critical(None, self.tr("无法打开数据库"), exc.message)
                return False
            if setup.is_initialised():
                return True
        from ui.wizard import SetupWizard     # only for a new database: it brings the demo generator with it

        wizard = SetupWizard(self.target)
        return wizard.exec() == QDialog.Accepted

    def offer_restore(self, problem: DatabaseProblem) -> bool:
        newest = backup.newest_sound_backup(self.db_path) if self.db_path is not None else None
        if newest is None:
            QMessageBox.critical(None, self.tr("数据库检查未通过"), problem.message + "\n\n" + self.tr(
                "没有找到可用的备份。原文件未作任何改动，请联系技术支持。"))
            return False
        answer = QMessageBox.question(
            None, self.tr("数据库检查未通过"),
            problem.message + "\n\n" + self.tr("找到最新的可用备份：{0}\n是否用它恢复？当前文件会先另存一份，不会丢弃。")
            .format(newest.name), QMessageBox.Yes | QMessageBox.No, QMessageBox.Yes)
        if answer != QMessageBox.Yes:
            return False
        try:
            kept = backup.restore_database(self.db_path, newest)
            setup.open_app_database(self.target)
        except DatabaseProblem as exc:
            QMessageBox.critical(None, self.tr("恢复失败"), exc.message)
            return False
        QMessageBox.information(None, self.tr("已恢复"), self.tr("已从备份 {0} 恢复。原文件保存在 {1}。")
                                .format(newest.name, kept))
        return True

    # -- sessions --
    def login(self) -> bool:
        from ui.login import ChangePasswordDialog, LoginDialog
        from ui.main_window import MainWindow

        dialog = LoginDialog(describe(self.target))
        if dialog.exec() != QDialog.Accepted:
            return False
        user = dialog.user
        if user.must_change_password:
            forced = ChangePasswordDialog(user, forced=True)
            if forced.exec() != QDialog.Accepted:
                from models.accounts import logout

                logout(user, "未修改初始密码，退出")
                return False
        self.window = MainWindow(user, self.db_path, describe(self.target))
        self.window.switch_user_requested.connect(self.switch_user)
        self.window.closed.connect(self.quit)
        self.window.show()
        return True

    def switch_user(self) -> None:
        if self.window is not None:
            self.window.closed.disconnect(self.quit)
            self.window.close()
            self.window.deleteLater()
            self.window = None
        if not self.login():
            self.quit()

    def quit(self) -> None:
        if self.db_path is not None:
            try:
                backup.automatic_backup_if_due(self.db_path)
            except Exception:  # noqa: BLE001 - never block closing; the next close tries again
                log.exception("自动备份失败")
        close_database()
        QApplication.instance().quit()


def run(target: str, explicit_db: bool = False) -> int:
    app = create_application()
    log_path = setup_logging()
    install_excepthook()
    log.info("TownDesk %s 启动，数据库 %s，日志 %s", __version__, describe(target), log_path)
    app.setQuitOnLastWindowClosed(False)
    prepare_printing()
    shell = Shell(target)
    if not shell.open_database() or not shell.login():
        close_database()
        return 1
    return app.exec()
