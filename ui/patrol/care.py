"""关爱帮扶: the care register of the 网格巡查 area — the list (masked for those who may not see names,
ID numbers and phones), 列入关爱 (Ctrl+N), and one subject (Enter) with its visits and the steps 登记走访,
修改 and 移出关爱.

Sensitive personal information (个人信息保护法 art. 28): the screens show ONLY the display values models/
returns for the user — ``care_rows`` for the list, ``shown`` for an opened record — never a subject's
name, ID number or phone read here, so no screen can bypass the masking. The list's rows hold nothing
else. Opening a record goes through ``get_care_subject``, which writes a "view_sensitive" audit line.

In the forms Enter moves to the next field and Ctrl+Enter saves; an error names its field and the
cursor goes there.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton,
    QVBoxLayout, QWidget,
)

from models import codes
from models.accounts import User
from models.patrol import grids, registers
from models.patrol.registers import CareEntry, CareFilter, CareVisitEntry
from models.patrol.tables import CARE_ACTIVE, CARE_COLOURS, CARE_GROUPS, CARE_REMOVED, VISIT_KINDS, CareSubject
from models.people import Person
from ui.common import (
    Column, FieldErrors, RecordTableModel, dialog_buttons, hint, notice, paint_hint, shortcut, show_problem,
)
from ui.hall.pickers import PartyPicker
from ui.lists import COUNT_CAP, KindListModel, ListPanel, choice_box
from ui.mediation.case_view import Step
from ui.mediation.petitions import is_enter
from ui.mediation.register import RISK_HEX, risk_icon
from ui.patrol.events import RecordDialog, combo, day_edit, fill_details, line, small_table, step_buttons, text_box

SAVE_KEYS = ("Ctrl+Return", "Ctrl+Enter")
MASK_NOTE = "姓名、证件号码和电话已按个人信息保护要求隐去部分内容"
AUDIT_NOTE = ("本台账属于敏感个人信息（个人信息保护法第二十八条）：每打开一条记录都会记入操作日志，"
              "请仅在工作需要时查看，不得外传。")


def _tr(text: str) -> str:
    return QCoreApplication.translate("patrol", text)


# --------------------------------------------------------------------------------------------------
# Shared with the key-person screens
# --------------------------------------------------------------------------------------------------

class DisplayRow:
    """One list row: only the display values models/ returned for this user (already masked as they must
    be) — the record itself is not kept, so nothing on screen can read past the masking."""

    __slots__ = ("values",)

    def __init__(self, values: dict[str, Any]):
        self.values = values

    @property
    def id(self) -> int:
        return self.values["id"]

    def __getitem__(self, key: str):
        return self.values.get(key, "")

    def __repr__(self) -> str:
        return f"DisplayRow({self.values!r})"


def grid_choices(user: User) -> list:
    return list(grids.visible_grids(user))


def fill_grid_combo(box: QComboBox, user: User, empty_text: str) -> None:
    box.clear()
    box.addItem(empty_text, None)
    for grid in grid_choices(user):
        box.addItem(f"{grid.code} {grid.name}", grid)


def select_grid(box: QComboBox, grid_id: int | None, grid=None) -> None:
    """Select the grid with this id (a grid since hidden from the list is added back)."""
    if grid_id is None:
        box.setCurrentIndex(0)
        return
    for index in range(1, box.count()):
        if box.itemData(index).id == grid_id:
            box.setCurrentIndex(index)
            return
    if grid is not None:
        box.addItem(f"{grid.code} {grid.name}", grid)
        box.setCurrentIndex(box.count() - 1)


def grid_for_village(box: QComboBox, village: str) -> None:
    """A person picked from the registry: their village's grid, when the list has exactly one."""
    if not village:
        return
    found = [i for i in range(1, box.count()) if box.itemData(i).village == village]
    if len(found) == 1:
        box.setCurrentIndex(found[0])


def notes_box(*labels: QLabel) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(4)
    for label in labels:
        layout.addWidget(label)
    return box


class RegisterForm(QDialog):
    """What the care and key-person forms share: Enter moves on, Ctrl+Enter saves, errors at their field."""

    saved = Signal(object)

    def setup_form(self, form: QFormLayout, fields: dict[str, QWidget], hint_text: str) -> None:
        self.error_label = QLabel()
        self.errors = FieldErrors(self.error_label, fields)
        box, self.ok_button, cancel = dialog_buttons(self, self.tr("保存（Ctrl+Enter）"), self.save)
        for button in (self.ok_button, cancel):   # Enter moves between the fields; Ctrl+Enter saves
            button.setAutoDefault(False)
            button.setDefault(False)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(hint(hint_text))
        layout.addWidget(box)
        for keys in SAVE_KEYS:
            shortcut(keys, self, self.save)

    def keyPressEvent(self, event):  # noqa: N802 (Qt's name)
        if is_enter(event):
            self.focusNextChild()   # an Enter no field took: on to the next field, never "save"
            return
        super().keyPressEvent(event)

    def work(self):
        raise NotImplementedError

    def save(self):
        ok, saved = self.errors.attempt(self, self.work)
        if not ok:
            return None
        self.result_value = saved
        self.saved.emit(saved)
        self.accept()
        return saved


# --------------------------------------------------------------------------------------------------
# Colours
# --------------------------------------------------------------------------------------------------

def colour_label(item) -> str:
    """红　需重点帮扶，每周走访（间隔 7 天）."""
    text = f"{item.name}　{item.meaning}" if item.meaning else item.name
    return text + (_tr("（间隔 {0} 天）").format(item.number) if item.number else "")


def colour_chip(name: str) -> str:
    """A style sheet painting a label in the care colour."""
    back = RISK_HEX.get(name, "#9e9e9e")
    fore = "#333333" if name == "黄" else "#ffffff"
    return f"background: {back}; color: {fore}; border-radius: 3px; padding: 2px 8px; font-weight: bold;"


def fill_colours(box: QComboBox, first: tuple[str, Any] | None = None, current: str = "") -> None:
    box.clear()
    if first is not None:
        box.addItem(first[0], first[1])
    items = codes.items(CARE_COLOURS)
    for item in items:
        box.addItem(risk_icon(item.name), colour_label(item), item.name)
        box.setItemData(box.count() - 1, item.meaning, Qt.ToolTipRole)
    if current and box.findData(current) < 0:      # a colour since retired from the list stays shown
        box.addItem(risk_icon(current), current, current)
    if current:
        box.setCurrentIndex(box.findData(current))


def colour_shown(name: str) -> str:
    if not name:
        return ""
    meaning = codes.meaning_of(CARE_COLOURS, name)
    days = registers.care_interval(name)
    text = f"{name}（{meaning}）" if meaning else name
    return text + (_tr("，每 {0} 天走访").format(days) if days else "")


# --------------------------------------------------------------------------------------------------
# The list
# --------------------------------------------------------------------------------------------------

class CareTableModel(KindListModel):
    """The care register's rows — only the display values ``registers.care_rows`` returns for this user —
    in the columns of models.exports' 关爱帮扶台账 (its 导出 Excel writes them, unmasked for those allowed)."""

    kind = "care"
    state_columns = (9, 10)
    COLOUR_COLUMN = 6

    def fetch(self, flt: CareFilter, before_id: int | None, limit: int) -> list[DisplayRow]:
        return [DisplayRow(values) for values in super().fetch(flt, before_id, limit)]

    def state(self, row: DisplayRow) -> str:
        return row["state"]

    def data(self, index, role=Qt.DisplayRole):
        if role == Qt.DecorationRole and index.column() == self.COLOUR_COLUMN:
            row = self.row_at(index)
            return risk_icon(row["colour"]) if row is not None and row["colour"] else None
        return super().data(index, role)


class CareTab(ListPanel):
    """The care register: filters, search, 列入关爱 (Ctrl+N); Enter or a double click opens a subject;
    Ctrl+E exports it (only users with ``patrol.sensitive``: models/ refuses and audits anyone else)."""

    export_kind = "care"

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(CareTableModel(user), (84, 64, 64, 110, 160, 150, 70, 80, 100, 100, 90), parent)
        self.user = user
        self.dialog: QDialog | None = None
        self.sensitive = user.can(grids.SENSITIVE)
        self.search_edit.setPlaceholderText(
            self.tr("搜索姓名、电话、证件号码或村（社区）") if self.sensitive
            else self.tr("搜索村（社区），或完整的姓名、电话、证件号码"))
        self.group = choice_box(self.tr("全部类别"), [(n, n) for n in codes.names(CARE_GROUPS)])
        self.colour = QComboBox()
        fill_colours(self.colour, (self.tr("全部关爱等级"), ""))
        self.colour.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self.grid = choice_box(self.tr("全部网格"), [(f"{g.code} {g.name}", g.id) for g in grid_choices(user)])
        self.status = choice_box(self.tr("在册和已移出"), [(self.tr("在册"), CARE_ACTIVE),
                                                         (self.tr("已移出"), CARE_REMOVED)])
        self.status.setCurrentIndex(1)
        self.due_only = QCheckBox(self.tr("只看走访到期"))
        self.due_only.setToolTip(self.tr("只列出在册、已过下次走访日期还没有走访的对象"))
        self.new_button = QPushButton(self.tr("列入关爱（Ctrl+N）"))
        self.new_button.clicked.connect(self.add)
        self.open_button = QPushButton(self.tr("查看（Enter）"))
        self.open_button.clicked.connect(self._open_selected)
        self.watch(self.group, self.colour, self.grid, self.status, self.due_only)
        self.build([self.search_edit, self.new_button, self.open_button],
                   [QLabel(self.tr("类别")), self.group, QLabel(self.tr("关爱等级")), self.colour,
                    QLabel(self.tr("网格")), self.grid, self.status, self.due_only],
                   self.tr("底色：红 走访已超期　橙 今日应走访　黄 三天内应走访。在列表中按 Enter 或双击查看对象。"))
        self.audit_note = notice(self.tr(AUDIT_NOTE), "info")
        self.mask_note = notice(self.tr(MASK_NOTE) + self.tr("；打开本网格对象的记录可看到完整姓名和电话。"), "warn")
        self.mask_note.setVisible(not self.sensitive)
        if not self.sensitive:   # models/ refuses (and audits) the export: say so before the click
            self.export_button.setToolTip(self.tr("只有具有“重点人员”权限的用户才能导出关爱帮扶台账；导出尝试会记入操作日志。"))
        self.layout().insertWidget(0, notes_box(self.audit_note, self.mask_note))
        self.opened.connect(self.open_subject)
        shortcut("Ctrl+N", self, self.add, Qt.WidgetWithChildrenShortcut)

    def current_filter(self) -> CareFilter:
        return CareFilter(text=self.search_edit.text(), group=self.group.currentData() or "",
                          colour=self.colour.currentData() or "", grid_id=self.grid.currentData() or None,
                          status=self.status.currentData() or "", overdue_only=self.due_only.isChecked(),
                          today=date.today())

    def count(self, flt: CareFilter) -> int:
        return registers.count_care(self.user, flt, cap=COUNT_CAP)

    def add(self) -> "CareDialog":
        self.dialog = CareDialog(self.user, None, self)
        self.dialog.saved.connect(lambda _s: self.refresh())
        self.dialog.open()
        return self.dialog

    def open_subject(self, row) -> "CareSubjectDialog | None":
        """Open one subject (audited by models/: get_care_subject)."""
        try:
            subject = registers.get_care_subject(self.user, row.id)
        except Exception as exc:  # noqa: BLE001 - refused (not the user's grid) or a bug: shown, never lost
            show_problem(self, exc)
            return None
        self.dialog = CareSubjectDialog(self.user, subject, self)
        self.dialog.changed.connect(lambda _s: self.refresh())
        self.dialog.open()
        return self.dialog


# --------------------------------------------------------------------------------------------------
# 列入关爱 / 修改
# --------------------------------------------------------------------------------------------------

class CareDialog(RegisterForm):
    """列入关爱 (no subject given: the person is picked from the registry) or 修改 one subject (the person
    stays). `saved(subject)` after saving."""

    GROUP_COLUMNS = 5

    def __init__(self, user: User, subject: CareSubject | None = None, parent: QWidget | None = None,
                 shown_values: dict | None = None):
        super().__init__(parent)
        self.user = user
        self.subject = subject
        self.result_value = None
        self.person: Person | None = None
        values = shown_values or (registers.shown(user, subject) if subject is not None else None)
        self.setWindowTitle(self.tr("修改关爱对象 — {0}").format(values["name"]) if subject is not None
                            else self.tr("列入关爱帮扶"))

        self.picker = PartyPicker(user, organisations=False)
        self.person_label = QLabel()
        self.person_label.setProperty("role", "value")
        self.groups = {name: QCheckBox(name) for name in codes.names(CARE_GROUPS)}
        if subject is not None:
            for name in subject.groups:
                if name not in self.groups:     # a group since retired from the list stays shown
                    self.groups[name] = QCheckBox(name)
        group_box = QWidget()
        group_grid = QGridLayout(group_box)
        group_grid.setContentsMargins(0, 0, 0, 0)
        for index, box in enumerate(self.groups.values()):
            group_grid.addWidget(box, *divmod(index, self.GROUP_COLUMNS))
        self.colour = QComboBox()
        fill_colours(self.colour, (self.tr("（请选择关爱等级）"), ""))
        self.grid = QComboBox()
        fill_grid_combo(self.grid, user, self.tr("（不指定网格）"))
        self.helper = line(user.display_name, self.tr("负责走访帮扶的人，如 网格员刘小燕"))
        self.helper_phone = line("", self.tr("手机或固定电话（选填）"))
        self.situation = text_box(self.tr("家庭、健康、生活来源等基本情况，如 独居，子女在外务工，患高血压"), 60)
        self.needs = text_box(self.tr("需要哪些帮扶，如 定期上门看望，协助办理高龄津贴"), 60)
        self.listed_on = day_edit(date.today(), None, date.today())
        self.due_hint = paint_hint(QLabel())

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        if subject is None:
            form.addRow(self.tr("关爱对象 *"), self.picker)
            self.person_label.hide()
        else:
            self.picker.hide()
            form.addRow(self.tr("关爱对象"), self.person_label)
        form.addRow(self.tr("对象类别 *"), group_box)
        form.addRow(self.tr("关爱等级 *"), self.colour)
        form.addRow(self.tr("所属网格"), self.grid)
        helper_row = QHBoxLayout()
        helper_row.addWidget(self.helper, 1)
        helper_row.addWidget(QLabel(self.tr("帮扶人电话")))
        helper_row.addWidget(self.helper_phone, 1)
        form.addRow(self.tr("帮扶人 *"), helper_row)
        form.addRow(self.tr("基本情况"), self.situation)
        form.addRow(self.tr("帮扶需求"), self.needs)
        form.addRow(self.tr("列入日期 *"), self.listed_on)
        form.addRow("", self.due_hint)
        first_group = next(iter(self.groups.values()))
        self.setup_form(form, {
            "人员": self.picker, "关爱对象": self.picker, "关爱对象类别": first_group, "关爱等级": self.colour,
            "网格": self.grid, "帮扶人": self.helper, "帮扶人电话": self.helper_phone, "基本情况": self.situation,
            "帮扶需求": self.needs, "列入日期": self.listed_on,
        }, self.tr("从人员库中查找对象（库中没有的先点“新登记个人…”）。空格键勾选类别；Enter 下一项，Ctrl+Enter 保存。"
                   "带 * 的必须填写。"))
        self.colour.currentIndexChanged.connect(self._update_due)
        self.listed_on.dateChanged.connect(self._update_due)
        self.picker.chosen.connect(self._person_chosen)
        if subject is not None:
            self._show(subject, values)
        elif self.grid.count() == 2 and not user.can(grids.ALL):
            self.grid.setCurrentIndex(1)        # a worker with one grid: theirs
        self._update_due()
        self.setMinimumWidth(720)
        self.setFocusProxy(self.picker if subject is None else first_group)

    def _show(self, subject: CareSubject, values: dict) -> None:
        self.person = registers.person_of(subject.person_uid)
        person_text = "　".join(v for v in (values["name"], values["gender"], values["village"]) if v)
        self.person_label.setText(person_text + self.tr("（不能更换对象本人）"))
        for name in subject.groups:
            self.groups[name].setChecked(True)
        fill_colours(self.colour, (self.tr("（请选择关爱等级）"), ""), subject.colour)
        select_grid(self.grid, subject.grid_id, subject.grid)
        self.helper.setText(subject.helper)
        self.helper_phone.setText(subject.helper_phone)
        self.situation.setPlainText(subject.situation)
        self.needs.setPlainText(subject.needs)
        self.listed_on.setDate(QDate(subject.listed_on))

    def _person_chosen(self, person) -> None:
        self.person = person
        if person is not None and self.grid.currentIndex() == 0:
            grid_for_village(self.grid, person.village or "")

    def _update_due(self, *_args) -> None:
        days = registers.care_interval(self.colour.currentData() or "")
        if not days:
            self.due_hint.setText(self.tr("选择关爱等级后显示首次走访日期（红、橙、黄、绿四色，间隔不同）。"))
            return
        since = self.listed_on.date().toPython()
        if self.subject is not None and self.subject.last_visit:
            since = self.subject.last_visit
            text = self.tr("下次走访：上次走访 {0:%Y-%m-%d} 后 {1} 天，即 {2:%Y-%m-%d}。")
        else:
            text = self.tr("首次走访：列入日期后 {1} 天，即 {2:%Y-%m-%d}。")
        self.due_hint.setText(text.format(since, days, since + timedelta(days=days)))

    def entry(self) -> CareEntry:
        return CareEntry(
            person=self.person, groups=[name for name, box in self.groups.items() if box.isChecked()],
            colour=self.colour.currentData() or "", helper=self.helper.text(), grid=self.grid.currentData(),
            helper_phone=self.helper_phone.text(), situation=self.situation.toPlainText(),
            needs=self.needs.toPlainText(), listed_on=self.listed_on.date().toPython())

    def work(self):
        if self.subject is None:
            return registers.add_care(self.user, self.entry())
        return registers.update_care(self.user, self.subject, self.entry())


# --------------------------------------------------------------------------------------------------
# One subject
# --------------------------------------------------------------------------------------------------

class CareSubjectDialog(RecordDialog):
    """One subject, got through ``registers.get_care_subject`` (audited): what ``shown`` lets this user
    see, the visits, and 登记走访 / 修改 / 移出关爱 while 在册."""

    def __init__(self, user: User, subject: CareSubject, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.subject = subject
        self.values: dict = {}
        self.form: CareDialog | None = None
        self.chip = QLabel()
        self.audit_note = paint_hint(QLabel(self.tr("本次查看已记入操作日志。")))
        self.visit_model = RecordTableModel([
            Column(self.tr("走访日期"), lambda v: f"{v.visited_on:%Y-%m-%d}"),
            Column(self.tr("走访人"), lambda v: v.visitor),
            Column(self.tr("方式"), lambda v: v.kind),
            Column(self.tr("走访后等级"), lambda v: v.colour),
            Column(self.tr("帮扶措施"), lambda v: " ".join((v.help_given or "").split())),
            Column(self.tr("走访情况"), lambda v: " ".join((v.content or "").split())),
        ], self)
        self.visits = small_table(self.visit_model, 150)
        self.no_visits = paint_hint(QLabel(self.tr("还没有走访记录。按“登记走访”记录每次上门、电话或视频走访。")))
        self.no_visits.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        self.buttons = step_buttons(self.steps_row, [
            ("visit", self.tr("登记走访…"), self.add_visit),
            ("edit", self.tr("修改…"), self.edit),
            ("remove", self.tr("移出关爱…"), self.remove),
        ])
        detail_box = QGroupBox(self.tr("对象信息"))
        detail_box.setLayout(self.details)
        self.visit_box = QGroupBox(self.tr("走访记录"))
        visit_layout = QVBoxLayout(self.visit_box)
        visit_layout.addWidget(self.visits)
        visit_layout.addWidget(self.no_visits)
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addSpacing(8)
        top.addWidget(self.chip)
        top.addStretch(1)
        top.addWidget(self.deadline_label)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.audit_note)
        layout.addWidget(detail_box)
        layout.addWidget(self.visit_box, 1)
        layout.addLayout(self.bottom_row())
        self.resize(980, 720)
        self.show_subject(subject)
        self.focus_first_step()

    # --- showing ----------------------------------------------------------------------------------

    def show_subject(self, subject: CareSubject) -> None:
        self.subject = subject
        today = date.today()
        v = self.values = registers.shown(self.user, subject, today)
        self.setWindowTitle(self.tr("关爱帮扶对象 — {0}").format(v["name"]))
        self.heading.setText(f"{v['name']}　{v['status']}")
        self.chip.setText(self.tr("{0}色关爱").format(v["colour"]) if v["colour"] else "")
        self.chip.setStyleSheet(colour_chip(v["colour"]))
        self.chip.setToolTip(colour_shown(v["colour"]))
        if v["status"] == CARE_ACTIVE and v["next_due"]:
            due = date.fromisoformat(v["next_due"])
            left = (due - today).days
            self.show_deadline(left, v["state"], due)
            self.deadline_label.setText(self.tr("下次走访：") + self.deadline_label.text())
        else:
            self.deadline_label.setText(self.tr("{0} 移出：{1}").format(v["removed_on"], v["removed_reason"])
                                        if v["status"] == CARE_REMOVED else "")
            self.deadline_label.setStyleSheet("color: #555555; font-weight: bold;")
        helper = v["helper"] + (f"　{v['helper_phone']}" if v["helper_phone"] else "")
        fill_details(self.details, [
            (self.tr("姓名"), v["name"]),
            (self.tr("性别、年龄"), "　".join(x for x in (v["gender"], self.tr("{0} 岁").format(v["age"])
                                                            if v["age"] else "") if x)),
            (self.tr("证件号码"), v["id_number"]),
            (self.tr("联系电话"), v["phone"]),
            (self.tr("住址"), v["address"]),
            (self.tr("村（社区）"), v["village"]),
            (self.tr("所属网格"), v["grid"]),
            (self.tr("对象类别"), v["groups"]),
            (self.tr("关爱等级"), colour_shown(v["colour"])),
            (self.tr("帮扶人"), helper),
            (self.tr("列入日期"), v["listed_on"]),
            (self.tr("上次走访"), v["last_visit"] or self.tr("尚未走访")),
            (self.tr("基本情况"), v["situation"]),
            (self.tr("帮扶需求"), v["needs"]),
        ])
        visits = registers.care_visits(subject)
        self.visit_model.set_rows(list(reversed(visits)))     # the latest first
        self.visit_box.setTitle(self.tr("走访记录（{0} 次）").format(len(visits)))
        self.visits.setVisible(bool(visits))
        self.no_visits.setVisible(not visits)
        active = v["status"] == CARE_ACTIVE
        for button in self.buttons.values():
            button.setEnabled(active)
            button.setToolTip("" if active else self.tr("已移出关爱帮扶台账，不能再走访或修改。"))

    def reload(self) -> CareSubject:
        fresh = CareSubject.get_by_id(self.subject.id)    # just written by this dialog: not a new viewing
        self.show_subject(fresh)
        self.changed.emit(fresh)
        return fresh

    # --- steps --------------------------------------------------------------------------------------

    def add_visit(self) -> Step:
        today = date.today()
        colour = QComboBox()
        fill_colours(colour, (self.tr("（不变，仍为{0}）").format(self.values["colour"]), ""))
        intro = self.tr("走访后，下次走访日期按关爱等级的间隔从本次走访日期算起；走访中发现情况变化，可同时调整等级。")
        return self.open_step(
            self.tr("登记走访 — {0}").format(self.values["name"]),
            [("on", self.tr("走访日期 *"), day_edit(today, self.subject.listed_on, today)),
             ("visitor", self.tr("走访人 *"), line(self.user.display_name, self.tr("如 刘小燕、村医王芳"))),
             ("kind", self.tr("走访方式 *"), combo(VISIT_KINDS)),
             ("content", self.tr("走访情况 *"), text_box(self.tr("对象的身体、生活、居住状况，如 身体状况良好，生活能自理"), 80)),
             ("help", self.tr("帮扶措施"), text_box(self.tr("本次做了什么，如 送去米油，协助申请临时救助"), 60)),
             ("colour", self.tr("关爱等级"), colour)],
            lambda v: registers.add_care_visit(self.user, self.subject, CareVisitEntry(
                visited_on=v["on"], visitor=v["visitor"], kind=v["kind"], content=v["content"],
                help_given=v["help"], colour=v["colour"])),
            self.tr("保存走访"), intro)

    def edit(self) -> CareDialog:
        self.form = CareDialog(self.user, self.subject, self, shown_values=self.values)
        self.form.saved.connect(lambda _s: self.reload())
        self.form.open()
        return self.form

    def remove(self) -> Step:
        today = date.today()
        return self.open_step(
            self.tr("移出关爱 — {0}").format(self.values["name"]),
            [("reason", self.tr("移出原因 *"), line("", self.tr("如 已搬迁至县城居住、已去世、情况好转不再需要帮扶"))),
             ("on", self.tr("移出日期 *"), day_edit(today, self.subject.listed_on, today))],
            lambda v: registers.remove_care(self.user, self.subject, v["reason"], v["on"]),
            self.tr("移出"), self.tr("移出后不再提醒走访，记录和走访情况保留；以后需要时可重新列入。"))


__all__ = ("CareDialog", "CareSubjectDialog", "CareTab", "CareTableModel", "DisplayRow")
