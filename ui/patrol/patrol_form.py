"""巡查登记: a grid worker writes up a patrol — often at night, on a laptop — when, where, who went, what the
patrol saw, and each finding: resolved on the spot, or handed on as an event (SJ-), a hazard (YH-), a help
request (QZ-) or a dispute for the mediation centre (TJ-). An inspection patrol (消防安全检查, 重点场所检查)
also lists each premises visited with its result and the hazards found there.

A finding is written up in a FindingDialog, which shows only the fields of the chosen 处理方式; nothing is
checked until 保存 (Ctrl+S): ``patrols.log_patrol`` validates the whole patrol and writes it, with every
record its findings become, in one transaction. An error names its field and puts the cursor there; an
error inside a finding or an inspected premises selects its row (Enter opens it with the cursor in the
field). Nothing typed is lost on an error.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from typing import Callable, Sequence

from PySide6.QtCore import QDate, QEvent, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton, QScrollArea, QSpinBox, QTimeEdit,
    QVBoxLayout, QWidget,
)

from models import codes
from models.accounts import User
from models.db import utcnow
from models.errors import TownDeskError
from models.mediation.disputes import DisputeEntry, PartyEntry
from models.mediation.tables import DISPUTE_TYPES, SIDES
from models.patrol import grids, patrols, premises
from models.patrol.events import EventEntry
from models.patrol.hazards import HazardEntry
from models.patrol.helps import HelpEntry
from models.patrol.patrols import HAZARD_RESULTS, FindingEntry, InspectionEntry, PatrolEntry
from models.patrol.tables import (
    DAY_SHIFT, DISPUTE, EVENT, EVENT_DAYS, EVENT_SCALES, FINDING_CATEGORIES, FINDING_KINDS, HAZARD,
    HAZARD_CATEGORIES, HAZARD_LEVELS, HELP, HELP_CLOSINGS, HELP_TYPES, INSPECTION_RESULTS, INSPECTION_TYPES,
    NIGHT_SHIFT, ON_SPOT, PATROL_TYPES, SHIFTS, WEATHER, Grid, Premises,
)
from ui.common import (
    Column, FieldErrors, RecordTable, RecordTableModel, ask, dialog_buttons, hint, notice, paint_hint, set_hint,
    shortcut,
)
from ui.hall.pickers import PartyPicker
from ui.mediation.register import DayEdit, one_line_hint, party_phone, set_tab_order

ENTER_KEYS = (Qt.Key_Return, Qt.Key_Enter)
NAME_SEPARATORS = re.compile(r"[、，,；;\s]+")
FINDING_PREFIX = re.compile(r"^第 ?(\d+) ?条发现的?")
DAY_TIMES = (QTime(9, 0), QTime(11, 30))
NIGHT_TIMES = (QTime(20, 0), QTime(0, 0))
DAY_TYPE, NIGHT_TYPE = "日常巡查", "夜间巡逻"
HAZARD_DAYS = 3                   # a hazard's default deadline: found + 3 days

KIND_HINTS = {
    ON_SPOT: "当场已处理完毕：请在“处理措施”中写明如何处理的。",
    EVENT: "保存巡查时上报为事件（SJ-），由网格长受理、分派，按期办结。",
    HAZARD: "保存巡查时登记为隐患（YH-），限期整改，到期复查销号。",
    HELP: "保存巡查时登记为群众求助（QZ-）；当场解决的勾选“当场办结”。",
    DISPUTE: "保存巡查时移交镇矛盾纠纷调解中心（TJ-），状态为“待受理”。",
}


def split_names(text: str) -> list[str]:
    """"陈大勇、李明, 王芳" → ["陈大勇", "李明", "王芳"]."""
    return [name for name in NAME_SEPARATORS.split(text or "") if name]


def fill_combo(combo: QComboBox, items: Sequence[str], first: str | None = None) -> None:
    """The items (text = data), after an optional "请选择…" (data "")."""
    combo.clear()
    if first is not None:
        combo.addItem(first, "")
    for item in items:
        combo.addItem(item, item)


def choose(combo: QComboBox, value) -> None:
    """Select the item whose data is `value`; a value no longer in the list is added (a retired code)."""
    index = combo.findData(value)
    if index < 0 and value:
        combo.addItem(str(value), value)
        index = combo.count() - 1
    combo.setCurrentIndex(max(index, 0))


def plain(text: str | None = None, placeholder: str = "", height: int = 60) -> QPlainTextEdit:
    edit = QPlainTextEdit(text or "")
    edit.setTabChangesFocus(True)
    edit.setPlaceholderText(placeholder)
    edit.setMinimumHeight(height)
    return edit


def line(placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    return edit


def small_table(model: RecordTableModel, height: int = 110) -> RecordTable:
    table = RecordTable(model, select_on_focus=True)
    table.setMinimumHeight(height)
    table.verticalHeader().setDefaultSectionSize(26)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeToContents)
    header.setStretchLastSection(True)
    return table


def row_of(*widgets, stretch_first: bool = False) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    for index, widget in enumerate(widgets):
        if isinstance(widget, str):
            row.addWidget(QLabel(widget))
        else:
            row.addWidget(widget, 1 if stretch_first and index == 0 else 0)
    if not stretch_first:
        row.addStretch(1)
    return row


class TimeEdit(QTimeEdit):
    """HH:mm that Tab leaves at once (← → move between hour and minute)."""

    def __init__(self, time: QTime | None = None, parent: QWidget | None = None):
        super().__init__(time or QTime(0, 0), parent)
        self.setDisplayFormat("HH:mm")

    def focusNextPrevChild(self, next_: bool) -> bool:  # noqa: N802 (Qt's name)
        return QWidget.focusNextPrevChild(self, next_)


def duration_text(start: QTime, end: QTime) -> tuple[str, str]:
    """(hint, kind) for a patrol's times: its length, and that an end before the start means after midnight."""
    minutes = start.secsTo(end) // 60
    if minutes == 0:
        return "结束时间不能与开始时间相同。", "error"
    overnight = minutes < 0
    if overnight:
        minutes += 24 * 60
    length = f"{minutes // 60} 小时" + (f" {minutes % 60} 分" if minutes % 60 else "")
    if overnight:
        return f"结束时间早于开始时间：按次日 {end.toString('HH:mm')} 结束计，共 {length}。", "warn"
    return f"共 {length}。", "info"


def normalised_field(field: str) -> str:
    """"第 2 条发现的问题类别" → "问题类别" (the dialog's own name for the field)."""
    return FINDING_PREFIX.sub("", field or "")


# --------------------------------------------------------------------------------------------------
# A hazard's fields (a finding's hazard, or one found at an inspected premises)
# --------------------------------------------------------------------------------------------------

class HazardFields(QWidget):
    """隐患类别, 等级, 整改要求, 整改责任人 and phone, 整改期限 (default: found + 3 days). On an inspection the
    hazard also has its own description and place (the place defaults to the premises' address)."""

    def __init__(self, found_on: date, with_description: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.found_on = found_on
        self.category = QComboBox()
        fill_combo(self.category, codes.names(HAZARD_CATEGORIES), self.tr("请选择隐患类别"))
        self.level = QComboBox()
        fill_combo(self.level, HAZARD_LEVELS)
        self.description = plain(placeholder=self.tr("如 两具灭火器压力不足，已过有效期"), height=50) \
            if with_description else None
        self.place = line(self.tr("不填则为场所地址")) if with_description else None
        self.requirement = line(self.tr("如 三日内清理后门消防通道的纸箱杂物"))
        self.responsible = line(self.tr("单位或个人，如 王老板（便民超市）"))
        self.phone = line(self.tr("手机或固定电话，可不填"))
        self.deadline = DayEdit(QDate(found_on + timedelta(days=HAZARD_DAYS)))
        self.deadline_hint = hint()
        self.deadline.dateChanged.connect(self._deadline_changed)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        form.addRow(self.tr("隐患类别 *"), self.category)
        form.addRow(self.tr("隐患等级"), self.level)
        if with_description:
            form.addRow(self.tr("隐患描述 *"), self.description)
            form.addRow(self.tr("隐患地点"), self.place)
        form.addRow(self.tr("整改要求 *"), self.requirement)
        form.addRow(self.tr("整改责任人 *"), self.responsible)
        form.addRow(self.tr("责任人电话"), self.phone)
        form.addRow(self.tr("整改期限 *"), row_of(self.deadline, self.deadline_hint))
        self._deadline_changed()

    def _deadline_changed(self, *_args) -> None:
        days = (self.deadline.date().toPython() - self.found_on).days
        self.deadline_hint.setText(self.tr("发现后 {0} 天").format(days) if days >= 0 else self.tr("早于发现日期"))

    def widgets(self) -> list[QWidget]:
        middle = [self.description, self.place] if self.description is not None else []
        return [self.category, self.level, *middle, self.requirement, self.responsible, self.phone, self.deadline]

    def error_fields(self) -> dict[str, QWidget]:
        fields = {"隐患类别": self.category, "隐患等级": self.level, "整改要求": self.requirement,
                  "整改责任人": self.responsible, "责任人电话": self.phone, "整改期限": self.deadline}
        if self.description is not None:
            fields.update({"隐患描述": self.description, "隐患地点": self.place})
        return fields

    def entry(self) -> HazardEntry:
        return HazardEntry(
            category=self.category.currentData() or "", requirement=self.requirement.text(),
            responsible=self.responsible.text(), deadline=self.deadline.date().toPython(),
            description=self.description.toPlainText() if self.description is not None else "",
            place=self.place.text() if self.place is not None else "", level=self.level.currentData(),
            responsible_phone=self.phone.text())

    def load(self, entry: HazardEntry) -> None:
        choose(self.category, entry.category)
        choose(self.level, entry.level)
        self.requirement.setText(entry.requirement)
        self.responsible.setText(entry.responsible)
        self.phone.setText(entry.responsible_phone)
        if entry.deadline:
            self.deadline.setDate(QDate(entry.deadline))
        if self.description is not None:
            self.description.setPlainText(entry.description)
            self.place.setText(entry.place)


# --------------------------------------------------------------------------------------------------
# One finding
# --------------------------------------------------------------------------------------------------

def finding_outcome(entry: FindingEntry) -> str:
    """What the finding becomes, in a few words (the form's table)."""
    if entry.kind == EVENT and entry.event is not None:
        return f"事件：{entry.event.title}（{entry.event.scale}）"
    if entry.kind == HAZARD and entry.hazard is not None:
        due = f"，限 {entry.hazard.deadline:%m-%d} 前整改" if entry.hazard.deadline else ""
        return f"隐患：{entry.hazard.category}{due}"
    if entry.kind == HELP and entry.help is not None:
        who = entry.help.requester or (entry.help.person.name if entry.help.person else "")
        return f"求助：{who}（{entry.help.help_type}）" + ("，当场办结" if entry.help.closing else "")
    if entry.kind == DISPUTE and entry.dispute is not None:
        sides = ["、".join(p.record.name for p in entry.dispute.parties if p.side == side) for side in SIDES]
        return f"移交调解：{sides[0] or '？'} 与 {sides[1] or '？'}"
    return "当场处理"


class FindingDialog(QDialog):
    """One finding: 处理方式 first (the dialog shows only that kind's fields), then what was found and done.

    Without `submit` it only builds the FindingEntry (the patrol form checks everything when the patrol is
    saved); with `submit` (补记发现 on a saved patrol) OK runs it and keeps the dialog open on an error.
    """

    def __init__(self, user: User, found_on: date, grid_choices: Sequence[Grid] = (),
                 entry: FindingEntry | None = None, submit: Callable[[FindingEntry], object] | None = None,
                 title: str = "", error: TownDeskError | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.found_on = found_on
        self.submit = submit
        self.result_value = None
        self.setWindowTitle(title or self.tr("添加发现"))

        # --- what and where ------------------------------------------------------------------------
        self.kind = QComboBox()
        for kind in FINDING_KINDS:
            self.kind.addItem(kind, kind)
        self.kind_hint = hint()
        self.category = QComboBox()
        fill_combo(self.category, codes.names(FINDING_CATEGORIES), self.tr("请选择问题类别"))
        self.place = line(self.tr("如 正街便民超市后门"))
        self.problem = plain(placeholder=self.tr("看到了什么问题，如 后门消防通道堆放大量纸箱"), height=70)
        self.measure = plain(placeholder=self.tr("当场采取的措施，如 当场告知业主，要求清理"), height=60)
        self.feedback = line(self.tr("处理后的结果，如 业主已清理一半，承诺明早清完"))
        self.grid = QComboBox()
        for grid in grid_choices:
            self.grid.addItem(f"{grid.code}　{grid.name}", grid)
        common = QGroupBox(self.tr("发现的问题"))
        self.common_form = QFormLayout(common)
        self.common_form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.common_form.addRow(self.tr("问题类别 *"), self.category)
        self.common_form.addRow(self.tr("地点 *"), self.place)
        self.common_form.addRow(self.tr("问题 *"), self.problem)
        self.common_form.addRow(self.tr("处理措施"), self.measure)
        self.common_form.addRow(self.tr("反馈结果"), self.feedback)
        self.common_form.addRow(self.tr("所属网格"), self.grid)
        self.common_form.setRowVisible(self.grid, len(grid_choices) > 1)

        # --- 事件 -----------------------------------------------------------------------------------
        self.event_title = line(self.tr("如 正街烧烤摊占道经营"))
        self.event_scale = QComboBox()
        fill_combo(self.event_scale, EVENT_SCALES)
        self.event_people = QSpinBox()
        self.event_people.setRange(0, 100000)
        self.event_people.setSuffix(self.tr(" 人"))
        self.event_party = line(self.tr("姓名或单位，如 张某（烧烤摊主）"))
        self.event_due = DayEdit(QDate(found_on + timedelta(days=EVENT_DAYS[EVENT_SCALES[0]])))
        self.event_scale.currentIndexChanged.connect(self._scale_changed)
        self.event_box = QGroupBox(self.tr("事件"))
        form = QFormLayout(self.event_box)
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        form.addRow(self.tr("事件名称 *"), self.event_title)
        form.addRow(self.tr("规模"), self.event_scale)
        form.addRow(self.tr("涉及人数"), self.event_people)
        form.addRow(self.tr("当事人"), self.event_party)
        form.addRow(self.tr("办结期限"), self.event_due)
        form.addRow("", hint(self.tr("一般事件 7 天、较大 3 天、重大 1 天内办结；改规模会重算期限。")))

        # --- 隐患 -----------------------------------------------------------------------------------
        self.hazard_fields = HazardFields(found_on)
        self.hazard_box = QGroupBox(self.tr("隐患（地点、描述即上面的地点和问题）"))
        QVBoxLayout(self.hazard_box).addWidget(self.hazard_fields)

        # --- 群众求助 ---------------------------------------------------------------------------------
        self.requester = line(self.tr("求助人姓名；人员库中有的可在下面查找选取"))
        self.requester.textEdited.connect(self._requester_edited)
        self.help_picker = PartyPicker(user, organisations=False)
        self.help_picker.chosen.connect(self._requester_chosen)
        self.help_phone = line(self.tr("手机或固定电话"))
        self.help_type = QComboBox()
        fill_combo(self.help_type, codes.names(HELP_TYPES), self.tr("请选择求助类别"))
        self.closed_now = QCheckBox(self.tr("当场办结"))
        self.closing = QComboBox()
        fill_combo(self.closing, HELP_CLOSINGS)
        self.closing_result = line(self.tr("如 已送老人回家并告知家属"))
        self.closed_now.toggled.connect(self._closed_toggled)
        self.help_box = QGroupBox(self.tr("群众求助"))
        form = QFormLayout(self.help_box)
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        form.addRow(self.tr("求助人 *"), self.requester)
        form.addRow(self.tr("从人员库选取"), self.help_picker)
        form.addRow(self.tr("电话"), self.help_phone)
        form.addRow(self.tr("求助类别 *"), self.help_type)
        form.addRow("", self.closed_now)
        form.addRow(self.tr("办结方式"), self.closing)
        form.addRow(self.tr("办结情况"), self.closing_result)
        form.addRow("", hint(self.tr("求助事项即上面的“问题”。")))

        # --- 矛盾纠纷 ---------------------------------------------------------------------------------
        self.parties: list[PartyEntry] = []
        self.dispute_type = QComboBox()
        fill_combo(self.dispute_type, codes.names(DISPUTE_TYPES), self.tr("请选择纠纷类型"))
        self.party_picker = PartyPicker(user)
        self.party_picker.chosen.connect(self._party_chosen)
        self.side = QComboBox()
        for side in SIDES:
            self.side.addItem(side, side)
        self.add_party_button = QPushButton(self.tr("加入当事人"))
        self.add_party_button.clicked.connect(self.add_party)
        self.remove_party_button = QPushButton(self.tr("移除"))
        self.remove_party_button.clicked.connect(self.remove_party)
        self.party_model = RecordTableModel([
            Column(self.tr("身份"), lambda p: p.side),
            Column(self.tr("姓名/名称"), lambda p: p.record.name),
            Column(self.tr("联系电话"), party_phone),
        ], self)
        self.party_table = small_table(self.party_model, 80)
        self.party_table.verticalHeader().setVisible(False)
        self.party_table.setFixedHeight(112)      # three parties in view; more scroll
        self.party_status = hint()
        self.facts = plain(placeholder=self.tr("起因、经过和双方的主要分歧，至少 10 个字（调解中心据此了解情况）"),
                           height=60)
        self.village = line(self.tr("纠纷发生地，如 打通村"))
        self.dispute_box = QGroupBox(self.tr("移交调解的纠纷"))
        form = QFormLayout(self.dispute_box)
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        form.addRow(self.tr("纠纷类型 *"), self.dispute_type)
        form.addRow(self.tr("查找当事人 *"), self.party_picker)
        form.addRow(self.tr("身份"), row_of(self.side, self.add_party_button, self.remove_party_button))
        form.addRow("", self.party_table)
        form.addRow("", self.party_status)
        form.addRow(self.tr("纠纷简要情况 *"), self.facts)
        form.addRow(self.tr("所在村（社区）"), self.village)

        self.on_spot_note = notice(self.tr("当场处理的发现只记在巡查日志中，不另行登记。"
                                           "请在“处理措施”中写明如何处理（必填）。"), "info")

        # --- errors, buttons, layout -------------------------------------------------------------------
        self.error_label = QLabel()
        self.errors = FieldErrors(self.error_label, {})
        ok_text = self.tr("保存发现") if submit else self.tr("确定")
        box, self.ok_button, _cancel = dialog_buttons(self, ok_text, self.save)
        for button in (self.add_party_button, self.remove_party_button):
            button.setAutoDefault(False)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("处理方式 *")))
        top.addWidget(self.kind)
        top.addSpacing(12)
        top.addWidget(self.kind_hint, 1)
        right = QVBoxLayout()
        for widget in (self.on_spot_note, self.event_box, self.hazard_box, self.help_box, self.dispute_box):
            right.addWidget(widget)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addWidget(common, 1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(columns, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(paint_hint(QLabel(self.tr("Tab 到下一项　Ctrl+Enter 确定　Esc 取消"))))
        layout.addWidget(box)

        set_tab_order([
            self.kind, self.category, self.place, self.problem, self.measure, self.feedback, self.grid,
            self.event_title, self.event_scale, self.event_people, self.event_party, self.event_due,
            *self.hazard_fields.widgets(),
            self.requester, self.help_picker.edit, self.help_picker.results, self.help_phone, self.help_type,
            self.closed_now, self.closing, self.closing_result,
            self.dispute_type, self.party_picker.edit, self.party_picker.results, self.side, self.add_party_button,
            self.party_table, self.remove_party_button, self.facts, self.village, self.ok_button,
        ])
        for keys_text in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut(keys_text, self, self.save, Qt.WindowShortcut)
        # Enter in a picker searches and picks; it must never reach the dialog's default button
        for watched in (self.party_picker.edit, self.help_picker.edit, self.side):
            watched.installEventFilter(self)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        if entry is not None:
            self.load(entry)
        self._kind_changed()
        self._closed_toggled(self.closed_now.isChecked())
        self._show_parties()
        self.resize(1060, 620)
        self.kind.setFocus()
        if error is not None:
            self.show_error(error)

    def keyPressEvent(self, event):  # noqa: N802 (Qt's name)
        """Enter in a field moves on (a finding is long: Enter must not end it half-written); Ctrl+Enter is OK."""
        if event.key() in ENTER_KEYS and not event.modifiers() & (Qt.ControlModifier | Qt.AltModifier):
            self.focusNextChild()
            return
        super().keyPressEvent(event)

    # --- reacting -------------------------------------------------------------------------------------

    def kind_value(self) -> str:
        return self.kind.currentData()

    def _kind_changed(self, *_args) -> None:
        kind = self.kind_value()
        self.kind_hint.setText(self.tr(KIND_HINTS[kind]))
        self.on_spot_note.setVisible(kind == ON_SPOT)
        self.event_box.setVisible(kind == EVENT)
        self.hazard_box.setVisible(kind == HAZARD)
        self.help_box.setVisible(kind == HELP)
        self.dispute_box.setVisible(kind == DISPUTE)
        self.common_form.labelForField(self.measure).setText(
            self.tr("处理措施 *") if kind == ON_SPOT else self.tr("处理措施"))
        if kind == DISPUTE and not self.facts.toPlainText().strip():
            self.facts.setPlainText(self.problem.toPlainText().strip())
        if kind == EVENT and not self.event_title.text().strip():
            self.event_title.setText(self.problem.toPlainText().strip()[:30])
        if kind == DISPUTE and self.category.currentData() == "":
            choose(self.category, "矛盾纠纷" if self.category.findData("矛盾纠纷") >= 0 else "")

    def _scale_changed(self, *_args) -> None:
        days = EVENT_DAYS.get(self.event_scale.currentData(), 7)
        self.event_due.setDate(QDate(self.found_on + timedelta(days=days)))

    def _closed_toggled(self, closed: bool) -> None:
        self.closing.setEnabled(closed)
        self.closing_result.setEnabled(closed)

    def _requester_chosen(self, person) -> None:
        if person is None:
            return
        self.requester.setText(person.name)
        if not self.help_phone.text().strip() and person.phone:
            self.help_phone.setText(person.phone)

    def _requester_edited(self, text: str) -> None:
        record = self.help_picker.record
        if record is not None and text.strip() != record.name:   # someone else: no longer the registry's person
            self.help_picker.set_record(None)

    def _party_chosen(self, record) -> None:
        if record is not None and not self.village.text() and getattr(record, "village", ""):
            self.village.setText(record.village)

    def eventFilter(self, obj, event):  # noqa: N802 (Qt's name)
        if (event.type() == QEvent.KeyPress and event.key() in ENTER_KEYS
                and not event.modifiers() & (Qt.ControlModifier | Qt.AltModifier)):
            if obj is self.side:
                if not self.side.view().isVisible():
                    self.add_party()
                    return True
            elif obj is self.party_picker.edit and not obj.text().strip():
                if self.party_picker.record is not None:
                    self.add_party()
                else:
                    self.facts.setFocus(Qt.TabFocusReason)
                return True
            elif obj in (self.party_picker.edit, self.help_picker.edit):
                picker = self.party_picker if obj is self.party_picker.edit else self.help_picker
                picker.eventFilter(obj, event)   # search and pick the first match
                return True
        return super().eventFilter(obj, event)

    # --- parties of a dispute ---------------------------------------------------------------------------

    def add_party(self) -> PartyEntry | None:
        record = self.party_picker.record
        self.errors.clear()
        if record is None:
            self.error_label.setText(self.tr("请先在“查找当事人”中输入证件号码、姓名或电话，按 Enter 选中当事人。"))
            self.error_label.show()
            self.party_picker.edit.setFocus()
            return None
        if any(p.record.uid == record.uid for p in self.parties):
            self.error_label.setText(self.tr("“{0}”已在当事人列表中。").format(record.name))
            self.error_label.show()
            self.party_picker.clear()
            self.party_picker.edit.setFocus()
            return None
        entry = PartyEntry(record=record, side=self.side.currentData())
        self.parties.append(entry)
        self._show_parties()
        self.party_picker.clear()
        missing = [s for s in SIDES if s not in {p.side for p in self.parties}]
        self.side.setCurrentIndex(self.side.findData(missing[0] if missing else entry.side))
        self.party_picker.edit.setFocus()
        return entry

    def remove_party(self) -> None:
        entry = self.party_table.selected()
        if entry is not None:
            self.parties.remove(entry)
            self._show_parties()

    def _show_parties(self) -> None:
        self.party_model.set_rows(self.parties)
        counts = [sum(p.side == side for p in self.parties) for side in SIDES]
        self.party_status.setText(self.tr("申请人 {0} 人，被申请人 {1} 人（各至少一人）。找到后按 Enter 选中，"
                                          "再按 Enter 加入。").format(*counts))

    # --- the entry --------------------------------------------------------------------------------------

    def entry(self) -> FindingEntry:
        kind = self.kind_value()
        entry = FindingEntry(
            kind=kind, category=self.category.currentData() or "", place=self.place.text(),
            problem=self.problem.toPlainText(), measure=self.measure.toPlainText(), feedback=self.feedback.text(),
            grid=self.grid.currentData() if self.grid.count() > 1 else None)
        if kind == EVENT:
            entry.event = EventEntry(title=self.event_title.text(), scale=self.event_scale.currentData(),
                                     people_involved=self.event_people.value(), party=self.event_party.text(),
                                     due_on=self.event_due.date().toPython())
        elif kind == HAZARD:
            entry.hazard = self.hazard_fields.entry()
        elif kind == HELP:
            closed = self.closed_now.isChecked()
            entry.help = HelpEntry(requester=self.requester.text().strip(),
                                   help_type=self.help_type.currentData() or "", person=self.help_picker.record,
                                   phone=self.help_phone.text().strip(),
                                   closing=self.closing.currentData() if closed else "",
                                   result=self.closing_result.text() if closed else "")
        elif kind == DISPUTE:
            entry.dispute = DisputeEntry(parties=list(self.parties), facts=self.facts.toPlainText(),
                                         dispute_type=self.dispute_type.currentData() or "",
                                         village=self.village.text())
        return entry

    def load(self, entry: FindingEntry) -> None:
        choose(self.kind, entry.kind)
        choose(self.category, entry.category)
        self.place.setText(entry.place)
        self.problem.setPlainText(entry.problem)
        self.measure.setPlainText(entry.measure)
        self.feedback.setText(entry.feedback)
        if entry.grid is not None:
            for index in range(self.grid.count()):
                if self.grid.itemData(index).id == getattr(entry.grid, "id", None):
                    self.grid.setCurrentIndex(index)
        if entry.event is not None:
            self.event_title.setText(entry.event.title)
            choose(self.event_scale, entry.event.scale)
            self.event_people.setValue(int(entry.event.people_involved or 0))
            self.event_party.setText(entry.event.party)
            if entry.event.due_on:
                self.event_due.setDate(QDate(entry.event.due_on))
        if entry.hazard is not None:
            self.hazard_fields.load(entry.hazard)
        if entry.help is not None:
            if entry.help.person is not None:
                self.help_picker.set_record(entry.help.person)
            if entry.help.requester:
                self.requester.setText(entry.help.requester)
            if entry.help.phone:
                self.help_phone.setText(entry.help.phone)
            choose(self.help_type, entry.help.help_type)
            self.closed_now.setChecked(bool(entry.help.closing))
            if entry.help.closing:
                choose(self.closing, entry.help.closing)
            self.closing_result.setText(entry.help.result)
        if entry.dispute is not None:
            self.parties = list(entry.dispute.parties)
            self.facts.setPlainText(entry.dispute.facts)
            choose(self.dispute_type, entry.dispute.dispute_type)
            self.village.setText(entry.dispute.village)

    # --- errors and OK ------------------------------------------------------------------------------------

    def error_fields(self) -> dict[str, QWidget]:
        fields = {"处理方式": self.kind, "问题类别": self.category, "地点": self.place, "问题": self.problem,
                  "处理措施": self.measure, "反馈结果": self.feedback, "网格": self.grid}
        kind = self.kind_value()
        if kind == EVENT:
            fields.update({"事件信息": self.event_title, "事件名称": self.event_title, "事件规模": self.event_scale,
                           "涉及人数": self.event_people, "当事人": self.event_party, "办结期限": self.event_due})
        elif kind == HAZARD:
            fields.update(self.hazard_fields.error_fields())
            fields.update({"隐患信息": self.hazard_fields.category, "隐患地点": self.place, "隐患描述": self.problem})
        elif kind == HELP:
            fields.update({"求助信息": self.requester, "求助人": self.requester, "求助人电话": self.help_phone,
                           "求助人住址": self.requester, "求助类别": self.help_type, "求助事项": self.problem,
                           "办结方式": self.closing, "办结情况": self.closing_result})
        elif kind == DISPUTE:
            fields.update({"纠纷信息": self.dispute_type, "纠纷类型": self.dispute_type,
                           "当事人": self.party_picker.edit, "纠纷简要情况": self.facts,
                           "所在村（社区）": self.village, "涉及人数": self.party_table, "上报说明": self.facts})
        return fields

    def show_error(self, exc: TownDeskError) -> None:
        """The message under the dialog, the cursor in the field it names (a party's own detail: the list)."""
        field = normalised_field(getattr(exc, "field", "") or "")
        self.errors.fields = self.error_fields()
        party_detail = field.startswith("第 ") or field in ("年龄", "性别", "联系方式", "住址")
        if field not in self.errors.fields and party_detail and self.kind_value() == DISPUTE:
            field = "涉及人数"      # a party's own detail: the cursor goes to the party list
        self.error_label.setText(exc.message)
        self.error_label.show()
        widget = self.errors.fields.get(field)
        if widget is not None:
            widget.setFocus(Qt.OtherFocusReason)
            if hasattr(widget, "selectAll"):
                widget.selectAll()

    def save(self) -> None:
        if self.submit is None:
            self.result_value = self.entry()
            self.accept()
            return
        ok, self.result_value = self.errors.attempt(self, lambda: self.submit(self.entry()), self.show_error)
        if ok:
            self.accept()


# --------------------------------------------------------------------------------------------------
# An inspected premises and its hazards
# --------------------------------------------------------------------------------------------------

def premises_label(p: Premises) -> str:
    key = "（重点场所）" if p.key_venue else ""
    return "　".join(filter(None, (p.name, p.kind + key, p.address, p.operator)))


class HazardDialog(QDialog):
    """One hazard found at an inspected premises."""

    def __init__(self, found_on: date, entry: HazardEntry | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("检查发现的隐患"))
        self.fields = HazardFields(found_on, with_description=True)
        if entry is not None:
            self.fields.load(entry)
        self.result_value = None
        box, self.ok_button, _cancel = dialog_buttons(self, self.tr("确定"), self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.fields)
        layout.addWidget(hint(self.tr("隐患在保存巡查时登记（YH-），由检查的场所限期整改。")))
        layout.addWidget(box)
        self.setMinimumWidth(520)
        set_tab_order([*self.fields.widgets(), self.ok_button])
        self.fields.category.setFocus()

    def save(self) -> None:
        self.result_value = self.fields.entry()
        self.accept()


class InspectionDialog(QDialog):
    """A premises from the register (search by name, address or operator), the result, notes and hazards."""

    def __init__(self, user: User, found_on: date, entry: InspectionEntry | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.found_on = found_on
        self.result_value = None
        self.hazard_dialog = None
        self.hazards: list[HazardEntry] = list(entry.hazards) if entry else []
        self.setWindowTitle(self.tr("检查场所"))
        self.search = line(self.tr("输入场所名称、地址、经营者或证照号码查找"))
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setMinimumHeight(140)
        self.result = QComboBox()
        fill_combo(self.result, INSPECTION_RESULTS)
        self.notes = line(self.tr("如 消防器材齐全，安全出口畅通"))
        self.hazard_model = RecordTableModel([
            Column(self.tr("隐患类别"), lambda h: h.category),
            Column(self.tr("描述"), lambda h: h.description),
            Column(self.tr("整改要求"), lambda h: h.requirement),
            Column(self.tr("责任人"), lambda h: h.responsible),
            Column(self.tr("期限"), lambda h: f"{h.deadline:%Y-%m-%d}" if h.deadline else ""),
        ], self)
        self.hazard_table = small_table(self.hazard_model, 90)
        self.add_hazard_button = QPushButton(self.tr("添加隐患…"))
        self.add_hazard_button.clicked.connect(self.add_hazard)
        self.edit_hazard_button = QPushButton(self.tr("修改…"))
        self.edit_hazard_button.clicked.connect(self.edit_hazard)
        self.remove_hazard_button = QPushButton(self.tr("删除"))
        self.remove_hazard_button.clicked.connect(self.remove_hazard)
        self.result_hint = hint()
        self.error_label = paint_hint(QLabel(), "error")
        self.error_label.hide()
        box, self.ok_button, _cancel = dialog_buttons(self, self.tr("确定"), self.save)
        for button in (self.add_hazard_button, self.edit_hazard_button, self.remove_hazard_button):
            button.setAutoDefault(False)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        form.addRow(self.tr("查找场所 *"), self.search)
        form.addRow("", self.results)
        form.addRow(self.tr("检查结果 *"), self.result)
        form.addRow("", self.result_hint)
        form.addRow(self.tr("检查情况"), self.notes)
        hazard_box = QGroupBox(self.tr("发现的隐患"))
        hazard_layout = QVBoxLayout(hazard_box)
        hazard_layout.addWidget(self.hazard_table)
        hazard_layout.addLayout(row_of(self.add_hazard_button, self.edit_hazard_button, self.remove_hazard_button))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hazard_box, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(box)
        self.resize(760, 560)
        set_tab_order([self.search, self.results, self.result, self.notes, self.hazard_table,
                       self.add_hazard_button, self.edit_hazard_button, self.remove_hazard_button, self.ok_button])
        shortcut(Qt.Key_Delete, self.hazard_table, self.remove_hazard, Qt.WidgetShortcut)
        for key in ENTER_KEYS:
            shortcut(key, self.hazard_table, self.edit_hazard, Qt.WidgetShortcut)
        self.hazard_table.doubleClicked.connect(lambda *_: self.edit_hazard())
        self.search.textChanged.connect(self.find)
        self.search.installEventFilter(self)
        self.result.currentIndexChanged.connect(self._result_changed)
        self.find()
        if entry is not None:
            self._select(entry.premises)
            choose(self.result, entry.result)
            self.notes.setText(entry.notes)
        self.hazard_model.set_rows(self.hazards)
        self._result_changed()
        self.search.setFocus()

    def find(self, *_args) -> None:
        chosen = self.premises()
        self.results.clear()
        for p in premises.list_premises(self.user, self.search.text(), limit=100):
            item = QListWidgetItem(premises_label(p))
            item.setData(Qt.UserRole, p)
            self.results.addItem(item)
        if chosen is not None:
            self._select(chosen)
        elif self.results.count() and self.search.text().strip():
            self.results.setCurrentRow(0)

    def _select(self, record: Premises) -> None:
        for row in range(self.results.count()):
            if self.results.item(row).data(Qt.UserRole).id == record.id:
                self.results.setCurrentRow(row)
                return
        item = QListWidgetItem(premises_label(record))
        item.setData(Qt.UserRole, record)
        self.results.insertItem(0, item)
        self.results.setCurrentRow(0)

    def premises(self) -> Premises | None:
        item = self.results.currentItem()
        return item.data(Qt.UserRole) if item is not None else None

    def eventFilter(self, obj, event):  # noqa: N802
        if obj is self.search and event.type() == QEvent.KeyPress:
            if event.key() == Qt.Key_Down and self.results.count():
                self.results.setFocus()
                return True
            if event.key() in ENTER_KEYS and not event.modifiers() & Qt.ControlModifier:
                if self.results.count() and self.results.currentRow() < 0:
                    self.results.setCurrentRow(0)
                self.result.setFocus(Qt.TabFocusReason)
                return True
        return super().eventFilter(obj, event)

    def _result_changed(self, *_args) -> None:
        needs = self.result.currentData() in HAZARD_RESULTS
        set_hint(self.result_hint, self.tr("“{0}”须登记发现的隐患。").format(self.result.currentData()) if needs
                 else self.tr("检查结果为发现隐患、责令整改、停业整顿的，须在下面登记隐患。"),
                 "warn" if needs and not self.hazards else "info")

    def add_hazard(self) -> None:
        self._open_hazard(None)

    def edit_hazard(self) -> None:
        entry = self.hazard_table.selected()
        if entry is not None:
            self._open_hazard(entry)

    def _open_hazard(self, entry: HazardEntry | None) -> None:
        self.hazard_dialog = dialog = HazardDialog(self.found_on, entry, self)
        dialog.accepted.connect(lambda: self._hazard_done(entry, dialog.result_value))
        dialog.open()

    def _hazard_done(self, entry: HazardEntry | None, new: HazardEntry) -> None:
        if entry is None:
            self.hazards.append(new)
        else:
            self.hazards[self.hazards.index(entry)] = new
        self.hazard_model.set_rows(self.hazards)
        if self.result.currentData() not in HAZARD_RESULTS:
            choose(self.result, HAZARD_RESULTS[0])
        self._result_changed()

    def remove_hazard(self) -> None:
        entry = self.hazard_table.selected()
        if entry is not None:
            self.hazards.remove(entry)
            self.hazard_model.set_rows(self.hazards)
            self._result_changed()

    def entry(self) -> InspectionEntry | None:
        chosen = self.premises()
        if chosen is None:
            return None
        return InspectionEntry(premises=chosen, result=self.result.currentData(), notes=self.notes.text(),
                               hazards=list(self.hazards))

    def save(self) -> None:
        entry = self.entry()
        if entry is None:
            self.error_label.setText(self.tr("请在列表中选择检查的场所（场所登记中没有的，先在“场所”页登记）。"))
            self.error_label.show()
            self.search.setFocus()
            return
        self.result_value = entry
        self.accept()


# --------------------------------------------------------------------------------------------------
# The patrol form
# --------------------------------------------------------------------------------------------------

class PatrolForm(QWidget):
    """One patrol at a time; after saving the form is empty again and the cursor is in 巡查日期."""

    logged = Signal(object)   # the PatrolLog

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.findings: list[FindingEntry] = []
        self.inspections: list[InspectionEntry] = []
        self.finding_error: tuple[int, TownDeskError] | None = None
        self.dialog = None
        self.last_patrol = None

        title = QLabel(self.tr("巡查登记"))
        title.setProperty("role", "title")
        intro = one_line_hint(self.tr("登记一次巡查（日间巡查、夜间巡逻、检查……）及发现的问题；"
                                      "保存时隐患、事件、求助和纠纷一并登记或移交。"))

        # --- the patrol ------------------------------------------------------------------------------------
        self.patrol_date = DayEdit()
        self.shift = QComboBox()
        fill_combo(self.shift, SHIFTS)
        self.start = TimeEdit(DAY_TIMES[0])
        self.end = TimeEdit(DAY_TIMES[1])
        self.time_hint = QLabel()
        self.patrol_type = QComboBox()
        self.grid_list = QListWidget()
        self.grid_list.setFixedHeight(82)       # two grids in view; more scroll
        self.grid_list.setToolTip(self.tr("空格键勾选或取消；可勾选多个网格"))
        self.grid_hint = one_line_hint("")
        self.route = line(self.tr("如 打通村正街—学校—河堤"))
        self.leader = line(self.tr("带队人姓名"))
        self.participants = line(self.tr("同行人员姓名，用“、”或逗号分隔，如 陈大勇、李明"))
        self.others = QSpinBox()
        self.others.setRange(0, 10000)
        self.others.setSuffix(self.tr(" 人"))
        self.others.setToolTip(self.tr("民警、志愿者、群防群治队员等不具名参加的人数"))
        self.person_times = QLabel()
        self.weather = QComboBox()
        fill_combo(self.weather, WEATHER, self.tr("未填"))
        self.overview = plain(placeholder=self.tr("巡查的总体情况，如 巡查正街、学校周边和河堤，"
                                                  "沿途治安秩序良好，发现三处问题已处理或上报。"), height=70)

        # --- findings ---------------------------------------------------------------------------------------
        self.finding_model = RecordTableModel([
            Column(self.tr("处理方式"), lambda f: f.kind),
            Column(self.tr("问题类别"), lambda f: f.category),
            Column(self.tr("地点"), lambda f: f.place),
            Column(self.tr("问题"), lambda f: f.problem.replace("\n", " ")[:40]),
            Column(self.tr("处理"), finding_outcome),
        ], self)
        self.finding_table = small_table(self.finding_model, 150)
        self.finding_table.setToolTip(self.tr("Enter 修改选中的发现，Delete 删除"))
        self.add_finding_button = QPushButton(self.tr("添加发现（Ctrl+Shift+F）"))
        self.add_finding_button.clicked.connect(self.add_finding)
        self.edit_finding_button = QPushButton(self.tr("修改…"))
        self.edit_finding_button.clicked.connect(self.edit_finding)
        self.delete_finding_button = QPushButton(self.tr("删除"))
        self.delete_finding_button.clicked.connect(self.delete_finding)
        self.finding_box = QGroupBox()

        # --- inspections ------------------------------------------------------------------------------------
        self.inspection_model = RecordTableModel([
            Column(self.tr("场所"), lambda x: x.premises.name),
            Column(self.tr("类别"), lambda x: x.premises.kind),
            Column(self.tr("检查结果"), lambda x: x.result),
            Column(self.tr("隐患"), lambda x: self.tr("{0} 处").format(len(x.hazards)) if x.hazards else "—"),
            Column(self.tr("检查情况"), lambda x: x.notes),
        ], self)
        self.inspection_table = small_table(self.inspection_model, 110)
        self.inspection_table.setToolTip(self.tr("Enter 修改选中的场所，Delete 删除"))
        self.add_inspection_button = QPushButton(self.tr("添加检查场所（Ctrl+Shift+J）"))
        self.add_inspection_button.clicked.connect(self.add_inspection)
        self.edit_inspection_button = QPushButton(self.tr("修改…"))
        self.edit_inspection_button.clicked.connect(self.edit_inspection)
        self.delete_inspection_button = QPushButton(self.tr("删除"))
        self.delete_inspection_button.clicked.connect(self.delete_inspection)
        self.inspection_box = QGroupBox()

        self.save_button = QPushButton(self.tr("保存（Ctrl+S）"))
        self.save_button.setProperty("class", "success")
        self.save_button.clicked.connect(self.submit)
        self.clear_button = QPushButton(self.tr("清空（Ctrl+Shift+N）"))
        self.clear_button.clicked.connect(self.ask_reset)
        for button in (self.add_finding_button, self.edit_finding_button, self.delete_finding_button,
                       self.add_inspection_button, self.edit_inspection_button, self.delete_inspection_button,
                       self.save_button, self.clear_button):
            button.setAutoDefault(False)

        self.error_label = QLabel()
        self.errors = FieldErrors(self.error_label, {
            "巡查日期": self.patrol_date, "班次": self.shift, "开始时间": self.start, "结束时间": self.end,
            "巡查类型": self.patrol_type, "巡查网格": self.grid_list, "巡查地点或路线": self.route,
            "带队人": self.leader, "参加人员": self.participants, "其他参加人数": self.others, "天气": self.weather,
            "巡查情况": self.overview, "检查场所": self.inspection_table,
        })
        self.result = notice("", "info")
        self.result.hide()

        # --- layout --------------------------------------------------------------------------------------
        patrol_box = QGroupBox(self.tr("巡查信息"))
        form = QFormLayout(patrol_box)
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        form.addRow(self.tr("巡查日期 *"), row_of(self.patrol_date, self.tr("班次 *"), self.shift))
        form.addRow(self.tr("巡查时间 *"), row_of(self.start, self.tr("至"), self.end))
        form.addRow("", self.time_hint)
        form.addRow(self.tr("巡查类型 *"), self.patrol_type)
        form.addRow(self.tr("巡查网格 *"), self.grid_list)
        form.addRow("", self.grid_hint)
        form.addRow(self.tr("地点/路线 *"), self.route)
        form.addRow(self.tr("带队人 *"), self.leader)
        form.addRow(self.tr("参加人员"), self.participants)
        form.addRow(self.tr("其他参加人数"), row_of(self.others, self.person_times))
        form.addRow(self.tr("天气"), self.weather)
        form.addRow(self.tr("巡查情况"), self.overview)
        patrol_box.setMinimumWidth(440)

        finding_layout = QVBoxLayout(self.finding_box)
        finding_layout.addWidget(self.finding_table, 1)
        finding_layout.addLayout(row_of(self.add_finding_button, self.edit_finding_button, self.delete_finding_button))
        finding_layout.addWidget(one_line_hint(self.tr("每条发现写明问题、处理措施和反馈结果；"
                                                       "需要后续办理的选“事件”“隐患”“群众求助”或“矛盾纠纷”。")))
        inspection_layout = QVBoxLayout(self.inspection_box)
        inspection_layout.addWidget(self.inspection_table, 1)
        inspection_layout.addLayout(row_of(self.add_inspection_button, self.edit_inspection_button,
                                           self.delete_inspection_button))
        right = QVBoxLayout()
        right.addWidget(self.finding_box, 3)
        right.addWidget(self.inspection_box, 2)
        columns = QHBoxLayout()
        columns.addWidget(patrol_box, 2)
        columns.addLayout(right, 3)

        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        keys = paint_hint(QLabel(self.tr("Tab 到下一项　Enter 到下一项　空格 勾选网格　Ctrl+Shift+F 添加发现　"
                                         "Ctrl+S 保存　Ctrl+Shift+N 清空")))
        content = QWidget()
        inner = QVBoxLayout(content)
        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addSpacing(16)
        heading.addWidget(intro, 1)
        inner.addLayout(heading)
        inner.addLayout(columns, 1)
        inner.addWidget(self.error_label)
        inner.addWidget(self.result)
        inner.addLayout(buttons)
        inner.addWidget(keys)
        self.error_label.setWordWrap(False)
        self.result.setWordWrap(False)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.setFocusProxy(self.patrol_date)

        # --- keys ------------------------------------------------------------------------------------------
        set_tab_order([
            self.patrol_date, self.shift, self.start, self.end, self.patrol_type, self.grid_list, self.route,
            self.leader, self.participants, self.others, self.weather, self.overview,
            self.finding_table, self.add_finding_button, self.edit_finding_button, self.delete_finding_button,
            self.inspection_table, self.add_inspection_button, self.edit_inspection_button,
            self.delete_inspection_button, self.save_button, self.clear_button,
        ])
        self._moving_on = (self.patrol_date, self.shift, self.start, self.end, self.patrol_type, self.route,
                           self.leader, self.participants, self.others, self.weather)
        for widget in self._moving_on:
            widget.installEventFilter(self)
        shortcut("Ctrl+S", self, self.submit, Qt.WidgetWithChildrenShortcut)
        shortcut("Ctrl+Shift+F", self, self.add_finding, Qt.WidgetWithChildrenShortcut)
        shortcut("Ctrl+Shift+J", self, self.add_inspection, Qt.WidgetWithChildrenShortcut)
        shortcut("Ctrl+Shift+N", self, self.ask_reset, Qt.WidgetWithChildrenShortcut)
        shortcut(Qt.Key_Delete, self.finding_table, self.delete_finding, Qt.WidgetShortcut)
        shortcut(Qt.Key_Delete, self.inspection_table, self.delete_inspection, Qt.WidgetShortcut)
        for key in ENTER_KEYS:
            shortcut(key, self.finding_table, self.edit_finding, Qt.WidgetShortcut)
            shortcut(key, self.inspection_table, self.edit_inspection, Qt.WidgetShortcut)
        self.finding_table.doubleClicked.connect(lambda *_: self.edit_finding())
        self.inspection_table.doubleClicked.connect(lambda *_: self.edit_inspection())

        self.shift.currentIndexChanged.connect(self._shift_changed)
        self.start.timeChanged.connect(self._times_changed)
        self.end.timeChanged.connect(self._times_changed)
        self.patrol_type.currentIndexChanged.connect(self._type_changed)
        for widget in (self.leader, self.participants):
            widget.textChanged.connect(self._count_people)
        self.others.valueChanged.connect(self._count_people)
        self.reset()

    # --- reacting ------------------------------------------------------------------------------------------

    def eventFilter(self, obj, event):  # noqa: N802 (Qt's name)
        if (event.type() == QEvent.KeyPress and event.key() in ENTER_KEYS and obj in self._moving_on
                and not event.modifiers() & (Qt.ControlModifier | Qt.AltModifier | Qt.ShiftModifier)):
            if not (isinstance(obj, QComboBox) and obj.view().isVisible()):
                self.focusNextChild()
                return True
        return super().eventFilter(obj, event)

    def _shift_changed(self, *_args) -> None:
        """夜间 suggests 夜间巡逻 and 20:00—次日00:00; 日间 the day's — unless the user changed them already."""
        night = self.shift.currentData() == NIGHT_SHIFT
        before, after = (DAY_TIMES, NIGHT_TIMES) if night else (NIGHT_TIMES, DAY_TIMES)
        if (self.start.time(), self.end.time()) == before:
            self.start.setTime(after[0])
            self.end.setTime(after[1])
        old_type, new_type = (DAY_TYPE, NIGHT_TYPE) if night else (NIGHT_TYPE, DAY_TYPE)
        if self.patrol_type.currentData() == old_type and self.patrol_type.findData(new_type) >= 0:
            choose(self.patrol_type, new_type)

    def _times_changed(self, *_args) -> None:
        text, kind = duration_text(self.start.time(), self.end.time())
        self.time_hint.setText(self.tr(text))
        paint_hint(self.time_hint, kind)

    def _type_changed(self, *_args) -> None:
        kind = self.patrol_type.currentData() or ""
        meaning = codes.meaning_of(PATROL_TYPES, kind) if kind else ""
        self.patrol_type.setToolTip(meaning)
        self.inspection_box.setVisible(kind in INSPECTION_TYPES or bool(self.inspections))

    def _count_people(self, *_args) -> None:
        names = list(dict.fromkeys([self.leader.text().strip(), *split_names(self.participants.text())]))
        named = len([n for n in names if n])
        self.person_times.setText(self.tr("共 {0} 人次（具名 {1} 人）").format(named + self.others.value(), named))

    # --- findings ------------------------------------------------------------------------------------------

    def checked_grids(self) -> list[Grid]:
        return [self.grid_list.item(i).data(Qt.UserRole) for i in range(self.grid_list.count())
                if self.grid_list.item(i).checkState() == Qt.Checked]

    def open_finding(self, entry: FindingEntry | None, title: str, error: TownDeskError | None = None) -> FindingDialog:
        self.dialog = FindingDialog(self.user, self.patrol_date.date().toPython(), self.checked_grids(), entry,
                                    title=title, error=error, parent=self)
        return self.dialog

    def add_finding(self) -> None:
        dialog = self.open_finding(None, self.tr("添加第 {0} 条发现").format(len(self.findings) + 1))
        dialog.accepted.connect(lambda: self._finding_done(None, dialog.result_value))
        dialog.open()

    def edit_finding(self) -> None:
        entry = self.finding_table.selected()
        if entry is None:
            return
        index = self.findings.index(entry)
        error = self.finding_error[1] if self.finding_error and self.finding_error[0] == index else None
        dialog = self.open_finding(entry, self.tr("修改第 {0} 条发现").format(index + 1), error)
        dialog.accepted.connect(lambda: self._finding_done(entry, dialog.result_value))
        dialog.open()

    def _finding_done(self, old: FindingEntry | None, new: FindingEntry) -> None:
        if old is None:
            self.findings.append(new)
        else:
            index = self.findings.index(old)
            self.findings[index] = new
            if self.finding_error and self.finding_error[0] == index:
                self.finding_error = None
        self._show_findings()
        self.finding_table.select_row(self.findings.index(new))
        self.finding_table.setFocus()

    def delete_finding(self) -> None:
        entry = self.finding_table.selected()
        if entry is None:
            return
        index = self.findings.index(entry)
        if not ask(self, self.tr("删除发现"), self.tr("删除第 {0} 条发现（{1}：{2}）？").format(
                index + 1, entry.kind, entry.place or entry.problem[:20])):
            return
        self.findings.remove(entry)
        self.finding_error = None
        self._show_findings()
        self.finding_table.select_row(min(index, len(self.findings) - 1))

    def _show_findings(self) -> None:
        self.finding_model.set_rows(self.findings)
        self.finding_box.setTitle(self.tr("发现的问题（{0} 条）").format(len(self.findings)) if self.findings
                                  else self.tr("发现的问题（没有发现可不填）"))

    # --- inspections ---------------------------------------------------------------------------------------

    def add_inspection(self) -> None:
        self.inspection_box.show()
        self.dialog = InspectionDialog(self.user, self.patrol_date.date().toPython(), None, self)
        dialog = self.dialog
        dialog.accepted.connect(lambda: self._inspection_done(None, dialog.result_value))
        dialog.open()

    def edit_inspection(self) -> None:
        entry = self.inspection_table.selected()
        if entry is None:
            return
        self.dialog = InspectionDialog(self.user, self.patrol_date.date().toPython(), entry, self)
        dialog = self.dialog
        dialog.accepted.connect(lambda: self._inspection_done(entry, dialog.result_value))
        dialog.open()

    def _inspection_done(self, old: InspectionEntry | None, new: InspectionEntry) -> None:
        if old is None:
            self.inspections.append(new)
        else:
            self.inspections[self.inspections.index(old)] = new
        self._show_inspections()
        self.inspection_table.select_row(self.inspections.index(new))
        self.inspection_table.setFocus()

    def delete_inspection(self) -> None:
        entry = self.inspection_table.selected()
        if entry is None:
            return
        index = self.inspections.index(entry)
        self.inspections.remove(entry)
        self._show_inspections()
        self.inspection_table.select_row(min(index, len(self.inspections) - 1))

    def _show_inspections(self) -> None:
        self.inspection_model.set_rows(self.inspections)
        hazards = sum(len(x.hazards) for x in self.inspections)
        self.inspection_box.setTitle(
            self.tr("检查场所（{0} 家，发现隐患 {1} 处）").format(len(self.inspections), hazards))
        self._type_changed()

    # --- saving ------------------------------------------------------------------------------------------

    def entry(self) -> PatrolEntry:
        return PatrolEntry(
            patrol_date=self.patrol_date.date().toPython(), shift=self.shift.currentData(),
            start=self.start.time().toPython(), end=self.end.time().toPython(),
            patrol_type=self.patrol_type.currentData() or "", grids=self.checked_grids(), route=self.route.text(),
            leader=self.leader.text(), participants=split_names(self.participants.text()),
            others=self.others.value(), weather=self.weather.currentData() or "",
            overview=self.overview.toPlainText(), findings=list(self.findings), inspections=list(self.inspections))

    def locate(self, entry: PatrolEntry) -> tuple[str, int] | None:
        """Which finding or inspected premises a refused patrol fails on: ("finding"|"inspection", index), or
        None when the patrol's own fields are wrong. Each is checked after the ones before it (models only)."""
        now = utcnow()
        base = replace(entry, findings=(), inspections=())

        def fails(candidate: PatrolEntry) -> bool:
            try:
                patrols.clean_patrol(self.user, candidate, now)
            except TownDeskError:
                return True
            return False

        if fails(base):
            return None
        for count in range(1, len(entry.findings) + 1):
            if fails(replace(base, findings=entry.findings[:count])):
                return "finding", count - 1
        for count in range(1, len(entry.inspections) + 1):
            if fails(replace(base, inspections=entry.inspections[:count])):
                return "inspection", count - 1
        return None

    def show_error(self, exc: TownDeskError, entry: PatrolEntry | None = None) -> None:
        field = getattr(exc, "field", "") or ""
        if re.match(r"^第 \d+ 位参加人员", field):
            field = "参加人员"
        if field in self.errors.fields and field != "检查场所":
            self.errors.show(exc)
            return
        where = self.locate(entry) if entry is not None else None
        if where is None:
            self.errors.show(exc)
            return
        what, index = where
        message = exc.message
        if what == "finding":
            finding = entry.findings[index]
            if not message.startswith("第"):
                message = self.tr("第 {0} 条发现（{1}）：{2}").format(index + 1, finding.kind, message)
            self.finding_error = (index, exc)
            table = self.finding_table
            message += self.tr("　——在列表中按 Enter 修改。")
        else:
            inspection = entry.inspections[index]
            if not message.startswith("第") and inspection.premises.name not in message:
                message = self.tr("第 {0} 家检查场所（{1}）：{2}").format(index + 1, inspection.premises.name, message)
            table = self.inspection_table
        self.error_label.setText(message)
        self.error_label.show()
        table.setFocus(Qt.OtherFocusReason)
        table.select_row(index)

    def submit(self):
        """保存: the PatrolLog, or None with the error shown (and nothing written)."""
        self.result.hide()
        entry = self.entry()
        ok, patrol = self.errors.attempt(self, lambda: patrols.log_patrol(self.user, entry),
                                         lambda exc: self.show_error(exc, entry))
        if not ok:
            return None
        self.last_patrol = patrol
        outcome = self.outcome_text(patrol)
        self.reset()
        self.result.setText(outcome)
        self.result.show()
        self.logged.emit(patrol)
        return patrol

    def outcome_text(self, patrol) -> str:
        found = patrols.findings(patrol)
        linked = [f.target_number for f in found if f.target_number]
        text = self.tr("已保存 {0}（{1}，{2}）").format(patrol.number, patrol.patrol_type, patrols.local_times(patrol))
        if found:
            text += self.tr("：发现 {0} 条").format(len(found))
            if linked:
                text += self.tr("，已登记或移交 {0}").format("、".join(linked))
        inspected = patrols.inspections(patrol)
        if inspected:
            text += self.tr("；检查场所 {0} 家").format(len(inspected))
        return text + self.tr("。")

    # --- starting over -----------------------------------------------------------------------------------

    def _fill_choices(self) -> None:
        fill_combo(self.patrol_type, codes.names(PATROL_TYPES))
        self.grid_list.clear()
        visible = grids.visible_grids(self.user)
        for grid in visible:
            item = QListWidgetItem(f"{grid.code}　{grid.name}（{grid.village}）")
            item.setData(Qt.UserRole, grid)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if len(visible) == 1 else Qt.Unchecked)
            self.grid_list.addItem(item)
        if self.grid_list.count():
            self.grid_list.setCurrentRow(0)
        if not visible:
            set_hint(self.grid_hint, self.tr("您还没有分配网格，请联系网格长分配后再登记。"), "warn")
        elif len(visible) == 1:
            set_hint(self.grid_hint, self.tr("已勾选您的网格。"), "info")
        else:
            set_hint(self.grid_hint, self.tr("勾选本次巡查经过的网格（空格键勾选）。"), "info")

    def has_data(self) -> bool:
        return bool(self.findings or self.inspections or self.route.text().strip()
                    or self.overview.toPlainText().strip())

    def ask_reset(self) -> None:
        if not self.has_data() or ask(self, self.tr("清空"),
                                      self.tr("清空正在登记的巡查？已填写的内容和发现都将丢弃。")):
            self.reset()

    def reset(self) -> None:
        """Empty for the next patrol; the lists are read again (an admin may have edited them)."""
        self.errors.clear()
        self.result.hide()
        self.findings, self.inspections = [], []
        self.finding_error = None
        self._fill_choices()
        self.patrol_date.setMaximumDate(QDate.currentDate())
        self.patrol_date.setDate(QDate.currentDate())
        self.shift.blockSignals(True)
        self.shift.setCurrentIndex(self.shift.findData(DAY_SHIFT))
        self.shift.blockSignals(False)
        self.start.setTime(DAY_TIMES[0])
        self.end.setTime(DAY_TIMES[1])
        choose(self.patrol_type, DAY_TYPE if self.patrol_type.findData(DAY_TYPE) >= 0 else "")
        for edit in (self.route, self.participants):
            edit.clear()
        self.leader.setText(self.user.display_name)
        self.others.setValue(0)
        self.weather.setCurrentIndex(0)
        self.overview.clear()
        self._show_findings()
        self._show_inspections()
        self._times_changed()
        self._count_people()
        self.patrol_date.setFocus()
