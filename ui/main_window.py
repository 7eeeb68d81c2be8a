"""主窗口: navigation to the areas, the status bar, the idle lock and switching user."""

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QMainWindow, QMessageBox,
    QPushButton, QStackedWidget, QVBoxLayout, QWidget,
)

from models import __version__, accounts, audit, settings
from models.accounts import User
from models.errors import LoginFailed
from models.paths import data_dir, log_dir


@dataclass
class Area:
    """One entry of the navigation; `title` and the placeholder text are translated where shown."""

    key: str
    title: str
    permission: str | None
    build: Callable[["MainWindow"], QWidget]


def _people(window):
    from ui.people import PeoplePage

    return PeoplePage(window.user)


def _mediation(window):
    from ui.mediation.page import MediationPage

    return MediationPage(window.user)


def _patrol(window):
    from ui.patrol.page import PatrolPage

    return PatrolPage(window.user)


def _hall(window):
    from ui.hall import HallPage

    return HallPage(window.user)


def _stats(window):
    from ui.stats import StatsPage

    return StatsPage(window.user)


def _sync(window):
    from ui.sync import SyncPage

    return SyncPage(window.user)


def _settings(window):
    from ui.settings import SettingsPage

    page = SettingsPage(window.user, window.db_path)
    page.restored.connect(window.after_restore)
    page.settings_saved.connect(window.settings_changed)
    return page


AREAS = [
    Area("hall", "一窗受理", "hall.use", _hall),
    Area("mediation", "矛盾调解", "mediation.use", _mediation),
    Area("patrol", "网格巡查", "patrol.use", _patrol),
    Area("stats", "统计报表", "stats.view", _stats),
    Area("people", "人员库", "people.view", _people),
    Area("sync", "数据交换", "sync.manage", _sync),
    Area("settings", "系统设置", None, _settings),
]


class IdleWatcher(QObject):
    """Restarts a timer on every key press or mouse action anywhere in the application."""

    timeout = Signal()
    ACTIVITY = {QEvent.KeyPress, QEvent.MouseButtonPress, QEvent.MouseMove, QEvent.Wheel}

    def __init__(self, minutes: int, parent=None):
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.timeout)
        self.set_minutes(minutes)
        QApplication.instance().installEventFilter(self)

    def set_minutes(self, minutes: int) -> None:
        self.timer.setInterval(max(1, minutes) * 60_000)
        self.timer.start()

    def eventFilter(self, obj, event):  # noqa: N802
        if event.type() in self.ACTIVITY and self.timer.isActive():
            self.timer.start()
        return False

    def stop(self) -> None:
        self.timer.stop()
        QApplication.instance().removeEventFilter(self)


class LockScreen(QWidget):
    """Covers the window while locked: nothing of the data shows to the person across the counter."""

    unlocked = Signal()
    switch_user = Signal()

    def __init__(self, user: User, parent=None):
        super().__init__(parent)
        self.user = user
        title = QLabel(self.tr("屏幕已锁定"))
        title.setProperty("role", "title")
        who = QLabel(self.tr("{0}（{1}）正在使用。请输入密码解锁。").format(user.display_name, user.username))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.Password)
        self.password.setPlaceholderText(self.tr("密码"))
        self.password.setMaximumWidth(320)
        self.password.returnPressed.connect(self.try_unlock)
        self.message = QLabel()
        self.message.setProperty("role", "error")
        unlock = QPushButton(self.tr("解锁"))
        unlock.clicked.connect(self.try_unlock)
        other = QPushButton(self.tr("切换用户"))
        other.clicked.connect(self.switch_user)
        buttons = QHBoxLayout()
        buttons.addWidget(unlock)
        buttons.addWidget(other)
        buttons.addStretch()
        box = QVBoxLayout()
        for widget in (title, who, self.password, self.message):
            box.addWidget(widget)
        box.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.addStretch()
        row = QHBoxLayout()
        row.addStretch()
        row.addLayout(box)
        row.addStretch()
        outer.addLayout(row)
        outer.addStretch()

    def try_unlock(self) -> None:
        try:
            accounts.authenticate(self.user.username, self.password.text())
        except LoginFailed as exc:
            self.message.setText(exc.message)
            self.password.clear()
            return
        self.password.clear()
        self.message.clear()
        audit.log(self.user.username, "unlock", "解除屏幕锁定", self.user)
        self.unlocked.emit()


class MainWindow(QMainWindow):
    switch_user_requested = Signal()
    closed = Signal()

    def __init__(self, user: User, db_path: Path | None, where: str, parent=None):
        super().__init__(parent)
        self.user = user
        self.db_path = db_path
        self.where = where
        values = settings.get_all()
        self.areas = [a for a in AREAS if a.permission is None or user.can(a.permission)]
        self.pages: dict[str, QWidget] = {}
        self.signed_out = False

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setFixedWidth(180)
        self.area_stack = QStackedWidget()
        for number, area in enumerate(self.areas, start=1):
            title = QCoreApplication.translate("areas", area.title)
            item = QListWidgetItem(title)
            item.setToolTip(self.tr("{0}（Ctrl+{1}）").format(title, number))
            self.navigation.addItem(item)
            page = area.build(self)
            self.pages[area.key] = page
            self.area_stack.addWidget(page)
            shortcut = QAction(self)
            shortcut.setShortcut(QKeySequence(f"Ctrl+{number}"))
            shortcut.triggered.connect(lambda checked=False, row=number - 1: self.navigation.setCurrentRow(row))
            self.addAction(shortcut)
        self.navigation.currentRowChanged.connect(self.area_stack.setCurrentIndex)
        self.navigation.setCurrentRow(0)

        workspace = QWidget()
        row = QHBoxLayout(workspace)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.navigation)
        row.addWidget(self.area_stack, 1)
        self.lock_screen = LockScreen(user)
        self.lock_screen.unlocked.connect(self.unlock)
        self.lock_screen.switch_user.connect(self.request_switch_user)
        self.screens = QStackedWidget()
        self.screens.addWidget(workspace)
        self.screens.addWidget(self.lock_screen)
        self.setCentralWidget(self.screens)

        self.build_menus()
        self.build_status_bar(values)
        self.idle = IdleWatcher(settings.idle_lock_minutes(), self)
        self.idle.timeout.connect(self.lock)
        self.resize(1366, 768)

    def build_menus(self) -> None:
        system = self.menuBar().addMenu(self.tr("系统(&S)"))
        for text, keys, slot in ((self.tr("锁定屏幕"), "Ctrl+L", self.lock),
                                 (self.tr("切换用户"), "Ctrl+Shift+L", self.request_switch_user),
                                 (self.tr("退出"), "Ctrl+Q", self.close)):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(slot)
            system.addAction(action)
        if "sync" in self.pages:
            exchange = self.menuBar().addMenu(self.tr("数据交换(&X)"))
            for text, slot in ((self.tr("导出数据包(&E)…"), "export_bundle"),
                               (self.tr("导入数据包(&I)…"), "import_bundle")):
                action = QAction(text, self)
                action.triggered.connect(lambda checked=False, slot=slot: getattr(self.show_area("sync"), slot)())
                exchange.addAction(action)
        help_menu = self.menuBar().addMenu(self.tr("帮助(&H)"))
        about = QAction(self.tr("关于 TownDesk"), self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def build_status_bar(self, values: dict) -> None:
        bar = self.statusBar()
        self.user_label = QLabel(self.tr("用户：{0}（{1}）").format(self.user.display_name, self.user.role_names))
        self.post_label = QLabel()
        self.db_label = QLabel(self.tr("数据库：{0}").format(self.where))
        for label in (self.user_label, self.post_label, self.db_label):
            bar.addPermanentWidget(label)
        self.show_post(values)

    def show_post(self, values: dict) -> None:
        self.setWindowTitle(self.tr("{0} {1} — TownDesk").format(values["town_name"], values["post_name"]))
        self.post_label.setText(self.tr("站点：{0}（{1}）").format(values["post_name"], values["post_code"]))

    def settings_changed(self, changed: dict) -> None:
        """Saved settings take effect at once: the lock interval, the title and the status bar."""
        if "idle_lock_minutes" in changed:
            self.idle.set_minutes(settings.idle_lock_minutes())
        self.show_post(settings.get_all())

    def show_area(self, key: str) -> QWidget:
        index = [a.key for a in self.areas].index(key)
        self.navigation.setCurrentRow(index)
        return self.pages[key]

    @property
    def locked(self) -> bool:
        return self.screens.currentWidget() is self.lock_screen

    def lock(self) -> None:
        if self.locked:
            return
        audit.log(self.user.username, "lock", "锁定屏幕", self.user)
        self.screens.setCurrentWidget(self.lock_screen)
        self.menuBar().setEnabled(False)
        self.lock_screen.password.setFocus()

    def unlock(self) -> None:
        self.screens.setCurrentIndex(0)
        self.menuBar().setEnabled(True)
        self.idle.set_minutes(settings.idle_lock_minutes())
        self.navigation.setFocus()

    def request_switch_user(self) -> None:
        self.sign_out("切换用户")
        self.switch_user_requested.emit()

    def sign_out(self, reason: str) -> None:
        if not self.signed_out:
            self.signed_out = True
            accounts.logout(self.user, reason)

    def after_restore(self) -> None:
        QMessageBox.information(self, self.tr("已恢复"), self.tr("数据已从备份恢复，请重新登录。"))
        self.switch_user_requested.emit()

    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("关于 TownDesk"), self.tr(
            "TownDesk 镇村政务服务系统 {0}\n\n数据库：{1}\n数据文件夹：{2}\n日志：{3}\n\n"
            "界面与打印字体：文泉驿微米黑（Apache License 2.0）").format(
            __version__, self.where, data_dir(), log_dir() / "towndesk.log"))

    def closeEvent(self, event):  # noqa: N802
        self.idle.stop()
        self.sign_out("退出程序")
        super().closeEvent(event)
        self.closed.emit()
