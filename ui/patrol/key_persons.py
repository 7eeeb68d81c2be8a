"""重点人员: the key-person register of the 网格巡查 area, for users with ``patrol.sensitive`` only (the page
builds this tab for nobody else, and models/ refuses everyone else anyway).

The counts line (在管 by category), the list (keyset paging, deadline colours), 列管 (Ctrl+N), 访视不足 (严重
精神障碍患者 followed up fewer than 4 times this year) and one person (Enter, audited by models/) with their
assessments and follow-ups and the steps 危险性评估, 登记随访, 修改 and 解除列管.

As in the care register the screens show only the display values models/ returns (``key_rows``): the ID
number in full only to users with ``people.full_id``. Every opening writes a "view_sensitive" audit line.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QCoreApplication, QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QSpinBox,
    QVBoxLayout, QWidget,
)

from models.accounts import User
from models.patrol import grids, registers
from models.patrol.registers import AssessmentEntry, KeyFilter, KeyPersonEntry, KeyVisitEntry
from models.patrol.tables import (
    DANGER_LEVELS, DRUG, DRUG_STAGES, KEY_ACTIVE, KEY_CATEGORIES, KEY_RELEASED, MENTAL, MIN_VISITS_A_YEAR,
    VISIT_KINDS, KeyPerson,
)
from models.people import Person
from ui.common import Column, RecordTableModel, notice, paint_hint, shortcut, show_problem
from ui.hall.pickers import PartyPicker
from ui.lists import COUNT_CAP, KindListModel, ListPanel, WatchList, choice_box
from ui.mediation.case_view import Step
from ui.patrol.care import (
    AUDIT_NOTE, DisplayRow, RegisterForm, fill_grid_combo, grid_choices, grid_for_village, notes_box,
    select_grid,
)
from ui.patrol.events import RecordDialog, combo, day_edit, fill_details, line, small_table, step_buttons, text_box

# 严重精神障碍患者危险性评估 (严重精神障碍管理治疗工作规范): what each level means, shortened
DANGER_MEANINGS = {
    0: "无下列任何行为",
    1: "口头威胁、喊叫，但没有打砸行为",
    2: "有打砸行为，局限在家里、针对财物，能被劝说制止",
    3: "明显打砸行为，不分场合、针对财物，不能接受劝说而停止",
    4: "持续打砸，不分场合、针对财物或人，不能劝止（含自伤、自杀）",
    5: "持械针对人的暴力行为，或纵火、爆炸等",
}


def level_text(level: int) -> str:
    days = registers.key_interval(MENTAL, level)
    return f"{level} 级　{DANGER_MEANINGS[level]}（每 {days} 天随访）"


def danger_combo(current: int | None = None) -> QComboBox:
    box = QComboBox()
    box.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)   # long meanings: the form sets the width
    box.setMinimumContentsLength(24)
    box.addItem(QCoreApplication.translate("patrol", "（请选择危险性等级）"), "")
    for level in DANGER_LEVELS:
        box.addItem(level_text(level), level)
    if current is not None:
        box.setCurrentIndex(box.findData(current))
    return box


def stage_combo(current: str = "") -> QComboBox:
    box = QComboBox()
    box.addItem(QCoreApplication.translate("patrol", "（请选择管控阶段）"), "")
    for stage in DRUG_STAGES:
        box.addItem(stage, stage)
    if current:
        box.setCurrentIndex(max(box.findData(current), 0))
    return box


def counts_text(counts: dict[str, int]) -> str:
    """在管：严重精神障碍患者 23 人，吸毒人员 370 人（其中社区戒毒康复 38 人），…"""
    parts = []
    for category in KEY_CATEGORIES:
        text = f"{category} {counts.get(category, 0)} 人"
        if category == DRUG:
            text += f"（其中{registers.REHAB} {counts.get(registers.REHAB, 0)} 人）"
        parts.append(text)
    return "在管：" + "，".join(parts) + "。"


# --------------------------------------------------------------------------------------------------
# The list
# --------------------------------------------------------------------------------------------------

class KeyTableModel(KindListModel):
    """The key-person register's rows (``registers.key_rows``) in the columns of models.exports' 重点人员台账,
    which its 导出 Excel writes too."""

    kind = "key_persons"
    state_columns = (7, 8)

    def fetch(self, flt: KeyFilter, before_id: int | None, limit: int) -> list[DisplayRow]:
        return [DisplayRow(values) for values in super().fetch(flt, before_id, limit)]

    def state(self, row: DisplayRow) -> str:
        return row["state"]


class KeyPersonTab(ListPanel):
    """The key-person register: counts, filters, search, 列管 (Ctrl+N), 访视不足; Enter opens a person;
    Ctrl+E exports it (audited)."""

    export_kind = "key_persons"

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(KeyTableModel(user), (80, 170, 130, 130, 110, 80, 100, 100, 90), parent)
        self.user = user
        self.dialog: QDialog | None = None
        self.search_edit.setPlaceholderText(self.tr("搜索姓名、电话、证件号码或村（社区）"))
        self.category = choice_box(self.tr("全部类别"), [(c, c) for c in KEY_CATEGORIES])
        self.grid = choice_box(self.tr("全部网格"), [(f"{g.code} {g.name}", g.id) for g in grid_choices(user)])
        self.status = choice_box(self.tr("在管和已解除"), [(self.tr("在管"), KEY_ACTIVE),
                                                          (self.tr("已解除"), KEY_RELEASED)])
        self.status.setCurrentIndex(1)
        self.due_only = QCheckBox(self.tr("只看随访到期"))
        self.due_only.setToolTip(self.tr("只列出在管、已过下次随访日期还没有随访的人员"))
        self.new_button = QPushButton(self.tr("列管（Ctrl+N）"))
        self.new_button.clicked.connect(self.add)
        self.open_button = QPushButton(self.tr("查看（Enter）"))
        self.open_button.clicked.connect(self._open_selected)
        self.short_button = QPushButton(self.tr("访视不足…"))
        self.short_button.setToolTip(self.tr("本年度随访不足 {0} 次的在管严重精神障碍患者").format(MIN_VISITS_A_YEAR))
        self.short_button.clicked.connect(self.show_short)
        self.watch(self.category, self.grid, self.status, self.due_only)
        self.build([self.search_edit, self.new_button, self.open_button, self.short_button],
                   [QLabel(self.tr("类别")), self.category, QLabel(self.tr("网格")), self.grid, self.status,
                    self.due_only],
                   self.tr("底色：红 随访已超期　橙 今日应随访　黄 三天内应随访。严重精神障碍患者 3–5 级每 2 周、1–2 级每月、"
                           "0 级每季度随访，每年不少于 4 次。在列表中按 Enter 或双击查看。"))
        self.counts_label = QLabel()
        self.counts_label.setProperty("role", "value")
        self.counts_label.setWordWrap(True)
        self.audit_note = notice(self.tr(AUDIT_NOTE), "info")
        self.layout().insertWidget(0, notes_box(self.counts_label, self.audit_note))
        self.opened.connect(self.open_person)
        shortcut("Ctrl+N", self, self.add, Qt.WidgetWithChildrenShortcut)

    def current_filter(self) -> KeyFilter:
        return KeyFilter(text=self.search_edit.text(), category=self.category.currentData() or "",
                         grid_id=self.grid.currentData() or None, status=self.status.currentData() or "",
                         overdue_only=self.due_only.isChecked(), today=date.today())

    def count(self, flt: KeyFilter) -> int:
        return registers.count_key_persons(self.user, flt, cap=COUNT_CAP)

    def refresh(self) -> None:
        super().refresh()
        try:
            self.counts_label.setText(counts_text(registers.key_counts(self.user)))
            short = len(registers.short_of_visits(self.user, date.today().year))
        except Exception as exc:  # noqa: BLE001 - refused or a bug: shown, never lost
            show_problem(self, exc)
            return
        self.short_button.setText(self.tr("访视不足 {0} 人…").format(short) if short else self.tr("访视不足…"))

    def add(self) -> "KeyPersonDialog":
        self.dialog = KeyPersonDialog(self.user, None, self)
        self.dialog.saved.connect(lambda _kp: self.refresh())
        self.dialog.open()
        return self.dialog

    def open_person(self, row, parent: QWidget | None = None) -> "KeyPersonRecordDialog | None":
        """Open one person (audited by models/: get_key_person), over `parent` (default: this tab)."""
        try:
            kp = registers.get_key_person(self.user, row.id)
        except Exception as exc:  # noqa: BLE001 - refused or a bug: shown, never lost
            show_problem(self, exc)
            return None
        self.dialog = KeyPersonRecordDialog(self.user, kp, parent or self)
        self.dialog.changed.connect(lambda _kp: self.refresh())
        self.dialog.open()
        return self.dialog

    def _open_short(self, row, short: "ShortOfVisitsDialog") -> None:
        dialog = self.open_person(row, short)
        if dialog is not None:     # a follow-up registered there may take the patient off the list
            dialog.changed.connect(short.refresh)

    def show_short(self) -> "ShortOfVisitsDialog":
        short = self.dialog = ShortOfVisitsDialog(self.user, self)
        short.chosen.connect(lambda row: self._open_short(row, short))
        short.open()
        return short


class ShortOfVisitsDialog(QDialog):
    """访视不足: 在管 严重精神障碍患者 with fewer than 4 follow-ups in a year (this year by default), the
    fewest first; Enter or a double click opens one."""

    chosen = Signal(object)   # a DisplayRow

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.setWindowTitle(self.tr("访视不足 — 严重精神障碍患者"))
        self.year = QSpinBox()
        self.year.setRange(2000, date.today().year)
        self.year.setValue(date.today().year)
        self.year.setSuffix(self.tr(" 年"))
        self.list = WatchList([
            Column(self.tr("姓名"), lambda r: r["name"]),
            Column(self.tr("证件号码"), lambda r: r["id_number"]),
            Column(self.tr("危险性等级"), lambda r: r["danger_level"]),
            Column(self.tr("管控责任人"), lambda r: r["responsible"]),
            Column(self.tr("列管日期"), lambda r: r["listed_on"]),
            Column(self.tr("上次随访"), lambda r: r["last_visit"]),
            Column(self.tr("本年随访"), lambda r: self.tr("{0} 次").format(r["visits"])),
        ], self.tr("所有在管患者本年度随访都已达到 {0} 次。").format(MIN_VISITS_A_YEAR))
        self.list.activated.connect(self.chosen)
        close = QPushButton(self.tr("关闭"))
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("年度")))
        top.addWidget(self.year)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(paint_hint(QLabel(self.tr(
            "严重精神障碍患者每年随访不少于 {0} 次。下列在管患者该年度随访不足，请尽快安排随访；选中后按 Enter 查看。"
        ).format(MIN_VISITS_A_YEAR))))
        layout.addWidget(self.list, 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        self.year.valueChanged.connect(self.refresh)
        self.resize(860, 480)
        self.refresh()
        self.setFocusProxy(self.list.table)

    def refresh(self, *_args) -> int:
        try:
            short = registers.short_of_visits(self.user, self.year.value())
            values = registers.key_rows(self.user, [kp for kp, _n in short])
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc)
            return 0
        rows = [DisplayRow({**row, "visits": visits}) for row, (_kp, visits) in zip(values, short)]
        return self.list.show_rows(rows, self.tr("{0} 年随访不足 {1} 次：{{0}} 人").format(
            self.year.value(), MIN_VISITS_A_YEAR), alarm=True)


# --------------------------------------------------------------------------------------------------
# 列管 / 修改
# --------------------------------------------------------------------------------------------------

class KeyPersonDialog(RegisterForm):
    """列管 (no record given: the person is picked from the registry) or 修改 one (the person and the category
    stay). 危险性等级 shows only for 严重精神障碍患者, 管控阶段 only for 吸毒人员. `saved(person)` after saving."""

    def __init__(self, user: User, kp: KeyPerson | None = None, parent: QWidget | None = None,
                 values: dict | None = None):
        super().__init__(parent)
        self.user = user
        self.kp = kp
        self.result_value = None
        self.person: Person | None = None
        values = values or (registers.key_rows(user, [kp])[0] if kp is not None else None)
        self.setWindowTitle(self.tr("修改重点人员 — {0}").format(values["name"]) if kp is not None
                            else self.tr("列管重点人员"))
        self.picker = PartyPicker(user, organisations=False)
        self.person_label = QLabel()
        self.person_label.setProperty("role", "value")
        self.category = QComboBox()
        self.category.addItem(self.tr("（请选择人员类别）"), "")
        for category in KEY_CATEGORIES:
            self.category.addItem(category, category)
        self.danger_level = danger_combo()
        self.stage = stage_combo()
        self.grid = QComboBox()
        fill_grid_combo(self.grid, user, self.tr("（不指定网格）"))
        self.responsible = line(user.display_name, self.tr("管控责任人，如 派出所陈警官、综治专干"))
        self.helper = line("", self.tr("帮扶人（选填），如 网格员刘小燕"))
        self.guardian = line("", self.tr("严重精神障碍患者的监护人，如 张小山（儿子）"))
        self.measures = text_box(self.tr("落实的管控措施，如 监护人看护，按时服药，每月随访"), 60)
        self.listed_on = day_edit(date.today(), None, date.today())
        self.due_hint = paint_hint(QLabel())

        self.form = form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        if kp is None:
            form.addRow(self.tr("人员 *"), self.picker)
            self.person_label.hide()
        else:
            self.picker.hide()
            form.addRow(self.tr("人员"), self.person_label)
        form.addRow(self.tr("人员类别 *"), self.category)
        form.addRow(self.tr("危险性等级 *"), self.danger_level)
        form.addRow(self.tr("管控阶段 *"), self.stage)
        form.addRow(self.tr("所属网格"), self.grid)
        form.addRow(self.tr("管控责任人 *"), self.responsible)
        form.addRow(self.tr("帮扶人"), self.helper)
        form.addRow(self.tr("监护人"), self.guardian)
        form.addRow(self.tr("管控措施"), self.measures)
        form.addRow(self.tr("列管日期 *"), self.listed_on)
        form.addRow("", self.due_hint)
        self.setup_form(form, {
            "人员": self.picker, "重点人员": self.picker, "人员类别": self.category, "危险性等级": self.danger_level,
            "管控阶段": self.stage, "网格": self.grid, "管控责任人": self.responsible, "帮扶人": self.helper,
            "监护人": self.guardian, "管控措施": self.measures, "列管日期": self.listed_on,
        }, self.tr("从人员库中查找人员（库中没有的先点“新登记个人…”）。严重精神障碍患者须评定危险性等级，吸毒人员须选择"
                   "管控阶段。Enter 下一项，Ctrl+Enter 保存。带 * 的必须填写。"))
        self.category.currentIndexChanged.connect(self._category_changed)
        self.danger_level.currentIndexChanged.connect(self._update_due)
        self.listed_on.dateChanged.connect(self._update_due)
        self.picker.chosen.connect(self._person_chosen)
        if kp is not None:
            self._show(kp, values)
        elif self.grid.count() == 2 and not user.can(grids.ALL):
            self.grid.setCurrentIndex(1)
        self._category_changed()
        self.setMinimumWidth(680)
        self.setFocusProxy(self.picker if kp is None else self.responsible)

    def _show(self, kp: KeyPerson, values: dict) -> None:
        self.person = registers.person_of(kp.person_uid)
        self.person_label.setText("　".join(v for v in (values["name"], values["id_number"]) if v)
                                  + self.tr("（不能更换人员和类别）"))
        self.category.setCurrentIndex(max(self.category.findData(kp.category), 0))
        self.category.setEnabled(False)
        if kp.danger_level is not None:
            self.danger_level.setCurrentIndex(self.danger_level.findData(kp.danger_level))
        if kp.stage:
            self.stage.setCurrentIndex(max(self.stage.findData(kp.stage), 0))
        select_grid(self.grid, kp.grid_id, kp.grid)
        self.responsible.setText(kp.responsible)
        self.helper.setText(kp.helper)
        self.guardian.setText(kp.guardian)
        self.measures.setPlainText(kp.measures)
        self.listed_on.setDate(QDate(kp.listed_on))

    def _category_changed(self, *_args) -> None:
        category = self.category.currentData() or ""
        self.form.setRowVisible(self.danger_level, category == MENTAL)
        self.form.setRowVisible(self.stage, category == DRUG)
        self._update_due()

    def _person_chosen(self, person) -> None:
        self.person = person
        if person is not None and self.grid.currentIndex() == 0:
            grid_for_village(self.grid, person.village or "")

    def _update_due(self, *_args) -> None:
        category = self.category.currentData() or ""
        level = self.danger_level.currentData()
        if not category or (category == MENTAL and level in ("", None)):
            self.due_hint.setText(self.tr("选择人员类别（严重精神障碍患者还要评定危险性等级）后显示首次随访日期。"))
            return
        days = registers.key_interval(category, level if category == MENTAL else None)
        listed = self.listed_on.date().toPython()
        if self.kp is not None:
            self.due_hint.setText(self.tr("每 {0} 天随访一次。").format(days))
            return
        self.due_hint.setText(self.tr("首次随访：列管日期后 {0} 天，即 {1:%Y-%m-%d}。").format(
            days, listed + timedelta(days=days)))

    def entry(self) -> KeyPersonEntry:
        category = self.category.currentData() or ""
        level = self.danger_level.currentData()
        return KeyPersonEntry(
            person=self.person, category=category,
            danger_level=(None if level in ("", None) else level) if category == MENTAL else None,
            stage=(self.stage.currentData() or "") if category == DRUG else "",
            responsible=self.responsible.text(), grid=self.grid.currentData(), helper=self.helper.text(),
            guardian=self.guardian.text(), measures=self.measures.toPlainText(),
            listed_on=self.listed_on.date().toPython())

    def work(self):
        if self.kp is None:
            return registers.add_key_person(self.user, self.entry())
        return registers.update_key_person(self.user, self.kp, self.entry())


# --------------------------------------------------------------------------------------------------
# One person
# --------------------------------------------------------------------------------------------------

class KeyPersonRecordDialog(RecordDialog):
    """One person, got through ``registers.get_key_person`` (audited): details, assessments, follow-ups,
    and 危险性评估 / 登记随访 / 修改 / 解除列管 while 在管."""

    def __init__(self, user: User, kp: KeyPerson, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.kp = kp
        self.values: dict = {}
        self.form: KeyPersonDialog | None = None
        self.audit_note = paint_hint(QLabel(self.tr("本次查看已记入操作日志。")))
        self.assessment_model = RecordTableModel([
            Column(self.tr("评估日期"), lambda a: f"{a.assessed_on:%Y-%m-%d}"),
            Column(self.tr("评估人"), lambda a: a.assessor),
            Column(self.tr("危险性等级"), lambda a: "" if a.danger_level is None else f"{a.danger_level} 级"),
            Column(self.tr("评估意见"), lambda a: " ".join((a.notes or "").split())),
        ], self)
        self.assessments = small_table(self.assessment_model, 90)
        self.visit_model = RecordTableModel([
            Column(self.tr("随访日期"), lambda v: f"{v.visited_on:%Y-%m-%d}"),
            Column(self.tr("随访人"), lambda v: v.visitor),
            Column(self.tr("方式"), lambda v: v.kind),
            Column(self.tr("落实措施"), lambda v: " ".join((v.measures or "").split())),
            Column(self.tr("现实表现"), lambda v: " ".join((v.situation or "").split())),
        ], self)
        self.visits = small_table(self.visit_model, 130)
        self.buttons = step_buttons(self.steps_row, [
            ("assess", self.tr("危险性评估…"), self.assess),
            ("visit", self.tr("登记随访…"), self.add_visit),
            ("edit", self.tr("修改…"), self.edit),
            ("release", self.tr("解除列管…"), self.release),
        ])
        detail_box = QGroupBox(self.tr("人员信息"))
        detail_box.setLayout(self.details)
        self.assessment_box = QGroupBox(self.tr("评估记录"))
        QVBoxLayout(self.assessment_box).addWidget(self.assessments)
        self.visit_box = QGroupBox(self.tr("随访记录"))
        QVBoxLayout(self.visit_box).addWidget(self.visits)
        layout = QVBoxLayout(self)
        layout.addLayout(self.top_row())
        layout.addWidget(self.audit_note)
        layout.addWidget(detail_box)
        layout.addWidget(self.assessment_box, 1)
        layout.addWidget(self.visit_box, 2)
        layout.addLayout(self.bottom_row())
        self.resize(1000, 780)
        self.show_person(kp)
        self.focus_first_step()

    def show_person(self, kp: KeyPerson) -> None:
        self.kp = kp
        today = date.today()
        v = self.values = registers.key_rows(self.user, [kp], today)[0]
        self.setWindowTitle(self.tr("重点人员 — {0}").format(v["name"]))
        self.heading.setText(f"{v['name']}　{v['category']}　{v['status']}")
        if v["status"] == KEY_ACTIVE and v["next_due"]:
            due = date.fromisoformat(v["next_due"])
            self.show_deadline((due - today).days, v["state"], due)
            self.deadline_label.setText(self.tr("下次随访：") + self.deadline_label.text())
        else:
            self.deadline_label.setText(self.tr("{0} 解除：{1}").format(v["released_on"], v["released_reason"])
                                        if v["status"] == KEY_RELEASED else "")
            self.deadline_label.setStyleSheet("color: #555555; font-weight: bold;")
        mental, drug = v["category"] == MENTAL, v["category"] == DRUG
        rows = [
            (self.tr("姓名"), v["name"]), (self.tr("性别"), v["gender"]),
            (self.tr("证件号码"), v["id_number"]), (self.tr("联系电话"), v["phone"]),
            (self.tr("住址"), v["address"]), (self.tr("村（社区）"), v["village"]),
            (self.tr("所属网格"), v["grid"]), (self.tr("人员类别"), v["category"]),
        ]
        if mental:
            level = kp.danger_level
            rows.append((self.tr("危险性等级"), level_text(level) if level is not None else ""))
            rows.append((self.tr("监护人"), v["guardian"]))
        if drug:
            rows.append((self.tr("管控阶段"), v["stage"]))
        rows += [
            (self.tr("管控责任人"), v["responsible"]), (self.tr("帮扶人"), v["helper"]),
            (self.tr("列管日期"), v["listed_on"]), (self.tr("上次随访"), v["last_visit"] or self.tr("尚未随访")),
        ]
        if not mental and v["guardian"]:
            rows.append((self.tr("监护人"), v["guardian"]))
        rows.append((self.tr("管控措施"), v["measures"]))
        fill_details(self.details, rows)
        assessments = registers.key_assessments(kp)
        self.assessment_model.set_rows(list(reversed(assessments)))
        self.assessment_box.setTitle(self.tr("评估记录（{0} 次）").format(len(assessments)))
        visits = registers.key_visits(kp)
        self.visit_model.set_rows(list(reversed(visits)))
        this_year = sum(1 for visit in visits if visit.visited_on.year == today.year)
        title = self.tr("随访记录（共 {0} 次，本年 {1} 次）").format(len(visits), this_year)
        if mental and v["status"] == KEY_ACTIVE and this_year < MIN_VISITS_A_YEAR:
            title += self.tr("　本年随访不足 {0} 次").format(MIN_VISITS_A_YEAR)
        self.visit_box.setTitle(title)
        self.buttons["assess"].setText(self.tr("危险性评估…") if mental else self.tr("定期评估…"))
        active = v["status"] == KEY_ACTIVE
        for button in self.buttons.values():
            button.setEnabled(active)
            button.setToolTip("" if active else self.tr("已解除列管，不能再评估、随访或修改。"))

    def reload(self) -> KeyPerson:
        fresh = KeyPerson.get_by_id(self.kp.id)    # just written by this dialog: not a new viewing
        self.show_person(fresh)
        self.changed.emit(fresh)
        return fresh

    # --- steps --------------------------------------------------------------------------------------

    def assess(self) -> Step:
        today = date.today()
        mental = self.kp.category == MENTAL
        fields = [("on", self.tr("评估日期 *"), day_edit(today, self.kp.listed_on, today)),
                  ("assessor", self.tr("评估人 *"), line("", self.tr("如 镇卫生院精神科医生李华、司法所")))]
        if mental:
            fields.append(("level", self.tr("危险性等级 *"), danger_combo(self.kp.danger_level)))
        fields.append(("notes", self.tr("评估意见"), text_box(self.tr("如 近期情绪激动，有冲动行为，建议加强看护"), 70)))
        intro = (self.tr("危险性等级升至 3–5 级的，下次随访提前到评估后 14 天内；降至 0–2 级的，按新的间隔从上次随访起算。")
                 if mental else self.tr("记录定期评估的结果。"))
        return self.open_step(
            self.tr("危险性评估 — {0}").format(self.values["name"]) if mental
            else self.tr("定期评估 — {0}").format(self.values["name"]),
            fields,
            lambda v: registers.assess(self.user, self.kp, AssessmentEntry(
                assessed_on=v["on"], assessor=v["assessor"], danger_level=v.get("level") if mental else None,
                notes=v["notes"])),
            self.tr("保存评估"), intro)

    def add_visit(self) -> Step:
        today = date.today()
        days = registers.key_interval(self.kp.category, self.kp.danger_level)
        return self.open_step(
            self.tr("登记随访 — {0}").format(self.values["name"]),
            [("on", self.tr("随访日期 *"), day_edit(today, self.kp.listed_on, today)),
             ("visitor", self.tr("随访人 *"), line(self.user.display_name, self.tr("如 陈警官、网格员刘小燕"))),
             ("kind", self.tr("随访方式 *"), combo(VISIT_KINDS)),
             ("situation", self.tr("现实表现 *"), text_box(self.tr("如 情绪稳定，按时服药，与家人相处融洽"), 80)),
             ("measures", self.tr("落实措施"), text_box(self.tr("如 提醒监护人看护，联系村医上门送药"), 60))],
            lambda v: registers.add_key_visit(self.user, self.kp, KeyVisitEntry(
                visited_on=v["on"], visitor=v["visitor"], kind=v["kind"], situation=v["situation"],
                measures=v["measures"])),
            self.tr("保存随访"), self.tr("随访后，下次随访在 {0} 天后。").format(days),
            aliases={"走访日期": "on", "走访人": "visitor", "走访方式": "kind"})

    def edit(self) -> KeyPersonDialog:
        self.form = KeyPersonDialog(self.user, self.kp, self, values=self.values)
        self.form.saved.connect(lambda _kp: self.reload())
        self.form.open()
        return self.form

    def release(self) -> Step:
        today = date.today()
        return self.open_step(
            self.tr("解除列管 — {0}").format(self.values["name"]),
            [("reason", self.tr("解除原因 *"), line("", self.tr("如 矫正期满、戒断三年以上未复吸、病情稳定经评估解除"))),
             ("on", self.tr("解除日期 *"), day_edit(today, self.kp.listed_on, today))],
            lambda v: registers.release_key_person(self.user, self.kp, v["reason"], v["on"]),
            self.tr("解除"), self.tr("解除后不再提醒随访，评估和随访记录保留；以后需要时可重新列管。"))


__all__ = ("KeyPersonDialog", "KeyPersonRecordDialog", "KeyPersonTab", "KeyTableModel", "ShortOfVisitsDialog")
