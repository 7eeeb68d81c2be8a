"""The GUI path a new office takes: first-run wizard → login → main window, then lock and switch user.

Modal dialogs run their own event loop, so each test schedules the user's actions with
QTimer.singleShot before the call that opens the dialog, exactly as a person would type them.
"""

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWizard

from models import accounts, audit, backup, settings
from models.db import close_database
from models.people import Person
from tests.conftest import ADMIN_PASSWORD, type_text
from ui.app import Shell, create_application
from ui.login import ChangePasswordDialog, LoginDialog
from ui.wizard import SetupWizard


@pytest.fixture(autouse=True)
def app():
    return create_application()


def when_modal(qtbot, cls, act):
    """Run `act(dialog)` on the next modal dialog of type `cls`; close it if the action fails."""
    def run():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, cls):
            QTimer.singleShot(20, run)
            return
        try:
            act(dialog)
            assert not dialog.isVisible(), "the dialog should have closed: " + repr(
                [w.text() for w in dialog.findChildren(QLabel) if w.property("role") == "error" or "：" in w.text()])
        except BaseException:
            dialog.reject()
            raise
    QTimer.singleShot(0, run)


def fill_wizard(qtbot, wizard: SetupWizard):
    qtbot.mouseClick(wizard.button(QWizard.NextButton), Qt.LeftButton)
    page = wizard.post
    type_text(qtbot, page.town, "打通镇")
    type_text(qtbot, page.district, "綦江区")
    type_text(qtbot, page.post_name, "打通镇便民服务中心")
    qtbot.keyClicks(page.post_code, "dt00")
    qtbot.keyClicks(page.hall_phone, "023 48612345")
    qtbot.mouseClick(wizard.button(QWizard.NextButton), Qt.LeftButton)
    admin = wizard.admin_page
    qtbot.keyClicks(admin.username, "wangjg")
    type_text(qtbot, admin.display_name, "王建国")
    qtbot.keyClicks(admin.password, ADMIN_PASSWORD)
    qtbot.keyClicks(admin.confirm, ADMIN_PASSWORD)
    qtbot.mouseClick(wizard.button(QWizard.FinishButton), Qt.LeftButton)


def log_in(qtbot, password):
    def act(dialog: LoginDialog):
        qtbot.keyClicks(dialog.username, "wangjg")
        qtbot.keyClicks(dialog.password, "wrong-password1")
        qtbot.keyClick(dialog.password, Qt.Key_Return)
        assert "还可尝试 4 次" in dialog.message.text()
        qtbot.keyClicks(dialog.password, password)
        qtbot.keyClick(dialog.password, Qt.Key_Return)
    return act


def test_wizard_then_login_then_main_window(qtbot, tmp_path):
    target = tmp_path / "new folder" / "towndesk.db"
    shell = Shell(str(target))
    when_modal(qtbot, SetupWizard, lambda wizard: fill_wizard(qtbot, wizard))
    assert shell.open_database()
    assert target.exists()
    values = settings.get_all()
    assert (values["town_name"], values["district"], values["post_code"], values["hall_phone"]) == (
        "打通镇", "綦江区", "DT00", "023-48612345")
    admin = accounts.get_user("wangjg")
    assert admin.display_name == "王建国" and admin.role_list == ["admin"]

    when_modal(qtbot, LoginDialog, log_in(qtbot, ADMIN_PASSWORD))
    assert shell.login()
    window = shell.window
    qtbot.addWidget(window)
    titles = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert titles == ["一窗受理", "矛盾调解", "网格巡查", "统计报表", "人员库", "数据交换", "系统设置"]
    assert "王建国" in window.user_label.text() and "DT00" in window.post_label.text()
    assert str(target) in window.db_label.text()
    actions = [e.action for e in audit.AuditEntry.select().order_by(audit.AuditEntry.id)]
    assert actions[-2:] == ["login_failed", "login"]
    window.idle.stop()
    window.sign_out("测试结束")
    close_database()


def test_cancelled_wizard_creates_no_file(qtbot, tmp_path):
    target = tmp_path / "towndesk.db"
    shell = Shell(str(target))
    when_modal(qtbot, SetupWizard, lambda wizard: wizard.reject())
    assert not shell.open_database()
    assert not target.exists()


def test_wizard_refuses_bad_post_code_and_names_the_field(qtbot, tmp_path):
    wizard = SetupWizard(str(tmp_path / "x.db"))
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.mouseClick(wizard.button(QWizard.NextButton), Qt.LeftButton)
    type_text(qtbot, wizard.post.town, "打通镇")
    type_text(qtbot, wizard.post.post_name, "便民服务中心")
    type_text(qtbot, wizard.post.post_code, "打通")
    qtbot.mouseClick(wizard.button(QWizard.NextButton), Qt.LeftButton)
    assert wizard.currentPage() is wizard.post
    assert "站点代码" in wizard.post.error.text()
    assert wizard.focusWidget() is wizard.post.post_code
    assert not (tmp_path / "x.db").exists()


def test_demo_data_from_the_wizard(qtbot, tmp_path):
    target = tmp_path / "demo.db"
    shell = Shell(str(target))

    def choose_demo(wizard):
        wizard.intro.use_demo.setChecked(True)
        qtbot.mouseClick(wizard.button(QWizard.NextButton), Qt.LeftButton)
        qtbot.mouseClick(wizard.button(QWizard.FinishButton), Qt.LeftButton)

    when_modal(qtbot, SetupWizard, choose_demo)
    assert shell.open_database()
    assert {u.username for u in accounts.list_users()} == {"admin", "chuangkou", "tiaojie", "tiaojie2", "zhuren",
                                                           "wangge", "wangge2", "wangge3", "wangge4", "wangge5",
                                                           "wangge6", "wanggezhang", "zhongdian", "lingdao"}
    assert Person.live().count() == 40
    close_database()


def test_role_sees_only_its_areas_and_idle_lock_hides_data(qtbot, make_user, db_path):
    from ui.main_window import MainWindow

    grid = make_user("grid")
    window = MainWindow(grid, db_path, str(db_path))
    qtbot.addWidget(window)
    titles = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert titles == ["网格巡查", "人员库", "系统设置"]

    window.idle.timer.setInterval(30)
    window.idle.timer.start()
    qtbot.waitUntil(lambda: window.locked, timeout=3000)
    assert not window.menuBar().isEnabled()
    qtbot.keyClicks(window.lock_screen.password, "not-it-123")
    qtbot.keyClick(window.lock_screen.password, Qt.Key_Return)
    assert window.locked and "不正确" in window.lock_screen.message.text()
    qtbot.keyClicks(window.lock_screen.password, "Staff2022x")
    qtbot.keyClick(window.lock_screen.password, Qt.Key_Return)
    assert not window.locked
    actions = [e.action for e in audit.AuditEntry.select().where(audit.AuditEntry.created_by == grid.username)]
    assert actions[-4:] == ["lock", "login_failed", "login", "unlock"]
    window.idle.stop()


@pytest.mark.sqlite_only
def test_damaged_database_offers_the_newest_backup(qtbot, admin, db_path, monkeypatch):
    accounts.create_user(admin, "lixy", "李秀英", ["window"], "Staff2022x")
    backup.automatic_backup(db_path)
    close_database()
    data = bytearray(db_path.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # overwrite the second page
    db_path.write_bytes(bytes(data))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.Ok)
    shell = Shell(str(db_path))
    assert shell.open_database()
    assert accounts.get_user("lixy") is not None
    kept = [p.name for p in (db_path.parent / "backups").iterdir() if p.name.startswith("before-restore")]
    assert kept, "the damaged file must be kept, not discarded"
    close_database()


def test_saved_settings_take_effect_in_the_open_window(qtbot, admin, db_path):
    from models import settings as app_settings
    from ui.main_window import MainWindow

    window = MainWindow(admin, db_path, str(db_path))
    qtbot.addWidget(window)
    page = window.show_area("settings")
    changed = app_settings.update(admin, {"idle_lock_minutes": "2", "post_name": "打通镇政务服务中心"})
    page.settings_saved.emit(changed)
    assert window.idle.timer.interval() == 2 * 60_000
    assert "打通镇政务服务中心" in window.windowTitle() and "打通镇政务服务中心" in window.post_label.text()
    window.idle.stop()


def test_switching_user_logs_the_first_out_and_opens_a_window_for_the_second(qtbot, make_user, db_path):
    window_clerk = make_user("window")
    mediator = make_user("mediator")
    shell = Shell(str(db_path))

    def sign_in_as(user):
        def act(dialog: LoginDialog):
            qtbot.keyClicks(dialog.username, user.username)
            qtbot.keyClicks(dialog.password, "Staff2022x")
            qtbot.keyClick(dialog.password, Qt.Key_Return)
        return act

    mediator.must_change_password = False
    mediator.save()

    def set_own_password(dialog):
        qtbot.keyClicks(dialog.old, "Staff2022x")
        qtbot.keyClicks(dialog.new, "Counter2026a")
        qtbot.keyClicks(dialog.confirm, "Counter2026a")
        qtbot.keyClick(dialog.confirm, Qt.Key_Return)

    when_modal(qtbot, LoginDialog, sign_in_as(window_clerk))
    when_modal(qtbot, ChangePasswordDialog, set_own_password)  # an admin-made account starts with a temporary one
    assert shell.login()
    assert not accounts.get_user(window_clerk.username).must_change_password
    accounts.authenticate(window_clerk.username, "Counter2026a")
    first = shell.window
    assert first.user.username == window_clerk.username

    when_modal(qtbot, LoginDialog, sign_in_as(mediator))
    first.lock()
    first.lock_screen.switch_user.emit()  # the 切换用户 button on the lock screen
    second = shell.window
    qtbot.addWidget(second)
    assert second is not first and second.user.username == mediator.username
    titles = [second.navigation.item(i).text() for i in range(second.navigation.count())]
    assert titles == ["矛盾调解", "人员库", "系统设置"]
    logouts = audit.AuditEntry.select().where(audit.AuditEntry.action == "logout",
                                              audit.AuditEntry.created_by == window_clerk.username)
    assert [e.summary for e in logouts] == ["切换用户"]
    second.idle.stop()
    second.sign_out("测试结束")


def test_many_empty_qt_values_do_not_abort_the_interpreter():
    """PySide6 6.12 drops a reference to None for each empty QVariant it returns; a day at the counter makes
    hundreds of thousands of such calls. The ui package gives None the headroom Python 3.12 gives it."""
    import subprocess
    import sys
    from pathlib import Path

    code = ("import os, sys\n"
            "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
            "import ui\n"
            "from PySide6.QtWidgets import QApplication, QComboBox\n"
            "app = QApplication([])\n"
            "combo = QComboBox()\n"
            "combo.addItem('没有数据的选项')\n"
            "for _ in range(300_000):   # None is held some thousand times; without the headroom this aborts\n"
            "    combo.currentData()\n"
            "print('ok')\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            cwd=Path(__file__).resolve().parent.parent)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-500:]
