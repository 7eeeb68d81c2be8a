"""The dialogs of 数据交换: registering a village post, choosing whom to export for, what a bundle is before
importing it, what an import did (or why it was refused), and the per-table counts of a past exchange."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox, QDialog, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget,
)

from models import sync
from ui.common import (
    Column, FieldErrors, RecordTable, RecordTableModel, dialog_buttons, hint, local_time, notice, value_label,
)
from ui.sync.labels import COUNT_LABELS, table_label

RIGHT = Qt.AlignRight | Qt.AlignVCenter


def peer_text(code: str, names: dict[str, str]) -> str:
    """"DT01 打通村便民服务站", or the code alone for a peer this database does not know."""
    name = names.get(code, "")
    return f"{code} {name}" if name else code


def counts_table(counts: dict, incoming: bool, parent: QWidget) -> RecordTable:
    """A table of an exchange's counts: per table the records sent (`incoming` False: {table: n}) or what the
    import did with them ({table: {inserted, updated, …}}), in the catalogue's order, and a 合计 row."""
    order = {t: i for i, t in enumerate(t.name for t in sync_tables())}
    names = sorted(counts, key=lambda t: order.get(t, len(order)))
    total_label = parent.tr("合计")
    if incoming:
        rows = [(table_label(t), counts[t]) for t in names]
        totals = {k: sum(int((c or {}).get(k, 0)) for _t, c in rows) for k in sync.COUNT_KEYS}
        rows.append((total_label, totals))
        columns = [Column(parent.tr("数据表"), lambda r: r[0])]
        for key in sync.COUNT_KEYS:
            columns.append(Column(parent.tr(COUNT_LABELS[key]),
                                  lambda r, key=key: f"{int((r[1] or {}).get(key, 0)):,}", RIGHT))
    else:
        rows = [(table_label(t), counts[t]) for t in names]
        rows.append((total_label, sum(int(n) for _t, n in rows)))
        columns = [Column(parent.tr("数据表"), lambda r: r[0]), Column(parent.tr("记录数"), lambda r: f"{int(r[1]):,}",
                                                                       RIGHT)]
    model = RecordTableModel(columns, parent)
    model.set_rows(rows)
    view = RecordTable(model, select_on_focus=True)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeToContents)
    header.setSectionResizeMode(0, QHeaderView.Stretch)
    header.setStretchLastSection(False)
    view.setAccessibleName(parent.tr("各数据表的记录数"))
    fit_height(view)
    return view


def fit_height(view: RecordTable, most: int = 12) -> None:
    """As tall as its rows (no empty space under a short table); from `most` rows on it scrolls."""
    rows = view.model().rowCount()
    height = (view.horizontalHeader().sizeHint().height() + min(rows, most) * view.verticalHeader().defaultSectionSize()
              + 2 * view.frameWidth() + 2)
    if rows <= most:
        view.setFixedHeight(height)
    else:
        view.setMinimumHeight(height)


def sync_tables():
    from models.sync import catalog

    return catalog.tables()


def _grid(rows: list[tuple[str, QWidget | str]]) -> QGridLayout:
    grid = QGridLayout()
    grid.setHorizontalSpacing(12)
    grid.setVerticalSpacing(4)
    grid.setColumnStretch(1, 1)
    for number, (caption, value) in enumerate(rows):
        label = QLabel(caption + "：")
        label.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        widget = value_label(value, keyboard=False) if isinstance(value, str) else value
        if isinstance(widget, QLabel):
            widget.setWordWrap(True)
        grid.addWidget(label, number, 0, Qt.AlignTop)
        grid.addWidget(widget, number, 1)
    return grid


# --------------------------------------------------------------------------------------------
# 登记村站点 (on the hall)
# --------------------------------------------------------------------------------------------

class RegisterDialog(QDialog):
    """站点代码 and 站点名称 of a village post; 登记并保存登记文件… asks where to save the .tdkey (`ask_path`),
    registers the post (models check the fields) and writes the file. A refused registration leaves no file."""

    def __init__(self, user, ask_path, parent=None):
        super().__init__(parent)
        self.user = user
        self.ask_path = ask_path
        self.saved_path: Path | None = None
        self.peer_code = ""
        self.setWindowTitle(self.tr("登记村站点"))
        self.code = QLineEdit()
        self.code.setPlaceholderText(self.tr("如 DT01"))
        self.code.setMaxLength(8)
        self.code.setAccessibleName(self.tr("站点代码"))
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("如 打通村便民服务站"))
        self.name.setMaxLength(64)
        self.name.setAccessibleName(self.tr("站点名称"))
        code_label = QLabel(self.tr("站点代码(&C)："))
        code_label.setBuddy(self.code)
        name_label = QLabel(self.tr("站点名称(&M)："))
        name_label.setBuddy(self.name)
        form = QGridLayout()
        form.setColumnStretch(1, 1)
        form.addWidget(code_label, 0, 0)
        form.addWidget(self.code, 0, 1)
        form.addWidget(hint(self.tr("该村便民服务站在设置向导中填写的站点代码（2～8位大写字母或数字），"
                                    "必须与它的数据库一致。")), 1, 1)
        form.addWidget(name_label, 2, 0)
        form.addWidget(self.name, 2, 1)
        self.warning = notice(self.tr(
            "登记文件（.tdkey）中含有本中心与该站点交换数据用的密钥，谁拿到它就能冒充该站点。"
            "请把它保存到U盘，由专人带到村便民服务站，在那里用“导入登记文件…”导入；"
            "不要通过微信、QQ 或电子邮件发送。导入后请把文件从U盘中删除。"), "warn")
        self.error = QLabel()
        self.errors = FieldErrors(self.error, {"站点代码": self.code, "站点名称": self.name})
        box, self.ok, _cancel = dialog_buttons(self, self.tr("登记并保存登记文件(&S)…"), self.register)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.warning)
        layout.addWidget(self.error)
        layout.addWidget(box)
        self.resize(560, self.sizeHint().height())

    def register(self) -> None:
        code = self.code.text().strip().upper()
        path = self.ask_path(code)
        if not path:
            return
        path = Path(path)
        try:
            handle = open(path, "wb")
        except OSError as exc:
            from models.errors import TownDeskError

            self.errors.show(TownDeskError(self.tr("无法写入文件 {0}：{1}").format(path, exc.strerror or exc)))
            return
        with handle:
            ok, data = self.errors.attempt(self, lambda: sync.register_post(self.user, code, self.name.text()))
            if ok:
                handle.write(data)
        if not ok:
            path.unlink(missing_ok=True)
            return
        self.saved_path, self.peer_code = path, code
        self.accept()


# --------------------------------------------------------------------------------------------
# 导出: whom for
# --------------------------------------------------------------------------------------------

class ChoosePeerDialog(QDialog):
    """Several peers registered (the hall): which one the bundle is for."""

    def __init__(self, peers: list, selected: str | None, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("导出数据包"))
        self.combo = QComboBox()
        for peer in peers:
            self.combo.addItem(self.tr("{0} {1}（已发出到第 {2} 号）").format(peer.code, peer.name, peer.last_seq_out),
                               peer.code)
        if selected:
            self.combo.setCurrentIndex(max(0, self.combo.findData(selected)))
        label = QLabel(self.tr("发给哪个站点(&T)："))
        label.setBuddy(self.combo)
        box, _ok, _cancel = dialog_buttons(self, self.tr("下一步(&N)…"))
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.combo)
        layout.addWidget(hint(self.tr("数据包只包含所选站点还没有的新增和修改的记录，只有该站点能导入。")))
        layout.addWidget(box)
        self.resize(460, self.sizeHint().height())

    @property
    def code(self) -> str:
        return self.combo.currentData()


# --------------------------------------------------------------------------------------------
# 导入: what the file is, then what happened
# --------------------------------------------------------------------------------------------

class ImportConfirmDialog(QDialog):
    """What a bundle says it is (its manifest, unchecked): from whom, for whom, which number, when, what; the
    problems visible already; 导入 or 取消."""

    def __init__(self, manifest, path: Path, own_code: str, peers: list, parent=None):
        super().__init__(parent)
        self.manifest = manifest
        self.setWindowTitle(self.tr("导入数据包"))
        known = {p.code: p for p in peers}
        source = known.get(manifest.source)
        source_text = f"{manifest.source} {manifest.source_name or (source.name if source else '')}".strip()
        target_text = manifest.target + (self.tr("（本站点）") if manifest.target == own_code else "")
        seq_text = self.tr("第 {0} 号").format(manifest.seq)
        if source is not None:
            seq_text += self.tr("（此前已从该站点导入到第 {0} 号）").format(source.last_seq_in)
        if manifest.since is None:
            span = self.tr("首次交换：对方尚未发给本站点的全部记录")
        else:
            span = self.tr("{0} 之后新增或修改的记录").format(local_time(manifest.since))
        rows = [
            (self.tr("文件"), path.name),
            (self.tr("来自"), source_text),
            (self.tr("发给"), target_text),
            (self.tr("序号"), seq_text),
            (self.tr("导出时间"), local_time(manifest.created_at, "—")),
            (self.tr("导出人"), manifest.created_by or "—"),
            (self.tr("数据范围"), span),
            (self.tr("程序版本"), self.tr("TownDesk {0}，数据结构第 {1} 版").format(
                manifest.app_version or "—", manifest.schema_version)),
        ]
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("导入前请核对：这个数据包是不是要导入的那一个？"))
        title.setProperty("role", "heading")
        layout.addWidget(title)
        layout.addLayout(_grid(rows))
        self.problems = []
        if manifest.target != own_code:
            self.problems.append(self.tr("这个数据包是发给站点 {0} 的，本机是 {1}：导入会被拒绝。").format(
                manifest.target, own_code))
        if source is None:
            self.problems.append(self.tr("来源站点 {0} 尚未在本机登记：导入会被拒绝。").format(manifest.source))
        elif manifest.seq <= source.last_seq_in:
            self.problems.append(self.tr("本机已从 {0} 导入到第 {1} 号：这个数据包已导入过或是旧的，"
                                         "不会改动任何数据。").format(source.code, source.last_seq_in))
        for text in self.problems:
            layout.addWidget(notice(text, "warn"))
        caption = QLabel(self.tr("包含的记录（共 {0:,} 条）：").format(manifest.total))
        layout.addWidget(caption)
        if manifest.counts:
            self.table = counts_table(manifest.counts, False, self)
            layout.addWidget(self.table, 1)
        else:
            self.table = None
            layout.addWidget(hint(self.tr("这个数据包不含记录：对方没有本站点尚未收到的新增或修改。")))
        layout.addWidget(hint(self.tr(
            "导入时会先核对签名和每个文件：被改动、不完整或不是发给本站点的数据包会被拒绝，不写入任何数据。"
            "双方都修改过的记录不会被覆盖，而是列为“冲突”，由您逐条决定。")))
        box, self.ok, self.cancel = dialog_buttons(self, self.tr("导入(&I)"))
        layout.addWidget(box)
        self.ok.setFocus()
        self.resize(660, self.sizeHint().height())


class ImportResultDialog(QDialog):
    """What an import did, per table — or, refused, why (nothing was written)."""

    def __init__(self, result=None, refused: str = "", file_name: str = "", source: str = "", parent=None):
        super().__init__(parent)
        self.result = result
        self.show_conflicts = False
        layout = QVBoxLayout(self)
        heading = QLabel()
        heading.setProperty("role", "heading")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.heading = heading
        self.table = None
        self.conflicts_button = None
        if refused:
            self.setWindowTitle(self.tr("数据包被拒绝"))
            heading.setText(self.tr("“{0}”被拒绝，未导入").format(file_name))
            self.reason = notice(refused, "warn")
            self.reason.setTextInteractionFlags(Qt.TextSelectableByMouse)
            layout.addWidget(QLabel(self.tr("原因：")))
            layout.addWidget(self.reason)
            layout.addWidget(hint(self.tr("本机没有写入任何数据。这次拒绝已记入“交换记录”和操作日志。")))
            box, self.ok, cancel = dialog_buttons(self, self.tr("关闭"))
            cancel.hide()
            layout.addWidget(box)
            self.ok.setFocus()
            self.resize(600, self.sizeHint().height())
            return
        self.reason = None
        who = f"{result.source} {result.source_name}".strip()
        if result.status == "already":
            self.setWindowTitle(self.tr("已导入过"))
            heading.setText(self.tr("{0} 的第 {1} 号数据包以前已经导入过，这次未作任何改动。").format(who, result.seq))
            box, self.ok, cancel = dialog_buttons(self, self.tr("关闭"))
            cancel.hide()
            layout.addWidget(box)
            self.ok.setFocus()
            self.resize(600, self.sizeHint().height())
            return
        totals = result.totals
        self.setWindowTitle(self.tr("导入完成"))
        heading.setText(self.tr("已导入 {0} 的第 {1} 号数据包：新增 {2:,} 条，更新 {3:,} 条，冲突 {4:,} 条").format(
            who, result.seq, totals["inserted"], totals["updated"], totals["conflicts"]))
        if result.counts:
            self.table = counts_table(result.counts, True, self)
            layout.addWidget(self.table, 1)
        else:
            layout.addWidget(hint(self.tr("数据包中没有记录。")))
        layout.addWidget(hint(self.tr(
            "未变：与本机相同；合并：双方各自预置的相同参考数据；旧版本忽略：比本机已有的更旧，不会覆盖新数据；"
            "以镇中心为准：同一条冲突双方都处理过，以镇便民服务中心的处理为准；"
            "冲突：双方都修改过，两边都保留着。")))
        box, self.ok, cancel = dialog_buttons(self, self.tr("关闭"))
        cancel.hide()
        if totals["conflicts"]:
            layout.addWidget(notice(self.tr(
                "有 {0:,} 条记录双方都修改过：本机的版本没有被覆盖。请到“冲突”页逐条比较两个版本，决定保留哪一个。"
            ).format(totals["conflicts"]), "warn"))
            self.conflicts_button = QPushButton(self.tr("去处理冲突(&C)"))
            self.conflicts_button.setAutoDefault(False)
            self.conflicts_button.clicked.connect(self._to_conflicts)
            row = QHBoxLayout()
            row.addWidget(self.conflicts_button)
            row.addStretch(1)
            row.addWidget(box)
            layout.addLayout(row)
        else:
            layout.addWidget(box)
        self.ok.setFocus()
        self.resize(820, self.sizeHint().height())

    def _to_conflicts(self) -> None:
        self.show_conflicts = True
        self.accept()


class ExchangeDialog(QDialog):
    """One row of the history in full: its counts per table, or why it was refused."""

    def __init__(self, exchange, names: dict[str, str], who: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("交换记录"))
        layout = QVBoxLayout(self)
        rows = [
            (self.tr("方向"), exchange.direction_name),
            (self.tr("对方站点"), peer_text(exchange.peer, names) or "—"),
            (self.tr("序号"), self.tr("第 {0} 号").format(exchange.seq) if exchange.seq is not None else "—"),
            (self.tr("文件"), exchange.file_name or "—"),
            (self.tr("状态"), exchange.status_name),
            (self.tr("操作人"), who),
            (self.tr("时间"), local_time(exchange.at)),
        ]
        if exchange.reason:
            rows.append((self.tr("说明"), exchange.reason))
        layout.addLayout(_grid(rows))
        self.table = None
        if exchange.counts:
            self.table = counts_table(exchange.counts, exchange.direction == "in", self)
            layout.addWidget(self.table, 1)
        box, ok, cancel = dialog_buttons(self, self.tr("关闭"))
        cancel.hide()
        layout.addWidget(box)
        ok.setFocus()
        self.resize(780 if exchange.direction == "in" else 560, self.sizeHint().height())
