"""巡查日志详情: one patrol — when, where, who, what it saw — its findings with what each became (the linked
event, hazard, help request or dispute by number), and the premises it inspected. A finding remembered
later is added here (补记发现, the form's own finding editor); 打印巡查日志 prints the log."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QTabWidget, QVBoxLayout,
    QWidget,
)

from models import accounts
from models.accounts import User
from models.patrol import patrols
from models.patrol.tables import Finding, Inspection, PatrolLog
from ui.common import Column, RecordTableModel, local_time, shortcut, value_label
from ui.patrol.patrol_form import FindingDialog, small_table


def render_log(user: User, number: str):
    """The printable log (models/patrol/printing, imported when asked: it is written separately)."""
    from models.patrol import printing

    return printing.render(user, "patrol-log", number)


def display_name(username: str) -> str:
    user = accounts.get_user(username)
    return user.display_name if user else username


def target_text(finding: Finding) -> str:
    """"YH-DT00-20240501-0001（整改中）" — the record the finding became, with its status when it has one."""
    if not finding.target_number:
        return "—"
    target = patrols.target_of(finding)
    status = getattr(target, "status", "") if target is not None else ""
    return f"{finding.target_number}（{status}）" if status else finding.target_number


def handling_text(finding: Finding) -> str:
    """问题—处理措施—反馈结果, as the paper log writes it."""
    parts = [finding.problem, finding.measure or "（无）", finding.feedback or "（无）"]
    return "—".join(part.replace("\n", " ") for part in parts)


class PatrolDialog(QDialog):
    """One patrol. Opened for a PatrolLog the caller got through ``patrols.get_patrol``."""

    changed = Signal(object)   # the PatrolLog, read again after a finding was added

    def __init__(self, user: User, patrol: PatrolLog, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.patrol = patrol
        self.dialog = None
        self.preview = None
        self.setWindowTitle(self.tr("巡查日志 {0}").format(patrol.number))
        self.heading = QLabel()
        self.heading.setProperty("role", "title")
        self.heading.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.details = QGridLayout()
        self.details.setColumnStretch(1, 1)
        self.details.setColumnStretch(3, 1)
        self.details.setHorizontalSpacing(10)
        self.overview = QPlainTextEdit()
        self.overview.setReadOnly(True)
        self.overview.setTabChangesFocus(True)
        self.overview.setMaximumHeight(70)

        self.finding_model = RecordTableModel([
            Column(self.tr("处理方式"), lambda f: f.kind),
            Column(self.tr("问题类别"), lambda f: f.category),
            Column(self.tr("地点"), lambda f: f.place),
            Column(self.tr("转办编号"), target_text),
            Column(self.tr("问题—处理措施—反馈结果"), handling_text),
        ], self)
        self.finding_table = small_table(self.finding_model, 120)
        self.finding_text = QPlainTextEdit()
        self.finding_text.setReadOnly(True)
        self.finding_text.setTabChangesFocus(True)
        self.finding_text.setMaximumHeight(90)
        self.finding_table.selectionModel().currentRowChanged.connect(lambda *_: self._show_finding())

        self.inspection_model = RecordTableModel([
            Column(self.tr("场所"), lambda x: x.premises.name),
            Column(self.tr("类别"), lambda x: x.premises.kind + ("（重点）" if x.premises.key_venue else "")),
            Column(self.tr("地址"), lambda x: x.premises.address),
            Column(self.tr("检查结果"), lambda x: x.result),
            Column(self.tr("隐患"), self._hazard_numbers),
            Column(self.tr("检查情况"), lambda x: x.notes),
        ], self)
        self.inspection_table = small_table(self.inspection_model, 120)

        self.tabs = QTabWidget()
        finding_page = QWidget()
        finding_layout = QVBoxLayout(finding_page)
        finding_layout.addWidget(self.finding_table, 2)
        finding_layout.addWidget(self.finding_text, 1)
        inspection_page = QWidget()
        QVBoxLayout(inspection_page).addWidget(self.inspection_table)
        self.tabs.addTab(finding_page, "")
        self.tabs.addTab(inspection_page, "")

        self.add_button = QPushButton(self.tr("补记发现…"))
        self.add_button.setToolTip(self.tr("巡查后想起或接报的问题，补记到这次巡查（Ctrl+Shift+F）"))
        self.add_button.clicked.connect(self.add_finding)
        self.print_button = QPushButton(self.tr("打印巡查日志…"))
        self.print_button.clicked.connect(self.print_log)
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.accept)
        for button in (self.add_button, self.print_button, close):
            button.setAutoDefault(False)

        detail_box = QGroupBox(self.tr("巡查信息"))
        detail_outer = QVBoxLayout(detail_box)
        detail_outer.addLayout(self.details)
        detail_outer.addWidget(QLabel(self.tr("巡查情况：")))
        detail_outer.addWidget(self.overview)
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.add_button)
        bottom.addStretch(1)
        bottom.addWidget(self.print_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(detail_box)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        shortcut("Ctrl+Shift+F", self, self.add_finding, Qt.WindowShortcut)
        shortcut("Ctrl+P", self, self.print_log, Qt.WindowShortcut)
        self.resize(1100, 760)
        self.show_patrol(patrol)
        self.finding_table.setFocus()

    # --- showing -----------------------------------------------------------------------------------------

    def _hazard_numbers(self, inspection: Inspection) -> str:
        found = patrols.hazards_of_inspection(inspection)
        return "、".join(f"{h.number}（{h.category}）" for h in found) or "—"

    def show_patrol(self, patrol: PatrolLog) -> None:
        self.patrol = patrol
        self.heading.setText(f"{patrol.number}　{patrol.patrol_type}")
        self._show_details(patrol)
        self.overview.setPlainText(patrol.overview or self.tr("（未填写）"))
        found = patrols.findings(patrol)
        self.finding_model.set_rows(found)
        if found:
            self.finding_table.select_row(0)
        self._show_finding()
        inspected = patrols.inspections(patrol)
        self.inspection_model.set_rows(inspected)
        hazards = sum(len(patrols.hazards_of_inspection(x)) for x in inspected)
        self.tabs.setTabText(0, self.tr("发现的问题（{0} 条）").format(len(found)))
        self.tabs.setTabText(1, self.tr("检查场所（{0} 家，隐患 {1} 处）").format(len(inspected), hazards))
        self.tabs.setTabVisible(1, bool(inspected))

    def _show_details(self, p: PatrolLog) -> None:
        while self.details.count():
            item = self.details.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        grids = patrols.patrol_grids_of(p)
        others = self.tr("，其他人员 {0} 人").format(p.others) if p.others else ""
        rows = [
            (self.tr("巡查日期"), f"{p.patrol_date:%Y-%m-%d}　{p.shift}"),
            (self.tr("巡查时间"), patrols.local_times(p)),
            (self.tr("巡查类型"), p.patrol_type),
            (self.tr("巡查网格"), "、".join(f"{g.code} {g.name}" for g in grids) or "、".join(p.grid_codes)),
            (self.tr("地点/路线"), p.route),
            (self.tr("天气"), p.weather or "—"),
            (self.tr("带队人"), p.leader),
            (self.tr("人次"), self.tr("{0} 人次").format(p.person_times)),
            (self.tr("参加人员"), "、".join(p.participants) + others),
            (self.tr("登记"), f"{display_name(p.recorder)}　{local_time(p.created_at)}"),
        ]
        for index, (label, value) in enumerate(rows):
            row, column = divmod(index, 2)
            name = QLabel(label + "：")
            name.setAlignment(Qt.AlignRight | Qt.AlignTop)
            shown = value_label(value)
            shown.setWordWrap(True)
            self.details.addWidget(name, row, column * 2)
            self.details.addWidget(shown, row, column * 2 + 1)

    def _show_finding(self) -> None:
        finding = self.finding_table.selected()
        if finding is None:
            empty = not self.finding_model.rows
            self.finding_text.setPlainText(self.tr("这次巡查没有登记发现的问题。") if empty else "")
            return
        lines = [self.tr("问题：{0}").format(finding.problem),
                 self.tr("处理措施：{0}").format(finding.measure or "—"),
                 self.tr("反馈结果：{0}").format(finding.feedback or "—")]
        if finding.target_number:
            lines.append(self.tr("已转为{0}：{1}").format(finding.kind, target_text(finding)))
        self.finding_text.setPlainText("\n".join(lines))

    # --- actions -----------------------------------------------------------------------------------------

    def add_finding(self) -> FindingDialog:
        patrol = self.patrol
        self.dialog = FindingDialog(
            self.user, patrol.patrol_date, patrols.patrol_grids_of(patrol),
            submit=lambda entry: patrols.add_finding(self.user, patrol, entry),
            title=self.tr("补记发现（巡查 {0}）").format(patrol.number), parent=self)
        self.dialog.accepted.connect(self._finding_added)
        self.dialog.open()
        return self.dialog

    def _finding_added(self) -> None:
        fresh = patrols.get_patrol(self.user, self.patrol.number)
        self.show_patrol(fresh)
        self.finding_table.select_row(self.finding_model.rowCount() - 1)
        self.finding_table.setFocus()
        self.changed.emit(fresh)

    def print_log(self):
        from ui.printing import show_printable

        number = self.patrol.number
        self.preview = show_printable(self, self.user, lambda: render_log(self.user, number))
        return self.preview
