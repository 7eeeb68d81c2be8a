"""系统设置页: driven like a user (keys typed, buttons clicked), checked through models/."""

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from models import accounts, audit, backup, settings
from models.db import db, utcnow
from models.errors import LoginFailed
from models.paths import backups_dir
from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD, type_text
from ui.settings import SettingsPage

NEW_PASSWORD = "Newpass2023y"


@pytest.fixture(autouse=True)
def no_blocking_boxes(monkeypatch):
    """Any warning box would block a test: record it and fail instead."""
    shown = []

    def warning(parent, title, text, *args, **kwargs):
        shown.append(text)
        raise AssertionError(f"unexpected message box: {title}: {text}")

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(warning))
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(warning))
    return shown


@pytest.fixture
def open_page(qtbot, db_path):
    """open_page(user) → the settings page as that user sees it, shown and active; open_page(user, None):
    on a server database."""
    def make(user, path=db_path):
        page = SettingsPage(user, path)
        qtbot.addWidget(page)
        page.resize(1366, 768)
        with qtbot.waitActive(page):
            page.show()
            page.activateWindow()
        qtbot.waitUntil(page.isActiveWindow)
        return page
    return make


def replace_text(qtbot, edit, text):
    """Select what is there and type over it."""
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key_A, Qt.ControlModifier)
    qtbot.keyClick(edit, Qt.Key_Delete)
    type_text(qtbot, edit, text)


def click(qtbot, button):
    qtbot.mouseClick(button, Qt.LeftButton)


def show_dialog(qtbot, dialog):
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)  # the window system reports it before Qt's widgets know
    return dialog


def press_space(qtbot, widget):
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key_Space)


def select_user(page, username):
    page.users_tab.refresh(select_username=username)
    assert page.users_tab.selected_user().username == username


# --- 基本设置 -----------------------------------------------------------------------------------

def test_admin_changes_town_name_and_idle_minutes(qtbot, open_page, admin):
    page = open_page(admin)
    basic = page.basic
    replace_text(qtbot, basic.town_edit, "永新镇")
    replace_text(qtbot, basic.idle_spin.lineEdit(), "15")
    with qtbot.waitSignal(page.settings_saved) as saved:
        click(qtbot, basic.save_button)

    values = settings.get_all()
    assert values["town_name"] == "永新镇"
    assert values["idle_lock_minutes"] == "15"
    assert values["post_code"] == "DT00"
    assert set(saved.args[0]) == {"town_name", "idle_lock_minutes"}
    assert "已保存" in basic.status_label.text() and basic.status_label.isVisible()
    entries = audit.recent(action="settings")
    assert entries and "永新镇" in entries[0].summary and entries[0].created_by == "admin"


def test_post_code_is_read_only_and_never_sent(open_page, admin):
    page = open_page(admin)
    assert isinstance(page.basic.post_code_label, QLabel)  # shown as text, not as an input
    assert page.basic.post_code_label.text() == "DT00"
    assert "post_code" not in page.basic.values()


def test_invalid_hall_phone_is_named_and_nothing_saved(qtbot, open_page, admin):
    before = settings.get_all()
    page = open_page(admin)
    basic = page.basic
    replace_text(qtbot, basic.town_edit, "永新镇")
    replace_text(qtbot, basic.hall_phone_edit, "12345")
    click(qtbot, basic.save_button)

    assert basic.error_label.isVisible()
    assert "服务大厅电话" in basic.error_label.text()
    assert basic.hall_phone_edit.hasFocus()
    assert not basic.status_label.isVisible()
    assert settings.get_all() == before
    assert audit.recent(action="settings") == []


def test_window_clerk_sees_read_only_settings_and_own_account(open_page, make_user):
    clerk = make_user("window")
    page = open_page(clerk)
    assert page.tab_titles() == ["基本设置", "我的账户"]
    assert page.users_tab is None and page.backup_tab is None and page.audit_tab is None
    basic = page.basic
    assert not basic.editable
    assert basic.town_edit is None and basic.save_button is None  # no inputs, no 保存
    assert basic.value_labels["town_name"].text() == "打通镇"
    assert basic.value_labels["hall_phone"].text() == "023-48612345"
    assert basic.value_labels["receipt_format"].text() == settings.RECEIPT_FORMATS["A4"]
    assert basic.value_labels["idle_lock_minutes"].text() == "5 分钟"
    assert not basic.save()


# --- 用户管理 -----------------------------------------------------------------------------------

def test_admin_creates_window_and_mediator_user(qtbot, open_page, admin):
    page = open_page(admin)
    page.show_tab("用户管理")
    dialog = show_dialog(qtbot, page.users_tab.new_user_dialog())
    qtbot.keyClicks(dialog.username_edit, "lixiaohong")
    type_text(qtbot, dialog.name_edit, "李晓红")
    qtbot.keyClicks(dialog.phone_edit, "13812345678")
    press_space(qtbot, dialog.role_boxes["window"])
    press_space(qtbot, dialog.role_boxes["mediator"])
    qtbot.keyClicks(dialog.password_edit, USER_PASSWORD)
    qtbot.keyClicks(dialog.confirm_edit, USER_PASSWORD)
    click(qtbot, dialog.ok_button)

    assert not dialog.isVisible()
    user = accounts.get_user("lixiaohong")
    assert user is not None
    assert user.roles == "window,mediator"
    assert user.display_name == "李晓红"
    assert user.must_change_password
    assert page.users_tab.selected_user().username == "lixiaohong"
    row = [u.username for u in page.users_tab.model.rows].index("lixiaohong")
    status = page.users_tab.model.index(row, 3).data()
    assert status == "启用"
    assert "lixiaohong" in page.users_tab.status_label.text()


def test_user_dialog_refuses_mismatched_confirmation_and_stays_open(qtbot, open_page, admin):
    page = open_page(admin)
    dialog = show_dialog(qtbot, page.users_tab.new_user_dialog())
    qtbot.keyClicks(dialog.username_edit, "zhaoqiang")
    type_text(qtbot, dialog.name_edit, "赵强")
    press_space(qtbot, dialog.role_boxes["grid"])
    qtbot.keyClicks(dialog.password_edit, USER_PASSWORD)
    qtbot.keyClicks(dialog.confirm_edit, USER_PASSWORD + "x")
    click(qtbot, dialog.ok_button)

    assert dialog.isVisible()
    assert "确认密码" in dialog.error_label.text()
    assert dialog.confirm_edit.hasFocus()
    assert accounts.get_user("zhaoqiang") is None

    # A model error (no role) is also shown inline, naming the field.
    press_space(qtbot, dialog.role_boxes["grid"])
    replace_text(qtbot, dialog.confirm_edit, USER_PASSWORD)
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible()
    assert "角色" in dialog.error_label.text()
    assert accounts.get_user("zhaoqiang") is None


def test_edit_user_changes_roles_and_disables(qtbot, open_page, admin, make_user):
    make_user("window", username="chenjing")
    page = open_page(admin)
    select_user(page, "chenjing")
    dialog = show_dialog(qtbot, page.users_tab.edit_user_dialog())
    assert dialog.username_edit.isReadOnly()
    press_space(qtbot, dialog.role_boxes["grid"])
    press_space(qtbot, dialog.active_box)
    click(qtbot, dialog.ok_button)
    user = accounts.get_user("chenjing")
    assert user.roles == "window,grid"
    assert not user.active
    row = [u.username for u in page.users_tab.model.rows].index("chenjing")
    assert page.users_tab.model.index(row, 3).data() == "停用"


def test_reset_password_unlocks_locked_user(qtbot, open_page, admin, make_user):
    make_user("window", username="zhouli")
    for _ in range(accounts.MAX_FAILED_LOGINS):
        with pytest.raises(LoginFailed):
            accounts.authenticate("zhouli", "wrong-password1")
    assert accounts.get_user("zhouli").locked_until > utcnow()

    page = open_page(admin)
    page.show_tab("用户管理")
    select_user(page, "zhouli")
    row = [u.username for u in page.users_tab.model.rows].index("zhouli")
    assert page.users_tab.model.index(row, 3).data().startswith("锁定至 ")
    assert page.users_tab.unlock_button.isEnabled()

    dialog = show_dialog(qtbot, page.users_tab.reset_password_dialog())
    qtbot.keyClicks(dialog.password_edit, NEW_PASSWORD)
    qtbot.keyClicks(dialog.confirm_edit, NEW_PASSWORD)
    click(qtbot, dialog.ok_button)

    assert not dialog.isVisible()
    user = accounts.get_user("zhouli")
    assert user.locked_until is None
    assert user.must_change_password
    assert accounts.authenticate("zhouli", NEW_PASSWORD).username == "zhouli"
    assert not page.users_tab.unlock_button.isEnabled()


def test_reset_password_weak_password_stays_open(qtbot, open_page, admin, make_user):
    make_user("window", username="sunmei")
    page = open_page(admin)
    select_user(page, "sunmei")
    dialog = show_dialog(qtbot, page.users_tab.reset_password_dialog())
    qtbot.keyClicks(dialog.password_edit, "short")
    qtbot.keyClicks(dialog.confirm_edit, "short")
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible()
    assert "新密码" in dialog.error_label.text()
    assert accounts.authenticate("sunmei", USER_PASSWORD)


def test_unlock_button(qtbot, open_page, admin, make_user):
    user = make_user("grid", username="wugang")
    user.locked_until = utcnow() + timedelta(minutes=10)
    user.save()
    page = open_page(admin)
    select_user(page, "wugang")
    click(qtbot, page.users_tab.unlock_button)
    assert accounts.get_user("wugang").locked_until is None
    assert "已解锁" in page.users_tab.status_label.text()


# --- 备份与恢复 ---------------------------------------------------------------------------------

@pytest.mark.sqlite_only
def test_manual_backup_then_restore_brings_data_back(qtbot, open_page, admin, db_path, monkeypatch):
    questions = []
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: questions.append(a[2]) or QMessageBox.Yes))
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda *a, **k: QMessageBox.Ok))
    page = open_page(admin)
    tab = page.show_tab("备份与恢复")
    assert tab is page.backup_tab

    click(qtbot, tab.backup_button)
    folder = backups_dir(db_path)
    qtbot.waitUntil(lambda: bool(list(folder.glob("manual-*.db"))) and not tab.busy, timeout=10000)
    manual = list(folder.glob("manual-*.db"))[0]
    assert backup.schema_version_of(manual) >= 1
    assert str(manual) in tab.status_label.text()
    assert tab.selected_backup() == manual
    assert [e.summary for e in audit.recent(action="backup")] == [f"备份数据库到 {manual}"]

    # Afterwards: the town is renamed and a user added; the restore must undo both.
    settings.update(admin, {"town_name": "改错的镇名"})
    accounts.create_user(admin, "later", "后来者", ["window"], USER_PASSWORD)

    with qtbot.waitSignal(page.restored, timeout=10000):
        click(qtbot, tab.restore_button)
    qtbot.waitUntil(lambda: not tab.busy, timeout=5000)

    assert questions and "重新登录" in questions[0] and "before-restore-" in questions[0]
    assert settings.get_all()["town_name"] == "打通镇"
    assert accounts.get_user("later") is None
    kept = list(folder.glob("before-restore-*.db"))
    assert len(kept) == 1
    restore_entries = audit.recent(action="restore")
    assert restore_entries and restore_entries[0].created_by == "admin"
    # The database is open and usable again.
    assert not db.obj.is_closed()
    settings.update(admin, {"district": "綦江区新城"})
    assert settings.get_all()["district"] == "綦江区新城"


@pytest.mark.sqlite_only
def test_backup_elsewhere_adds_db_suffix_and_audits(qtbot, open_page, admin, monkeypatch, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr("ui.settings.backups.QFileDialog.getSaveFileName",
                        staticmethod(lambda *a, **k: (str(usb / "打通镇备份"), "")))
    page = open_page(admin)
    tab = page.show_tab("备份与恢复")
    click(qtbot, tab.elsewhere_button)
    target = usb / "打通镇备份.db"
    qtbot.waitUntil(lambda: target.exists() and not tab.busy, timeout=10000)
    assert backup.schema_version_of(target) >= 1
    assert str(target) in tab.status_label.text()
    assert audit.recent(action="backup")[0].summary == f"备份数据库到 {target}"
    assert tab.selected_backup() is None  # not in the backups folder, so not in the list


@pytest.mark.sqlite_only
def test_failed_restore_reopens_database_then_reports(qtbot, open_page, admin, monkeypatch, tmp_path):
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.Yes))
    reported = []
    monkeypatch.setattr("ui.settings.backups.show_problem",
                        lambda parent, exc, title=None: reported.append((db.obj.is_closed(), exc)))
    bogus = tmp_path / "not-a-backup.db"
    bogus.write_text("hello")
    monkeypatch.setattr("ui.settings.backups.QFileDialog.getOpenFileName",
                        staticmethod(lambda *a, **k: (str(bogus), "")))
    page = open_page(admin)
    restored = []
    page.restored.connect(lambda: restored.append(True))
    tab = page.show_tab("备份与恢复")
    assert not tab.restore_button.isEnabled()  # nothing selected yet
    click(qtbot, tab.restore_file_button)
    qtbot.waitUntil(lambda: bool(reported), timeout=10000)
    closed_when_reported, exc = reported[0]
    assert not closed_when_reported
    assert "不是 TownDesk 数据库" in exc.message
    assert not restored
    assert settings.get_all()["town_name"] == "打通镇"


@pytest.mark.sqlite_only
def test_restore_cancelled_changes_nothing(qtbot, open_page, admin, db_path, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.No))
    backup.automatic_backup(db_path)
    page = open_page(admin)
    tab = page.show_tab("备份与恢复")
    assert tab.model.rowCount() == 1
    assert tab.model.index(0, 1).data() == "自动备份"
    assert tab.selected_backup() is None and not tab.restore_button.isEnabled()
    tab.table.setFocus()  # as by Tab: the row under the cursor becomes selected
    qtbot.keyClick(tab.table, Qt.Key_Down)
    assert tab.selected_backup() is not None and tab.restore_button.isEnabled()
    click(qtbot, tab.restore_button)
    assert not db.obj.is_closed()
    assert audit.recent(action="restore") == []


def test_server_database_has_no_backup_buttons(open_page, admin):
    page = open_page(admin, None)
    tab = page.show_tab("备份与恢复")
    assert not hasattr(tab, "backup_button")
    assert tab.table is None


# --- 操作日志 -----------------------------------------------------------------------------------

def test_audit_log_filters_by_action(open_page, admin, make_user):
    make_user("window", username="hejun")
    settings.update(admin, {"hall_phone": "023-48600000"})
    page = open_page(admin)
    tab = page.show_tab("操作日志")
    assert tab.model.rowCount() == len(audit.recent(limit=500))
    tab.action_combo.setFocus()
    index = tab.action_combo.findText("修改设置")
    tab.action_combo.setCurrentIndex(index)
    assert tab.model.rowCount() == 1
    assert tab.model.index(0, 2).data() == "修改设置"
    assert tab.model.index(0, 1).data() == "王管理（admin）"
    assert "服务大厅电话" in tab.model.index(0, 3).data()


# --- 我的账户 -----------------------------------------------------------------------------------

def test_change_own_password(qtbot, open_page, make_user):
    clerk = make_user("window", username="liuyang")
    page = open_page(clerk)
    account = page.show_tab("我的账户")
    assert account.notice.isVisible()  # created with a temporary password
    qtbot.keyClicks(account.old_edit, USER_PASSWORD)
    qtbot.keyClicks(account.new_edit, NEW_PASSWORD)
    qtbot.keyClicks(account.confirm_edit, NEW_PASSWORD)
    with qtbot.waitSignal(page.password_changed):
        click(qtbot, account.change_button)

    assert accounts.authenticate("liuyang", NEW_PASSWORD).username == "liuyang"
    with pytest.raises(LoginFailed):
        accounts.authenticate("liuyang", USER_PASSWORD)
    assert not accounts.get_user("liuyang").must_change_password
    assert account.old_edit.text() == ""
    assert "密码已修改" in account.status_label.text()
    assert not account.notice.isVisible()


def test_change_own_password_errors_name_the_field(qtbot, open_page, admin):
    page = open_page(admin)
    account = page.show_tab("我的账户")
    qtbot.keyClicks(account.old_edit, "wrong-old-1")
    qtbot.keyClicks(account.new_edit, NEW_PASSWORD)
    qtbot.keyClicks(account.confirm_edit, NEW_PASSWORD)
    qtbot.keyClick(account.confirm_edit, Qt.Key_Return)
    assert "原密码" in account.error_label.text()
    assert account.old_edit.hasFocus()

    replace_text(qtbot, account.old_edit, ADMIN_PASSWORD)
    replace_text(qtbot, account.confirm_edit, NEW_PASSWORD + "z")
    click(qtbot, account.change_button)
    assert "确认新密码" in account.error_label.text()
    assert account.confirm_edit.hasFocus()
    assert accounts.authenticate("admin", ADMIN_PASSWORD)


# --- 所属站点 -----------------------------------------------------------------------------------

def _fill_new_user(qtbot, dialog, username, name):
    qtbot.keyClicks(dialog.username_edit, username)
    type_text(qtbot, dialog.name_edit, name)
    press_space(qtbot, dialog.role_boxes["grid"])
    qtbot.keyClicks(dialog.password_edit, USER_PASSWORD)
    qtbot.keyClicks(dialog.confirm_edit, USER_PASSWORD)


def test_hall_creates_user_for_registered_village_post(qtbot, open_page, admin):
    from models import sync

    sync.register_post(admin, "DT01", "打通村便民服务站")
    page = open_page(admin)
    page.show_tab("用户管理")
    dialog = show_dialog(qtbot, page.users_tab.new_user_dialog())
    combo = dialog.post_combo
    assert combo.isVisible() and combo.accessibleName() == "所属站点"
    assert [combo.itemText(i) for i in range(combo.count())] == ["DT00 打通镇便民服务中心", "DT01 打通村便民服务站"]
    assert combo.currentData() == "DT00"                 # the own post by default
    assert "数据包" in combo.accessibleDescription()
    dialog.username_edit.setFocus()
    qtbot.keyClick(dialog.username_edit, Qt.Key_Tab)                  # in the Tab order, right after 用户名
    assert combo.hasFocus()
    _fill_new_user(qtbot, dialog, "wangge2", "陈二")
    qtbot.keyClick(dialog.confirm_edit, Qt.Key_S, Qt.AltModifier)    # Alt+S: the caption's buddy
    assert combo.hasFocus()
    qtbot.keyClick(combo, Qt.Key_Down)
    assert combo.currentData() == "DT01"
    click(qtbot, dialog.ok_button)

    assert not dialog.isVisible()
    user = accounts.get_user("wangge2")
    assert user.post == "DT01" and user.roles == "grid" and user.must_change_password
    tab = page.users_tab
    column = [tab.model.headerData(i, Qt.Horizontal) for i in range(tab.model.columnCount())].index("所属站点")
    cell = {u.username: tab.model.index(row, column).data() for row, u in enumerate(tab.model.rows)}
    assert cell["wangge2"] == "DT01 打通村便民服务站" and cell["admin"].startswith("DT00")

    # editing the account keeps its post (shown, not offered)
    select_user(page, "wangge2")
    edit = show_dialog(qtbot, tab.edit_user_dialog())
    assert not edit.post_combo.isVisible()
    press_space(qtbot, edit.role_boxes["grid_lead"])
    click(qtbot, edit.ok_button)
    user = accounts.get_user("wangge2")
    assert user.post == "DT01" and user.roles == "grid,grid_lead"


def test_without_registered_posts_the_new_user_dialog_has_no_post_choice(qtbot, open_page, admin):
    page = open_page(admin)
    dialog = show_dialog(qtbot, page.users_tab.new_user_dialog())
    assert not dialog.post_combo.isVisible()
    _fill_new_user(qtbot, dialog, "wangge3", "张三")
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible()
    assert accounts.get_user("wangge3").post == "DT00"
