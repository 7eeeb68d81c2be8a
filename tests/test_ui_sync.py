"""数据交换 screens, driven with qtbot on two real databases (the hall DT00 and the post DT01, from
tests/test_sync.py's fixtures): registering a post and joining with its file, exporting with Ctrl+E and
importing with Ctrl+I (the file dialogs answered by monkeypatch, the confirmation and result dialogs read and
answered as a person would), a tampered and an unreadable bundle refused with their reasons, and a conflict
opened side by side and decided. Every check reads the database, the written files or the table cells."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog

from models import audit, people, sync
from models.hall.tables import ServiceCase
from models.sync.tables import SyncConflict, SyncExchange, SyncPeer
from tests.conftest import type_text
from tests import test_sync
from tests.test_sync import (
    HALL, POST, at, change_phone, export, import_, members, rebuilt, shared_person, small_work, tampered_line,
)
from ui.sync import SyncPage
from ui.sync import conflicts as conflicts_module
from ui.sync.conflicts import ConflictDialog
from ui.sync.dialogs import ChoosePeerDialog, ExchangeDialog, ImportConfirmDialog, ImportResultDialog, RegisterDialog

# the two databases of tests/test_sync.py: the hall DT00 and the post DT01 (``pair``: registered and joined)
blank_databases = test_sync.blank_databases
make_database = test_sync.make_database
hall_target = test_sync.hall_target
post_target = test_sync.post_target
pair = test_sync.pair


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------

def when_modal(qtbot, cls, act, seen: list | None = None):
    """Run `act(dialog)` on the next modal dialog of type `cls` (as tests/test_ui_shell.py does); close it if
    the action fails. `seen` collects the dialogs handled."""
    def run():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, cls):
            QTimer.singleShot(20, run)
            return
        try:
            act(dialog)
            if seen is not None:
                seen.append(dialog)
        finally:
            if dialog.isVisible():
                dialog.reject()
    QTimer.singleShot(0, run)


@pytest.fixture
def files(monkeypatch):
    """files.save / files.open: what the next file dialogs answer; files.asked: (kind, title, suggested)."""
    class Answers:
        save: list = []
        open: list = []
        asked: list = []

    answers = Answers()
    answers.save, answers.open, answers.asked = [], [], []

    def get_save(parent, title, suggested, *a, **k):
        answers.asked.append(("save", title, Path(suggested).name))
        return (str(answers.save.pop(0)), "") if answers.save else ("", "")

    def get_open(parent, title, folder, *a, **k):
        answers.asked.append(("open", title, ""))
        return (str(answers.open.pop(0)), "") if answers.open else ("", "")

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(get_save))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(get_open))
    return answers


def shown_page(qtbot, user) -> SyncPage:
    page = SyncPage(user)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    return page


def done(qtbot, page: SyncPage, handled: list | None = None, count: int = 0) -> None:
    """Wait for the background work (and the dialogs after it) to finish."""
    qtbot.waitUntil(lambda: not page.busy and (handled is None or len(handled) >= count), timeout=30000)


def cells(table, row: int) -> dict[str, str]:
    model = table.model()
    return {model.headerData(c, Qt.Horizontal): model.index(row, c).data() for c in range(model.columnCount())}


def rows(table) -> list[dict[str, str]]:
    return [cells(table, r) for r in range(table.model().rowCount())]


def close(page: SyncPage) -> None:
    page.close()
    QApplication.processEvents()


def press(qtbot, page: SyncPage, key) -> None:
    """Ctrl+`key` on the page, active again (offscreen, a closed modal dialog leaves no window active)."""
    activate(qtbot, page)
    qtbot.keyClick(page.peer_table, key, Qt.ControlModifier)


def activate(qtbot, page: SyncPage) -> None:
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)


# --------------------------------------------------------------------------------------------
# register → join → export → import, and back
# --------------------------------------------------------------------------------------------

def test_register_join_export_and_import_through_the_page(qtbot, make_database, hall_target, post_target, tmp_path,
                                                          files, messages):
    hall_admin = make_database(hall_target, "打通镇便民服务中心", HALL, "admin")
    post_admin = make_database(post_target, "打通村便民服务站", POST, "dt01admin")
    key_path = tmp_path / "U盘" / "DT01-登记文件.tdkey"
    key_path.parent.mkdir()

    # the hall registers the post: a bad code first (the field named, no file left, nothing registered)
    with at(hall_target):
        page = shown_page(qtbot, hall_admin)
        assert page.own_label.text() == "本站点：打通镇便民服务中心（DT00）"
        assert page.register_button.isVisible() and page.join_button.isVisible()
        assert not page.export_button.isEnabled() and "尚未登记交换对象" in page.role_label.text()
        attempts = []

        def register(dialog: RegisterDialog):
            assert "密钥" in dialog.warning.text() and "带到村便民服务站" in dialog.warning.text()
            type_text(qtbot, dialog.code, "打通")
            type_text(qtbot, dialog.name, "打通村便民服务站")
            files.save.append(key_path)
            qtbot.keyClick(dialog.code, Qt.Key_Return)
            attempts.append((dialog.isVisible(), dialog.error.text(), key_path.exists(), SyncPeer.select().count()))
            assert dialog.focusWidget() is dialog.code
            dialog.code.clear()
            qtbot.keyClicks(dialog.code, "dt01")
            files.save.append(key_path)
            qtbot.keyClick(dialog.name, Qt.Key_Return)

        seen = []
        when_modal(qtbot, RegisterDialog, register, seen)
        qtbot.mouseClick(page.register_button, Qt.LeftButton)
        assert seen
        assert attempts == [(True, attempts[0][1], False, 0)] and attempts[0][1].startswith("站点代码")
        assert [a[2] for a in files.asked] == ["打通-登记文件.tdkey", "DT01-登记文件.tdkey"]
        entry = json.loads(key_path.read_bytes())
        assert (entry["hall_code"], entry["post_code"], entry["post_name"]) == (HALL, POST, "打通村便民服务站")
        [peer] = SyncPeer.select()
        assert (peer.code, peer.name, peer.role) == (POST, "打通村便民服务站", "post")
        assert cells(page.peer_table, 0)["站点代码"] == POST and cells(page.peer_table, 0)["类型"] == "村便民服务站"
        assert page.register_button.isVisible() and not page.join_button.isVisible()
        assert "已登记 1 个村便民服务站" in page.role_label.text()
        assert str(key_path) in page.status.text()
        close(page)

    # the post joins with the file, does some work and exports with Ctrl+E
    first = tmp_path / "U盘" / "p1.tdsync"
    with at(post_target):
        page = shown_page(qtbot, post_admin)
        files.open.append(key_path)
        qtbot.mouseClick(page.join_button, Qt.LeftButton)
        [peer] = SyncPeer.select()
        assert (peer.code, peer.role) == (HALL, "hall")
        assert messages[-1][:2] == ("info", "登记完成") and "删除" in messages[-1][2]
        assert not page.register_button.isVisible() and not page.join_button.isVisible()
        assert cells(page.peer_table, 0)["站点名称"] == "打通镇便民服务中心"
        case = small_work(post_admin)
        files.save.append(first)
        press(qtbot, page, Qt.Key_E)
        done(qtbot, page)
        assert files.asked[-1][2].startswith("数据包-DT01至DT00-第1号-") and files.asked[-1][2].endswith(".tdsync")
        assert first.exists()
        manifest = sync.read_manifest(first)
        assert (manifest.source, manifest.target, manifest.seq) == (POST, HALL, 1)
        assert messages[-1][:2] == ("info", "导出完成") and f"共 {manifest.total:,} 条记录" in messages[-1][2]
        [row] = rows(page.history_table)
        assert (row["方向"], row["对方站点"], row["序号"], row["文件"], row["状态"], row["记录数"]) == (
            "导出", "DT00 打通镇便民服务中心", "1", "p1.tdsync", "完成", f"{manifest.total:,}")
        assert cells(page.peer_table, 0)["上次导出（发给它）"].startswith("第 1 号")
        close(page)

    # the hall reads what the file is, imports it with Ctrl+I, and sees what happened
    hall_back = tmp_path / "U盘" / "h1.tdsync"
    with at(hall_target):
        page = shown_page(qtbot, hall_admin)
        handled, confirm_text, result_rows = [], [], []

        def confirm(dialog: ImportConfirmDialog):
            confirm_text.append(" ".join(label.text() for label in dialog.findChildren(type(page.own_label))))
            confirm_text.append(rows(dialog.table))
            assert dialog.problems == []
            qtbot.mouseClick(dialog.ok, Qt.LeftButton)

        def result(dialog: ImportResultDialog):
            result_rows.extend(rows(dialog.table))
            result_rows.append(dialog.heading.text())
            qtbot.keyClick(dialog.ok, Qt.Key_Return)

        when_modal(qtbot, ImportConfirmDialog, confirm, handled)
        when_modal(qtbot, ImportResultDialog, result, handled)
        files.open.append(first)
        press(qtbot, page, Qt.Key_I)
        done(qtbot, page, handled, 2)
        text, table = confirm_text
        for words in ("p1.tdsync", "DT01 打通村便民服务站", "DT00（本站点）", "第 1 号", "dt01admin",
                      "首次交换", f"共 {manifest.total:,} 条"):
            assert words in text
        shown = {r["数据表"]: r["记录数"] for r in table}
        assert shown["办件"] == "1" and shown["人员"] == "1" and shown["合计"] == f"{manifest.total:,}"
        assert ServiceCase.get(ServiceCase.uid == case.uid).number == case.number      # really imported
        *per_table, heading = result_rows
        by_table = {r["数据表"]: r for r in per_table}
        assert by_table["办件"]["新增"] == "1" and by_table["人员"]["新增"] == "1"
        assert by_table["合计"]["冲突"] == "0"
        assert "DT01 打通村便民服务站 的第 1 号数据包" in heading and "冲突 0 条" in heading
        [row] = rows(page.history_table)
        assert (row["方向"], row["对方站点"], row["序号"], row["状态"], row["冲突"]) == (
            "导入", "DT01 打通村便民服务站", "1", "完成", "0")
        assert row["记录数"] == f"{manifest.total:,}" and "新增 " in row["说明"]
        [exchange] = SyncExchange.select()
        assert exchange.counts["service_case"]["inserted"] == 1 and exchange.username == "admin"
        assert cells(page.peer_table, 0)["上次导入（来自它）"].startswith("第 1 号")

        # and sends the hall's reply back (Ctrl+E): its history now holds both exchanges
        files.save.append(hall_back)
        press(qtbot, page, Qt.Key_E)
        done(qtbot, page)
        back = sync.read_manifest(hall_back)
        assert (back.source, back.target, back.seq) == (HALL, POST, 1)
        assert [(r["方向"], r["序号"], r["状态"], r["记录数"]) for r in rows(page.history_table)] == [
            ("导出", "1", "完成", f"{back.total:,}"), ("导入", "1", "完成", f"{manifest.total:,}")]
        close(page)

    # the post imports the reply: its history holds both exchanges too
    with at(post_target):
        page = shown_page(qtbot, post_admin)
        handled = []
        when_modal(qtbot, ImportConfirmDialog, lambda d: qtbot.mouseClick(d.ok, Qt.LeftButton), handled)
        when_modal(qtbot, ImportResultDialog, lambda d: qtbot.mouseClick(d.ok, Qt.LeftButton), handled)
        files.open.append(hall_back)
        press(qtbot, page, Qt.Key_I)
        done(qtbot, page, handled, 2)
        history = rows(page.history_table)
        assert [(r["方向"], r["对方站点"], r["序号"], r["状态"]) for r in history] == [
            ("导入", "DT00 打通镇便民服务中心", "1", "完成"), ("导出", "DT00 打通镇便民服务中心", "1", "完成")]
        assert history[0]["记录数"] == f"{back.total:,}"
        assert [(e.direction, e.status) for e in sync.history(post_admin)] == [("in", "done"), ("out", "done")]
        close(page)


def test_cancelling_the_confirmation_imports_nothing(qtbot, pair, tmp_path, files, messages):
    with at(pair.post):
        small_work(pair.post_admin)
    export(pair.post_admin, pair.post, tmp_path / "p1.tdsync")
    with at(pair.hall):
        page = shown_page(qtbot, pair.hall_admin)
        handled = []
        when_modal(qtbot, ImportConfirmDialog, lambda d: qtbot.mouseClick(d.cancel, Qt.LeftButton), handled)
        files.open.append(tmp_path / "p1.tdsync")
        page.import_button.click()
        assert handled and not page.busy
        assert SyncExchange.select().count() == 0 and ServiceCase.select().count() == 0
        assert rows(page.history_table) == []
        close(page)


def test_with_several_posts_the_export_asks_for_which_and_a_refusal_is_shown(qtbot, pair, tmp_path, files,
                                                                                messages):
    with at(pair.hall):
        sync.register_post(pair.hall_admin, "DT02", "石门村便民服务站")
        page = shown_page(qtbot, pair.hall_admin)
        assert [r["站点代码"] for r in rows(page.peer_table)] == [POST, "DT02"]
        page.peer_table.select_row(1)                                   # DT02 chosen in the list
        offered = []

        def choose(dialog: ChoosePeerDialog):
            offered.extend(dialog.combo.itemData(i) for i in range(dialog.combo.count()))
            offered.append(dialog.code)
            qtbot.keyClick(dialog.combo, Qt.Key_Return)

        handled = []
        when_modal(qtbot, ChoosePeerDialog, choose, handled)
        out = tmp_path / "for-dt02.tdsync"
        files.save.append(out)
        press(qtbot, page, Qt.Key_E)
        done(qtbot, page)
        assert handled and offered == [POST, "DT02", "DT02"]
        assert sync.read_manifest(out).target == "DT02"
        assert "数据包-DT00至DT02-第1号-" in files.asked[-1][2]
        exported = rows(page.history_table)[0]
        assert (exported["对方站点"], exported["序号"]) == ("DT02 石门村便民服务站", "1")
        # Enter on the row: the counts per table
        shown = []
        when_modal(qtbot, ExchangeDialog, lambda d: shown.extend(rows(d.table)), None)
        activate(qtbot, page)
        page.history_table.setFocus()
        page.history_table.select_row(0)
        qtbot.keyClick(page.history_table, Qt.Key_Return)
        manifest = sync.read_manifest(out)
        assert {r["数据表"]: r["记录数"] for r in shown} == {
            **{sync.table_label(t): f"{n:,}" for t, n in manifest.counts.items()}, "合计": f"{manifest.total:,}"}
        # the same file again: models refuse to overwrite it, the page says why and records nothing
        when_modal(qtbot, ChoosePeerDialog, lambda d: d.accept(), None)
        files.save.append(out)
        page.export_bundle()
        done(qtbot, page)
        assert messages[-1][0] == "warn" and "不会覆盖" in messages[-1][2]
        assert SyncExchange.select().count() == 1 and SyncPeer.get(SyncPeer.code == "DT02").last_seq_out == 1
        close(page)


# --------------------------------------------------------------------------------------------
# refusals
# --------------------------------------------------------------------------------------------

def test_a_tampered_and_an_unreadable_bundle_are_refused_with_their_reasons(qtbot, pair, tmp_path, files, messages):
    with at(pair.post):
        small_work(pair.post_admin)
    good = tmp_path / "good.tdsync"
    export(pair.post_admin, pair.post, good)
    tampered = rebuilt(good, tmp_path / "改过的.tdsync", None, files={
        "records/person.jsonl": tampered_line(members(good)["records/person.jsonl"])})
    broken = tmp_path / "半截.tdsync"
    broken.write_bytes(good.read_bytes()[:200])
    with at(pair.hall):
        page = shown_page(qtbot, pair.hall_admin)
        handled, reasons = [], []

        def refused(dialog: ImportResultDialog):
            reasons.append((dialog.windowTitle(), dialog.reason.text(), dialog.table))
            qtbot.keyClick(dialog.ok, Qt.Key_Return)

        # the manifest reads well (and is shown) — the import checks the files and refuses
        when_modal(qtbot, ImportConfirmDialog, lambda d: qtbot.mouseClick(d.ok, Qt.LeftButton), handled)
        when_modal(qtbot, ImportResultDialog, refused, handled)
        files.open.append(tampered)
        press(qtbot, page, Qt.Key_I)
        done(qtbot, page, handled, 2)
        title, reason, table = reasons[-1]
        assert title == "数据包被拒绝" and "与清单不符" in reason and table is None
        assert ServiceCase.select().count() == 0 and people.Person.select().count() == 0     # nothing written
        [row] = rows(page.history_table)
        assert (row["方向"], row["对方站点"], row["文件"], row["状态"], row["记录数"]) == (
            "导入", "DT01 打通村便民服务站", "改过的.tdsync", "被拒绝", "")
        assert "拒绝" in row["状态"] and "与清单不符" in row["说明"]
        assert "与清单不符" in page.status.text()

        # a file cut short: no manifest to show, refused straight away and recorded as well
        handled.clear()
        when_modal(qtbot, ImportResultDialog, refused, handled)
        files.open.append(broken)
        press(qtbot, page, Qt.Key_I)
        done(qtbot, page, handled, 1)
        assert "不完整" in reasons[-1][1]
        history = rows(page.history_table)
        assert [(r["文件"], r["状态"]) for r in history] == [("半截.tdsync", "被拒绝"), ("改过的.tdsync", "被拒绝")]
        assert "不完整" in history[0]["说明"]
        assert [e.status for e in SyncExchange.select().order_by(SyncExchange.id)] == ["refused", "refused"]
        assert audit.AuditEntry.select().where(audit.AuditEntry.action == "sync_refused").count() == 2
        assert ServiceCase.select().count() == 0
        close(page)


def test_the_same_bundle_twice_says_it_was_imported_before(qtbot, pair, tmp_path, files, messages):
    with at(pair.post):
        small_work(pair.post_admin)
    export(pair.post_admin, pair.post, tmp_path / "p1.tdsync")
    with at(pair.hall):
        page = shown_page(qtbot, pair.hall_admin)
        headings = []
        for attempt in range(2):
            handled = []
            when_modal(qtbot, ImportConfirmDialog, lambda d: (headings.append(d.problems),
                                                              qtbot.mouseClick(d.ok, Qt.LeftButton)), handled)
            when_modal(qtbot, ImportResultDialog, lambda d: (headings.append(d.heading.text()), d.accept()), handled)
            files.open.append(tmp_path / "p1.tdsync")
            page.import_bundle()
            done(qtbot, page, handled, 2)
        assert headings[0] == [] and "已从 DT01 导入到第 1 号" in headings[2][0]      # warned before the second
        assert "以前已经导入过" in headings[3]
        assert ServiceCase.select().count() == 1
        assert [r["状态"] for r in rows(page.history_table)] == ["已导入过（未作改动）", "完成"]
        close(page)


# --------------------------------------------------------------------------------------------
# conflicts
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("button, keep, winner", [("take_incoming", "采用对方版本", "13911110000"),
                                                  ("keep_local", "保留本地版本", "13822220000")])
def test_a_conflict_is_listed_compared_side_by_side_and_decided(qtbot, pair, tmp_path, files, messages,
                                                               monkeypatch, button, keep, winner):
    uid = shared_person(pair, tmp_path)
    change_phone(pair.post_admin, pair.post, uid, "13822220000")
    change_phone(pair.hall_admin, pair.hall, uid, "13911110000")
    export(pair.hall_admin, pair.hall, tmp_path / "h.tdsync")
    asked = []
    monkeypatch.setattr(conflicts_module, "ask", lambda parent, title, text: asked.append(text) or True)
    with at(pair.post):
        page = shown_page(qtbot, pair.post_admin)
        handled, summary = [], []

        def result(dialog: ImportResultDialog):
            summary.append(rows(dialog.table))
            assert dialog.conflicts_button is not None
            qtbot.mouseClick(dialog.conflicts_button, Qt.LeftButton)

        when_modal(qtbot, ImportConfirmDialog, lambda d: qtbot.mouseClick(d.ok, Qt.LeftButton), handled)
        when_modal(qtbot, ImportResultDialog, result, handled)
        files.open.append(tmp_path / "h.tdsync")
        press(qtbot, page, Qt.Key_I)
        done(qtbot, page, handled, 2)
        assert {r["数据表"]: r["冲突"] for r in summary[0]}["人员"] == "1"
        assert people.Person.get(people.Person.uid == uid).phone == "13822220000"   # nothing overwritten
        # 去处理冲突 went to the list, which names the record
        assert page.tabs.currentWidget() is page.conflicts
        assert page.tabs.tabText(1) == "冲突（1）(&C)"
        [listed] = rows(page.conflicts.table)
        assert (listed["数据表"], listed["记录"], listed["对方站点"], listed["处理结果"]) == (
            "人员", "王五", "DT00 打通镇便民服务中心", "未处理")
        assert rows(page.history_table)[0]["冲突"] == "1"

        compared = {}

        def decide(dialog: ConflictDialog):
            every = {label: (mine, theirs) for label, mine, theirs in dialog.visible_rows()}
            compared.update(every)
            phone_row = [r for r, entry in enumerate(dialog.rows) if entry[0] == "联系电话"][0]
            compared["colour"] = dialog.table.item(phone_row, 1).background().color().name()
            compared["same colour"] = dialog.table.item(
                [r for r, e in enumerate(dialog.rows) if e[0] == "姓名"][0], 1).background().style()
            qtbot.mouseClick(dialog.only_different, Qt.LeftButton)
            compared["only"] = [label for label, _m, _t in dialog.visible_rows()]
            qtbot.mouseClick(getattr(dialog, button), Qt.LeftButton)

        handled = []
        when_modal(qtbot, ConflictDialog, decide, handled)
        activate(qtbot, page)
        page.conflicts.table.setFocus()
        qtbot.keyClick(page.conflicts.table, Qt.Key_Return)
        assert handled
        assert compared["联系电话"] == ("13822220000", "13911110000")
        assert compared["姓名"] == ("王五", "王五") and compared["证件号码"][0] == compared["证件号码"][1]
        assert compared["colour"] == "#fff3cd" and compared["same colour"] == Qt.NoBrush
        assert "联系电话" in compared["only"] and "姓名" not in compared["only"]
        assert len(asked) == 1
        # decided: gone from the open list, written, recorded
        assert people.Person.get(people.Person.uid == uid).phone == winner
        assert rows(page.conflicts.table) == [] and page.tabs.tabText(1) == "冲突(&C)"
        [conflict] = SyncConflict.select()
        assert conflict.resolved_by == "dt01admin"
        assert audit.AuditEntry.select().where(audit.AuditEntry.action == "sync_resolve").count() == 1
        qtbot.mouseClick(page.conflicts.show_resolved, Qt.LeftButton)
        [decided] = rows(page.conflicts.table)
        assert (decided["处理结果"], decided["处理人"]) == (keep, "dt01admin") and decided["处理时间"]
        # a decided conflict opens read-only
        readonly = []
        when_modal(qtbot, ConflictDialog, lambda d: readonly.append(
            (d.keep_local.isVisible(), d.take_incoming.isVisible())), None)
        page.conflicts.open_selected()
        assert readonly == [(False, False)]
        close(page)


# --------------------------------------------------------------------------------------------
# the main window
# --------------------------------------------------------------------------------------------

def test_the_main_window_has_the_area_and_menu_for_sync_managers_only(qtbot, pair, tmp_path, files, messages):
    from models import accounts
    from tests.conftest import USER_PASSWORD
    from ui.main_window import MainWindow

    with at(pair.hall):
        window = MainWindow(pair.hall_admin, Path(pair.hall), pair.hall)
        qtbot.addWidget(window)
        titles = [window.navigation.item(i).text() for i in range(window.navigation.count())]
        assert titles[-2:] == ["数据交换", "系统设置"]
        [menu] = [a.menu() for a in window.menuBar().actions() if a.text() == "数据交换(&X)"]
        actions = [a.text() for a in menu.actions()]
        assert actions == ["导出数据包(&E)…", "导入数据包(&I)…"]
        window.show_area("people")
        files.save.append(tmp_path / "from-menu.tdsync")
        menu.actions()[0].trigger()                           # 导出数据包…: the page shows and exports
        page = window.pages["sync"]
        assert window.area_stack.currentWidget() is page
        done(qtbot, page)
        assert sync.read_manifest(tmp_path / "from-menu.tdsync").target == POST
        assert messages[-1][1] == "导出完成"
        window.idle.stop()
        window.close()

        clerk = accounts.create_user(pair.hall_admin, "chuangkou", "窗口小陈", ["window"], USER_PASSWORD)
        other = MainWindow(clerk, Path(pair.hall), pair.hall)
        qtbot.addWidget(other)
        assert "数据交换" not in [other.navigation.item(i).text() for i in range(other.navigation.count())]
        assert "数据交换(&X)" not in [a.text() for a in other.menuBar().actions()]
        other.idle.stop()
        other.close()


def test_an_unconfirmed_bundle_is_shown_and_its_records_go_again(qtbot, pair, tmp_path, files, messages):
    with at(pair.post):
        page = shown_page(qtbot, pair.post_admin)
        assert cells(page.peer_table, 0)["对方确认收到"] == "—"
        people.save_person(pair.post_admin, {"name": "甲", "phone": "13800000001"})
        for name in ("p1.tdsync", "p2.tdsync"):          # the first stick is lost: the hall never replies
            files.save.append(tmp_path / name)
            press(qtbot, page, Qt.Key_E)
            done(qtbot, page)
        assert "还没有确认收到此前的第 1 号数据包" in messages[-1][2] and "一并发出" in messages[-1][2]
        assert "还没有确认" not in messages[-2][2]
        assert cells(page.peer_table, 0)["对方确认收到"] == "第 1–2 号待确认"
        close(page)
    assert sync.read_manifest(tmp_path / "p2.tdsync").counts.get("person") == 1
    import_(pair.hall_admin, pair.hall, tmp_path / "p2.tdsync")
    export(pair.hall_admin, pair.hall, tmp_path / "h1.tdsync")
    import_(pair.post_admin, pair.post, tmp_path / "h1.tdsync")
    with at(pair.post):
        page = shown_page(qtbot, pair.post_admin)
        assert cells(page.peer_table, 0)["对方确认收到"] == "已确认到第 2 号"
        close(page)


def test_the_hall_saves_a_selected_post_s_registration_file_again(qtbot, pair, tmp_path, files, messages):
    with at(pair.hall):
        page = shown_page(qtbot, pair.hall_admin)
        assert page.rekey_button.isVisible() and page.register_button.isVisible()
        page.peer_table.clearSelection()
        page.key_file_again()
        assert "请先" in page.status.text() and not files.asked
        page.peer_table.select_row(0)
        out = tmp_path / "dt01-again.tdkey"
        files.save.append(out)
        page.rekey_button.click()
        assert files.asked[-1][2] == "DT01-登记文件.tdkey"
        assert json.loads(out.read_bytes())["key"] == json.loads(pair.key_file)["key"]
        assert messages[-1][:2] == ("info", "登记文件已保存") and "密钥与原来的相同" in messages[-1][2]
        close(page)
    with at(pair.post):
        page = shown_page(qtbot, pair.post_admin)
        assert not page.rekey_button.isVisible()
        close(page)


def test_a_foreign_key_is_shown_as_the_record_it_points_to(qtbot, pair, tmp_path):
    from models.hall.tables import CaseEvent
    from models.sync import catalog
    from ui.sync.labels import value_text

    with at(pair.hall):
        case = small_work(pair.hall_admin)
        field = CaseEvent._meta.fields["case"]
        assert catalog.describe_record("service_case", str(case.uid)) == f"办件 {case.number}"
        assert value_text(pair.hall_admin, "case_event", field, str(case.uid)) == f"办件 {case.number}"
        missing = "0f0e0d0c-0000-4000-8000-000000000000"
        assert catalog.describe_record("service_case", missing) is None
        assert value_text(pair.hall_admin, "case_event", field, missing) == "办件（本机还没有，标识 0f0e0d0c…）"
