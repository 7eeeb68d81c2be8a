"""数据交换: this post and the posts it exchanges with, exporting and importing bundles off the GUI thread,
registering a village post (the hall) or joining the hall (a post), the history of every exchange and the
conflicts. Everything is checked and recorded in models.sync; this page lays it out."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import (
    QFileDialog, QGroupBox, QHBoxLayout, QLabel, QMessageBox, QPushButton, QTabWidget, QVBoxLayout, QWidget,
)

from models import accounts, settings, sync
from models.db import on_own_connection
from models.errors import TownDeskError
from ui.common import (
    Column, RecordTableModel, hint, local_time, run_in_background, set_hint, shortcut, show_problem,
)
from ui.settings.widgets import status_label, table
from ui.sync.conflicts import ConflictsTab
from ui.sync.dialogs import (
    ChoosePeerDialog, ExchangeDialog, ImportConfirmDialog, ImportResultDialog, RegisterDialog, peer_text,
)
from ui.sync.dialogs import sync_tables
from ui.sync.labels import COUNT_LABELS, table_label

HISTORY_LIMIT = 500


class TipTableModel(RecordTableModel):
    """A record table whose cells show their whole text as a tooltip (long reasons and file names)."""

    def data(self, index, role=Qt.DisplayRole):
        if role == Qt.ToolTipRole:
            return super().data(index, Qt.DisplayRole) or None
        return super().data(index, role)


def _seq_and_time(seq: int, when) -> str:
    if not seq:
        return "—"
    return f"第 {seq} 号" + (f"，{local_time(when)}" if when else "")


class SyncPage(QWidget):
    """数据交换. Ctrl+E 导出数据包…, Ctrl+I 导入数据包…; on the hall 登记村站点…, on a post 导入登记文件…
    (both while no peer says which this database is); below, 交换记录 and 冲突 as tabs."""

    def __init__(self, user, parent=None):
        super().__init__(parent)
        self.user = user
        self.busy = False
        self.worker = None
        self.folder = ""
        self.names: dict[str, str] = {}
        self.users: dict[str, str] = {}

        title = QLabel(self.tr("数据交换"))
        title.setProperty("role", "title")
        self.own_label = QLabel()
        self.own_label.setProperty("role", "value")
        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(24)
        top.addWidget(self.own_label, 1)
        explanation = hint(self.tr(
            "村便民服务站没有网络时，用数据包与镇便民服务中心交换数据：一方“导出数据包”存到U盘，带到另一方"
            "“导入数据包”。每次只导出对方还没有的新增和修改的记录。数据包有签名：被改动、不完整、重复或不是发给"
            "本站点的数据包会被拒绝，不写入任何数据；双方都修改过的记录列为“冲突”，由您决定保留哪个版本。"))

        # the peers, with the actions beside them
        self.peer_model = RecordTableModel([
            Column(self.tr("站点代码"), lambda p: p.code),
            Column(self.tr("站点名称"), lambda p: p.name),
            Column(self.tr("类型"), lambda p: p.role_name),
            Column(self.tr("上次导出（发给它）"), lambda p: _seq_and_time(p.last_seq_out, p.last_out_at)),
            Column(self.tr("对方确认收到"), lambda p: self._acked_text(p)),
            Column(self.tr("上次导入（来自它）"), lambda p: _seq_and_time(p.last_seq_in, p.last_in_at)),
            Column(self.tr("登记时间"), lambda p: local_time(p.registered_at)),
        ], self)
        self.peer_table = table(self.peer_model)
        self.peer_table.setAccessibleName(self.tr("交换对象"))
        self.peer_table.setMinimumHeight(120)
        self.role_label = hint()
        self.export_button = QPushButton(self.tr("导出数据包…（Ctrl+E）"))
        self.export_button.setToolTip(self.tr("把对方还没有的新增和修改的记录导出为一个数据包文件（.tdsync）"))
        self.import_button = QPushButton(self.tr("导入数据包…（Ctrl+I）"))
        self.import_button.setToolTip(self.tr("选择对方导出的数据包文件，核对后导入"))
        self.register_button = QPushButton(self.tr("登记村站点(&N)…"))
        self.register_button.setToolTip(self.tr("镇便民服务中心：为一个村便民服务站生成登记文件（含密钥）"))
        self.rekey_button = QPushButton(self.tr("重新生成登记文件(&K)…"))
        self.rekey_button.setToolTip(self.tr("镇便民服务中心：为表中选中的村便民服务站再生成一份登记文件（密钥不变），"
                                             "用于原文件在加入前丢失、或该站点的电脑重新安装之后"))
        self.join_button = QPushButton(self.tr("导入登记文件(&J)…"))
        self.join_button.setToolTip(self.tr("村便民服务站：导入镇便民服务中心发来的登记文件（.tdkey）"))
        self.export_button.clicked.connect(self.export_bundle)
        self.import_button.clicked.connect(self.import_bundle)
        self.register_button.clicked.connect(self.register_post)
        self.rekey_button.clicked.connect(self.key_file_again)
        self.join_button.clicked.connect(self.join_hall)
        buttons = QVBoxLayout()
        for button in (self.export_button, self.import_button, self.register_button, self.rekey_button,
                       self.join_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        peers_box = QGroupBox(self.tr("交换对象"))
        peers_row = QHBoxLayout(peers_box)
        left = QVBoxLayout()
        left.addWidget(self.peer_table, 1)
        left.addWidget(self.role_label)
        peers_row.addLayout(left, 1)
        peers_row.addLayout(buttons)
        shortcut("Ctrl+E", self, self.export_bundle)
        shortcut("Ctrl+I", self, self.import_bundle)
        self.status = status_label()

        # history and conflicts
        self.history_model = TipTableModel([
            Column(self.tr("时间"), lambda e: local_time(e.at)),
            Column(self.tr("方向"), lambda e: e.direction_name),
            Column(self.tr("对方站点"), lambda e: peer_text(e.peer, self.names)),
            Column(self.tr("序号"), lambda e: "" if e.seq is None else str(e.seq), Qt.AlignRight | Qt.AlignVCenter),
            Column(self.tr("文件"), lambda e: e.file_name),
            Column(self.tr("状态"), lambda e: e.status_name),
            Column(self.tr("记录数"), lambda e: f"{e.total:,}" if e.status == "done" else "",
                   Qt.AlignRight | Qt.AlignVCenter),
            Column(self.tr("冲突"), lambda e: str(e.conflicts) if e.direction == "in" and e.status == "done" else "",
                   Qt.AlignRight | Qt.AlignVCenter),
            Column(self.tr("操作人"), self._who),
            Column(self.tr("说明"), self._explain),
        ], self)
        self.history_table = table(self.history_model)
        self.history_table.setAccessibleName(self.tr("交换记录"))
        self.history_table.doubleClicked.connect(lambda _index: self.open_exchange())
        for key in (Qt.Key_Return, Qt.Key_Enter):
            shortcut(key, self.history_table, self.open_exchange, Qt.WidgetShortcut)
        history = QWidget()
        history_layout = QVBoxLayout(history)
        history_layout.addWidget(self.history_table, 1)
        history_layout.addWidget(hint(self.tr(
            "最近 {0} 次交换，最新的在上。选中一行按回车（或双击）查看每个数据表的记录数。").format(HISTORY_LIMIT)))
        self.conflicts = ConflictsTab(user)
        self.conflicts.changed.connect(self.refresh)
        self.tabs = QTabWidget()
        self.tabs.addTab(history, self.tr("交换记录(&R)"))
        self.tabs.addTab(self.conflicts, self.tr("冲突(&C)"))

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(explanation)
        layout.addWidget(peers_box)
        layout.addWidget(self.status)
        layout.addWidget(self.tabs, 1)
        layout.setStretch(2, 2)
        layout.setStretch(4, 5)
        self.setFocusProxy(self.peer_table)
        self.refresh()

    # --- what is shown -------------------------------------------------------------------------------

    def _who(self, exchange) -> str:
        name = self.users.get(exchange.username)
        return f"{name}（{exchange.username}）" if name else exchange.username

    def _explain(self, exchange) -> str:
        if exchange.reason:
            return exchange.reason
        if exchange.direction == "in" and exchange.status == "done":
            totals = {k: 0 for k in COUNT_LABELS}
            for per_table in (exchange.counts or {}).values():
                for key, value in per_table.items():
                    totals[key] = totals.get(key, 0) + value
            shown = [f"{self.tr(COUNT_LABELS[k])} {v:,}" for k, v in totals.items() if v and k in COUNT_LABELS]
            return "，".join(shown) or self.tr("没有新记录")
        if exchange.direction == "out":
            if not exchange.counts:
                return self.tr("没有新记录")
            order = {t.name: i for i, t in enumerate(sync_tables())}
            names = sorted(exchange.counts, key=lambda t: order.get(t, len(order)))
            return "，".join(f"{table_label(t)} {int(exchange.counts[t]):,}" for t in names)
        return ""

    def showEvent(self, event):  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if not self.busy:
            self.refresh()

    def refresh(self) -> None:
        """Read the peers, the history and the conflicts again."""
        try:
            values = settings.get_all()
            peers = sync.peers()
            exchanges = sync.history(self.user, limit=HISTORY_LIMIT)
            self.users = {u.username: u.display_name for u in accounts.list_users()}
        except Exception as exc:  # noqa: BLE001 - shown, never a crash
            show_problem(self, exc)
            return
        self.own_code = values["post_code"]
        self.names = {p.code: p.name for p in peers}
        self.own_label.setText(self.tr("本站点：{0}（{1}）").format(values["post_name"], self.own_code))
        selected = self.peer_table.selected()
        self.peer_model.set_rows(peers)
        if selected is not None:
            codes = [p.code for p in peers]
            if selected.code in codes:
                self.peer_table.select_row(codes.index(selected.code))
        self.history_model.set_rows(exchanges)
        self.conflicts.refresh()
        count = self.conflicts.open_count
        self.tabs.setTabText(1, self.tr("冲突（{0}）(&C)").format(count) if count else self.tr("冲突(&C)"))
        is_hall = any(p.role == "post" for p in peers)
        is_post = any(p.role == "hall" for p in peers)
        self.register_button.setVisible(not is_post)
        self.rekey_button.setVisible(is_hall)
        self.join_button.setVisible(not is_hall and not is_post)
        self.export_button.setEnabled(bool(peers))
        self.import_button.setEnabled(bool(peers))
        if is_hall:
            text = self.tr("本机是镇便民服务中心，已登记 {0} 个村便民服务站。新建村站点请按“登记村站点…”。").format(
                sum(1 for p in peers if p.role == "post"))
        elif is_post:
            text = self.tr("本机是村便民服务站，与 {0} 交换数据。").format(
                "、".join(f"{p.code} {p.name}" for p in peers if p.role == "hall"))
        else:
            text = self.tr("尚未登记交换对象。镇便民服务中心：按“登记村站点…”为每个村便民服务站生成登记文件；"
                           "村便民服务站：按“导入登记文件…”导入镇便民服务中心发来的登记文件。")
        self.role_label.setText(text)

    def show_conflicts(self) -> None:
        self.tabs.setCurrentWidget(self.conflicts)
        self.conflicts.table.setFocus()

    def open_exchange(self) -> None:
        exchange = self.history_table.selected()
        if exchange is not None:
            ExchangeDialog(exchange, self.names, self._who(exchange), self).exec()

    # --- files ---------------------------------------------------------------------------------------

    def _start_folder(self) -> str:
        return self.folder or QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation) or str(Path.home())

    def ask_save_path(self, title: str, suggested: str, filter_text: str, suffix: str) -> str:
        """Where to save a new file ("" to cancel); the suffix is added when missing. An existing file is not
        confirmed here: models refuse to overwrite a bundle, and say so."""
        path, _ = QFileDialog.getSaveFileName(self, title, str(Path(self._start_folder()) / suggested), filter_text,
                                              options=QFileDialog.DontConfirmOverwrite)
        if path and not path.lower().endswith(suffix):
            path += suffix
        if path:
            self.folder = str(Path(path).parent)
        return path

    def ask_open_path(self, title: str, filter_text: str) -> str:
        path, _ = QFileDialog.getOpenFileName(self, title, self._start_folder(), filter_text)
        if path:
            self.folder = str(Path(path).parent)
        return path

    # --- 登记 ----------------------------------------------------------------------------------------

    def register_post(self) -> None:
        """On the hall: a village post's code and name → its registration file, saved where the user says."""
        def ask(code: str) -> str:
            return self.ask_save_path(self.tr("保存登记文件"), self.tr("{0}-登记文件{1}").format(code or "站点",
                                                                                         sync.KEY_SUFFIX),
                                      self.tr("站点登记文件 (*{0})").format(sync.KEY_SUFFIX), sync.KEY_SUFFIX)

        dialog = RegisterDialog(self.user, ask, self)
        if dialog.exec() and dialog.saved_path is not None:
            set_hint(self.status, self.tr("已登记站点 {0}，登记文件已保存到 {1}。请把它带到该村便民服务站导入，"
                                          "导入后从U盘中删除。").format(dialog.peer_code, dialog.saved_path), "ok")
            self.refresh()

    def key_file_again(self) -> None:
        """On the hall: the selected post's registration file once more (the same key), saved where the user says."""
        peer = self.peer_table.selected()
        if peer is None or peer.role != "post":
            set_hint(self.status, self.tr("请先在“交换对象”表中用方向键选中一个村便民服务站。"), "warn")
            self.peer_table.setFocus()
            return
        path = self.ask_save_path(self.tr("保存登记文件"), self.tr("{0}-登记文件{1}").format(peer.code, sync.KEY_SUFFIX),
                                  self.tr("站点登记文件 (*{0})").format(sync.KEY_SUFFIX), sync.KEY_SUFFIX)
        if not path:
            return
        try:
            data = sync.key_file_again(self.user, peer.code)
            try:
                Path(path).write_bytes(data)
            except OSError as exc:
                raise TownDeskError(self.tr("无法写入文件 {0}：{1}").format(path, exc.strerror or exc)) from exc
        except Exception as exc:  # noqa: BLE001 - TownDeskError shown, anything else reported
            show_problem(self, exc, self.tr("无法生成登记文件"))
            return
        set_hint(self.status, self.tr("站点 {0} 的登记文件已重新生成，保存到 {1}。").format(peer.code, path), "ok")
        QMessageBox.information(self, self.tr("登记文件已保存"), self.tr(
            "已为 {0}（{1}）重新生成登记文件：{2}\n\n密钥与原来的相同，该站点已导入过的原文件仍然有效。"
            "文件中含有密钥，请保存到U盘由专人带到该站点导入，不要通过微信、QQ 或电子邮件发送；导入后从U盘中删除。").format(
            peer.code, peer.name, path))

    def join_hall(self) -> None:
        """On a village post: the registration file the hall made for it."""
        path = self.ask_open_path(self.tr("选择登记文件"), self.tr("站点登记文件 (*{0});;所有文件 (*)").format(
            sync.KEY_SUFFIX))
        if not path:
            return
        try:
            try:
                data = Path(path).read_bytes()
            except OSError as exc:
                raise TownDeskError(self.tr("无法读取文件 {0}：{1}").format(path, exc.strerror or exc)) from exc
            peer = sync.join(self.user, data)
        except Exception as exc:  # noqa: BLE001 - TownDeskError shown, anything else reported
            show_problem(self, exc, self.tr("无法导入登记文件"))
            return
        self.refresh()
        QMessageBox.information(self, self.tr("登记完成"), self.tr(
            "本站点已与 {0}（{1}）建立数据交换，今后可以互相导出、导入数据包。\n\n"
            "登记文件中含有密钥，请把它从U盘中删除。").format(peer.code, peer.name))
        set_hint(self.status, self.tr("已导入登记文件：与 {0}（{1}）交换数据。").format(peer.code, peer.name), "ok")

    # --- 导出 ----------------------------------------------------------------------------------------

    def choose_peer(self):
        """The peer to export for: the only one, or the one picked (the selected row first); None to cancel."""
        peers = sync.peers()
        if not peers:
            raise TownDeskError(self.tr("尚未登记任何交换对象：镇便民服务中心请先登记村站点，"
                                        "村便民服务站请先导入登记文件。"))
        if len(peers) == 1:
            return peers[0]
        selected = self.peer_table.selected()
        dialog = ChoosePeerDialog(peers, selected.code if selected else None, self)
        if not dialog.exec():
            return None
        return next(p for p in peers if p.code == dialog.code)

    def export_bundle(self) -> None:
        """Ctrl+E: a new bundle for a peer, written off the GUI thread behind a progress dialog."""
        if self.busy:
            return
        try:
            peer = self.choose_peer()
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc)
            return
        if peer is None:
            return
        own = settings.post_code()
        suggested = self.tr("数据包-{0}至{1}-第{2}号-{3:%Y%m%d}{4}").format(own, peer.code, peer.last_seq_out + 1,
                                                                        date.today(), sync.SUFFIX)
        path = self.ask_save_path(self.tr("导出数据包"), suggested, self.tr("TownDesk 数据交换包 (*{0})").format(
            sync.SUFFIX), sync.SUFFIX)
        if not path:
            return
        user, code = self.user, peer.code

        def work(report):
            return on_own_connection(lambda: sync.export_bundle(user, path, to=code, progress=report))

        self.busy = True
        self.worker = run_in_background(self, self.tr("正在导出给 {0} 的数据包……").format(peer_text(code, self.names)),
                                        work, self._exported, self._export_failed, progress=True)

    def _export_failed(self, exc: BaseException) -> None:
        self.busy = False
        show_problem(self, exc, self.tr("导出失败"))
        self.refresh()

    def _acked_text(self, peer) -> str:
        if not peer.last_seq_out:
            return "—"
        if peer.acked_out >= peer.last_seq_out:
            return self.tr("已确认到第 {0} 号").format(peer.acked_out)
        return self.tr("第 {0}–{1} 号待确认").format(peer.acked_out + 1, peer.last_seq_out)

    def _exported(self, result) -> None:
        self.busy = False
        self.refresh()
        text = self.tr("已导出给 {0}（{1}）的第 {2} 号数据包，共 {3:,} 条记录。\n\n文件：{4}\n\n"
                       "请把这个文件复制到U盘，带到 {1} 用“导入数据包…”导入。").format(
            result.peer, result.peer_name, result.seq, result.total, result.path)
        if result.unconfirmed:
            first, last = result.unconfirmed
            earlier = (self.tr("第 {0} 号").format(first) if first == last
                       else self.tr("第 {0}–{1} 号").format(first, last))
            text += self.tr("\n\n{0} 还没有确认收到此前的{1}数据包（可能还没导入，也可能丢失了），其中的记录这次一并发出，"
                            "不会丢。对方导入后导出一个数据包带回来，本站导入后即为确认。").format(result.peer_name, earlier)
        set_hint(self.status, self.tr("已导出第 {0} 号数据包（{1:,} 条记录）到 {2}").format(
            result.seq, result.total, result.path), "ok")
        QMessageBox.information(self, self.tr("导出完成"), text)

    # --- 导入 ----------------------------------------------------------------------------------------

    def import_bundle(self, path: str | None = None) -> None:
        """Ctrl+I: pick a bundle, show what it is and ask, then import it off the GUI thread and say what it did
        (or why it was refused — a file that cannot even be read is refused by the import too, so that the
        refusal is recorded like any other)."""
        if self.busy:
            return
        if not path:
            path = self.ask_open_path(self.tr("选择要导入的数据包"), self.tr(
                "TownDesk 数据交换包 (*{0});;所有文件 (*)").format(sync.SUFFIX))
        if not path:
            return
        path = Path(path)
        try:
            manifest = sync.read_manifest(path)
        except sync.BundleRefused:
            manifest = None
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc)
            return
        if manifest is not None:
            dialog = ImportConfirmDialog(manifest, path, settings.post_code(), sync.peers(), self)
            if not dialog.exec():
                return
        user = self.user

        def work(report):
            return on_own_connection(lambda: sync.import_bundle(user, path, progress=report))

        self.busy = True
        self.worker = run_in_background(self, self.tr("正在导入数据包 {0}……").format(path.name), work,
                                        self._imported, lambda exc: self._import_failed(exc, path), progress=True)

    def _import_failed(self, exc: BaseException, path: Path) -> None:
        self.busy = False
        self.refresh()
        if isinstance(exc, sync.BundleRefused):
            set_hint(self.status, self.tr("数据包 {0} 被拒绝：{1}").format(path.name, exc.reason), "error")
            ImportResultDialog(refused=exc.reason, file_name=path.name, parent=self).exec()
        else:
            show_problem(self, exc, self.tr("导入失败"))

    def _imported(self, result) -> None:
        self.busy = False
        self.refresh()
        totals = result.totals
        if result.status == "already":
            set_hint(self.status, self.tr("数据包 {0} 以前已导入过，未作改动。").format(result.path.name), "info")
        else:
            set_hint(self.status, self.tr("已导入 {0} 的第 {1} 号数据包：新增 {2:,}，更新 {3:,}，冲突 {4:,}。").format(
                result.source, result.seq, totals["inserted"], totals["updated"], totals["conflicts"]),
                "warn" if totals["conflicts"] else "ok")
        dialog = ImportResultDialog(result, parent=self)
        dialog.exec()
        if dialog.show_conflicts:
            self.show_conflicts()
