"""受理登记: the mediation centre's intake screen — the parties, what happened, how it will be mediated.

Keyboard first. In the 当事人 box a party is found by ID number, name or phone (the hall's PartyPicker);
Enter picks, and Enter again (in the box's fields) adds the party to the list, Tab moves between
its fields; Delete removes the selected party. Outside the box Enter moves on; Ctrl+Enter 受理. Nothing is
written unless every field is right: the error names the field and the cursor goes there.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QDate, QEvent, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDateEdit, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton, QScrollArea, QSizePolicy, QSpinBox, QVBoxLayout, QWidget,
)

from models import accounts, codes
from models.accounts import User
from models.errors import TownDeskError, ValidationError
from models.mediation import disputes
from models.mediation.disputes import GRID_SOURCE, PETITION_SOURCE, DisputeEntry, PartyEntry
from models.mediation.tables import (
    CHANNELS, DISPUTE_TYPES, JOINT_BODIES, REFUSED, RISK_COLOURS, SIDES, SOURCES,
)
from models.people import Organisation, shown_id
from ui.common import (
    Column, FieldErrors, RecordTable, RecordTableModel, hint, notice, paint_hint, shortcut,
)
from ui.hall.pickers import PartyPicker

# How a risk colour's name is painted (the scale is an editable list: an unknown name is grey).
RISK_HEX = {"红": "#d32f2f", "橙": "#ef6c00", "黄": "#f9a825", "蓝": "#1565c0", "绿": "#2e7d32"}
ENTER_KEYS = (Qt.Key_Return, Qt.Key_Enter)


def risk_icon(name: str) -> QIcon:
    """A small square of the colour, for lists and combo boxes."""
    pixmap = QPixmap(14, 14)
    pixmap.fill(QColor(RISK_HEX.get(name, "#9e9e9e")))
    return QIcon(pixmap)


def risk_text(name: str) -> str:
    """红（涉及多部门、情况复杂，需联合处置）; 未评估 for none."""
    if not name:
        return QCoreApplication.translate("DisputeForm", "未评估")
    meaning = codes.meaning_of(RISK_COLOURS, name)
    return f"{name}（{meaning}）" if meaning else name


def mediator_users(first: User | None = None) -> list[User]:
    """Active users who may mediate (矛盾调解 permission); `first` (the registrar) leads the list.

    models.accounts has no "users holding a permission" query: every live user is read and filtered.
    """
    users = [u for u in accounts.list_users() if u.can(disputes.USE)]
    users.sort(key=lambda u: (first is None or u.username != first.username, u.display_name, u.username))
    return users


class DayEdit(QDateEdit):
    """A date (yyyy-MM-dd, calendar on Alt+↓) that Tab leaves at once: ← → move between year, month and day."""

    def __init__(self, day: QDate | None = None, parent: QWidget | None = None):
        super().__init__(day or QDate.currentDate(), parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")

    def focusNextPrevChild(self, next_: bool) -> bool:  # noqa: N802 (Qt's name)
        return QWidget.focusNextPrevChild(self, next_)


def one_line_hint(text: str) -> QLabel:
    """A grey hint that does not wrap (see the scroll area in DisputeForm)."""
    label = hint(text)
    label.setWordWrap(False)
    return label


def set_tab_order(widgets) -> None:
    for before, after in zip(widgets, widgets[1:]):
        QWidget.setTabOrder(before, after)


def party_phone(entry: PartyEntry) -> str:
    """The phone typed for this case, else the registry's."""
    return entry.phone or entry.record.phone or ""


class DisputeForm(QWidget):
    """One dispute at a time; after 受理 the form is empty again and the cursor is in the party search."""

    registered = Signal(object)   # the Dispute

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.parties: list[PartyEntry] = []
        self.last_dispute = None

        title = QLabel(self.tr("调解受理登记"))
        title.setProperty("role", "title")
        intro = one_line_hint(self.tr("登记当事人的调解申请（或调委会主动排查、有关部门移交的纠纷）。受理后进入“调解中”，"
                             "一般应在 30 日内调结。"))

        # --- 当事人 ---------------------------------------------------------------------------------
        self.picker = PartyPicker(user)
        self.side = QComboBox()
        for side in SIDES:
            self.side.addItem(self.tr(side), side)
        self.occupation = QLineEdit()
        self.occupation.setPlaceholderText(self.tr("如 农民、个体户、某公司经理"))
        self.phone = QLineEdit()
        self.phone.setPlaceholderText(self.tr("不填则用人员库中的电话"))
        self.address = QLineEdit()
        self.address.setPlaceholderText(self.tr("不填则用人员库中的住址"))
        self.claims = QLineEdit()
        self.claims.setPlaceholderText(self.tr("该当事人请求调解解决的事项，如“要求对方拆除越界围墙”"))
        self.add_button = QPushButton(self.tr("添加当事人(&A)"))
        self.add_button.setToolTip(self.tr("把上面选中的当事人加入列表（在本栏中按 Enter 也可以）"))
        self.add_button.clicked.connect(self.add_party)
        self.party_model = RecordTableModel([
            Column(self.tr("身份"), lambda p: p.side),
            Column(self.tr("姓名/名称"), lambda p: p.record.name),
            Column(self.tr("证件号码"), lambda p: (p.record.credit_code or "") if isinstance(p.record, Organisation)
                   else shown_id(self.user, p.record.id_number)),
            Column(self.tr("职业或职务"), lambda p: p.occupation),
            Column(self.tr("联系电话"), party_phone),
            Column(self.tr("申请事项"), lambda p: p.claims),
        ], self)
        self.party_table = RecordTable(self.party_model, select_on_focus=True)
        self.party_table.verticalHeader().setVisible(False)
        self.party_table.setFixedHeight(128)     # three parties in view; more scroll
        header = self.party_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setStretchLastSection(True)
        self.party_table.setToolTip(self.tr("Delete 键移除选中的当事人"))
        self.remove_button = QPushButton(self.tr("移除选中"))
        self.remove_button.setToolTip(self.tr("移除列表中选中的当事人（Delete 键）"))
        self.remove_button.clicked.connect(self.remove_party)

        # --- the dispute ----------------------------------------------------------------------------
        self.facts = QPlainTextEdit()
        self.facts.setTabChangesFocus(True)
        self.facts.setPlaceholderText(self.tr("纠纷发生的时间、地点、起因、经过和目前状况"))
        self.facts.setMinimumHeight(70)
        self.accepted_on = DayEdit()
        self.source = QComboBox()
        for source in SOURCES:
            if source not in (GRID_SOURCE, PETITION_SOURCE):   # those arrive from the grid and petition areas
                self.source.addItem(self.tr(source), source)
        self.dispute_type = QComboBox()
        self.risk = QComboBox()         # each colour with its meaning (an editable list: 风险等级)
        self.amount = QLineEdit()
        self.amount.setPlaceholderText(self.tr("元，如 12500 或 12,500.50；不涉及可不填"))
        self.people_involved = QSpinBox()
        self.people_involved.setRange(0, 100000)
        self.people_involved.setSpecialValueText(self.tr("同当事人数"))
        self.people_involved.setSuffix(self.tr(" 人"))
        self.village = QLineEdit()
        self.village.setPlaceholderText(self.tr("纠纷发生地，如 石龙村"))
        self.channel = QComboBox()
        for channel in CHANNELS:
            self.channel.addItem(self.tr(channel), channel)
        self.joint = {body: QCheckBox(self.tr(body)) for body in JOINT_BODIES}
        self.mediators = QListWidget()
        self.mediators.setMaximumHeight(76)
        self.mediators.setToolTip(self.tr("空格键勾选或取消"))
        self.refused = QCheckBox(self.tr("当事人明确拒绝调解（不予受理）"))
        self.refused_reason = QLineEdit()
        self.refused_reason.setPlaceholderText(self.tr("须写明：谁、何时、如何表示拒绝调解"))

        self.register_button = QPushButton()
        self.register_button.setProperty("class", "success")
        self.register_button.clicked.connect(self.submit)
        self.clear_button = QPushButton(self.tr("清空（Ctrl+Shift+N）"))
        self.clear_button.clicked.connect(self.reset)
        for button in (self.add_button, self.remove_button, self.register_button, self.clear_button):
            button.setAutoDefault(False)

        self.error_label = QLabel()
        self.errors = FieldErrors(self.error_label, {
            "受理日期": self.accepted_on, "案件来源": self.source, "纠纷类型": self.dispute_type,
            "当事人": self.picker, "纠纷简要情况": self.facts, "涉及金额": self.amount,
            "涉及人数": self.people_involved, "所在村（社区）": self.village, "风险等级": self.risk,
            "调解类型": self.channel, "联合调解单位": self.joint[JOINT_BODIES[0]], "调解员": self.mediators,
            "不予受理的理由": self.refused_reason,
            # a party's own details: the party is in the list
            "年龄": self.party_table, "性别": self.party_table, "职业或职务": self.party_table,
            "联系方式": self.party_table, "住址": self.party_table, "法定代表人": self.party_table,
        })
        self.result = notice("", "info")
        self.result.hide()

        # --- layout ---------------------------------------------------------------------------------
        party_box = QGroupBox(self.tr("当事人（至少一位申请人和一位被申请人）"))
        party_layout = QVBoxLayout(party_box)
        party_form = QFormLayout()
        party_form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        party_form.addRow(self.tr("查找当事人"), self.picker)
        party_form.addRow("", one_line_hint(self.tr("Enter 选中，再按 Enter 加入列表；库中没有的点“新登记…”。")))
        row = QHBoxLayout()
        row.addWidget(self.side)
        row.addWidget(QLabel(self.tr("职业或职务")))
        row.addWidget(self.occupation, 1)
        party_form.addRow(self.tr("身份"), row)
        row = QHBoxLayout()
        row.addWidget(self.phone, 2)
        row.addWidget(QLabel(self.tr("住址")))
        row.addWidget(self.address, 3)
        party_form.addRow(self.tr("联系电话"), row)
        row = QHBoxLayout()
        row.addWidget(self.claims, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        party_form.addRow(self.tr("申请事项"), row)
        party_layout.addLayout(party_form)
        party_layout.addWidget(self.party_table)
        party_box.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Maximum)
        self.party_box = party_box

        facts_box = QGroupBox(self.tr("纠纷简要情况 *"))
        facts_layout = QVBoxLayout(facts_box)
        facts_layout.addWidget(self.facts, 1)
        facts_layout.addWidget(one_line_hint(self.tr("写明起因、经过和双方的主要分歧，至少 10 个字；印在申请书和受理登记表上。")))

        left = QVBoxLayout()
        left.addWidget(party_box)
        left.addWidget(facts_box, 1)

        case_box = QGroupBox(self.tr("受理信息"))
        case_form = QFormLayout(case_box)
        case_form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        case_form.addRow(self.tr("受理日期 *"), self.accepted_on)
        case_form.addRow(self.tr("案件来源 *"), self.source)
        case_form.addRow(self.tr("纠纷类型 *"), self.dispute_type)
        case_form.addRow(self.tr("所在村（社区）"), self.village)
        row = QHBoxLayout()
        row.addWidget(self.amount, 3)
        row.addWidget(QLabel(self.tr("涉及人数")))
        row.addWidget(self.people_involved, 2)
        case_form.addRow(self.tr("涉及金额"), row)
        case_form.addRow(self.tr("风险等级"), self.risk)
        case_form.addRow(self.tr("调解类型 *"), self.channel)
        joint_row = QHBoxLayout()
        for box in self.joint.values():
            box.setToolTip(self.tr("人民法庭、派出所、司法所参与联合调解的，勾选参与的单位"))
            joint_row.addWidget(box)
        joint_row.addStretch(1)
        case_form.addRow(self.tr("一庭两所"), joint_row)
        case_form.addRow(self.tr("调解员"), self.mediators)
        case_form.addRow("", one_line_hint(self.tr("第一位勾选的为主办；都不勾选则由您本人承办。")))
        case_form.addRow(self.tr("不予受理"), self.refused)
        case_form.addRow("", self.refused_reason)
        case_form.addRow("", one_line_hint(self.tr("人民调解法第十七条：一方明确拒绝调解的，不得调解。")))

        right = QVBoxLayout()
        right.addWidget(case_box)
        right.addStretch(1)

        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)

        buttons = QHBoxLayout()
        buttons.addWidget(self.register_button)
        buttons.addWidget(self.result)
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        keys = paint_hint(QLabel(self.tr(
            "Enter 到下一项（当事人栏中为添加，查找框为空时到纠纷简要情况）　Delete 移除当事人　"
            "Ctrl+Enter 受理　Ctrl+Shift+N 清空")))

        content = QWidget()
        inner = QVBoxLayout(content)
        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addSpacing(16)
        heading.addWidget(intro, 1)
        inner.addLayout(heading)
        inner.addLayout(columns, 1)
        inner.addWidget(self.error_label)
        inner.addLayout(buttons)
        inner.addWidget(keys)
        # On a small screen (or while the picker lists its matches) the form scrolls rather than growing the
        # window. No label here wraps: a wrapped label makes the scroll area size the form to its preferred
        # height for the width instead of its minimum.
        for label in (self.error_label, self.result, self.picker.chosen_label):
            label.setWordWrap(False)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.setFocusProxy(self.picker)

        # --- keys -----------------------------------------------------------------------------------
        set_tab_order([
            self.picker.edit, self.picker.results, self.side, self.occupation, self.phone, self.address, self.claims,
            self.add_button, self.picker.new_person, self.picker.new_org, self.party_table, self.remove_button,
            self.facts, self.accepted_on, self.source, self.dispute_type, self.village, self.amount,
            self.people_involved, self.risk, self.channel, *self.joint.values(), self.mediators, self.refused,
            self.refused_reason, self.register_button, self.clear_button,
        ])
        self._party_fields = (self.side, self.occupation, self.phone, self.address, self.claims)
        self._moving_on = (self.accepted_on, self.source, self.dispute_type, self.village, self.amount,
                           self.people_involved, self.risk, self.channel, *self.joint.values(), self.refused,
                           self.refused_reason)
        self.picker.edit.installEventFilter(self)   # after the picker's own filter, so this one runs first
        for widget in (*self._party_fields, *self._moving_on):
            widget.installEventFilter(self)
        for keys_text in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut(keys_text, self, self.submit, Qt.WidgetWithChildrenShortcut)
        shortcut("Ctrl+Shift+N", self, self.reset, Qt.WidgetWithChildrenShortcut)
        shortcut(Qt.Key_Delete, self.party_table, self.remove_party, Qt.WidgetShortcut)

        self.picker.chosen.connect(self._party_chosen)
        self.risk.currentIndexChanged.connect(self._risk_changed)
        self.refused.toggled.connect(self._refused_toggled)
        self.reset()

    # --- lists that can change between two registrations (codes, users) --------------------------------

    def _fill_choices(self) -> None:
        self.dispute_type.clear()
        self.dispute_type.addItem(self.tr("请选择纠纷类型"), "")
        for name in codes.names(DISPUTE_TYPES):
            self.dispute_type.addItem(name, name)
        self.risk.clear()
        self.risk.addItem(self.tr("未评估（研判后标注）"), "")
        for item in codes.items(RISK_COLOURS):
            label = f"{item.name}　{item.meaning}" if item.meaning else item.name
            self.risk.addItem(risk_icon(item.name), label, item.name)
        self.mediators.clear()
        for user in mediator_users(self.user):
            row = QListWidgetItem(f"{user.display_name}（{user.username}）")
            row.setData(Qt.UserRole, user.username)
            row.setFlags(row.flags() | Qt.ItemIsUserCheckable)
            row.setCheckState(Qt.Checked if user.username == self.user.username else Qt.Unchecked)
            self.mediators.addItem(row)
        if self.mediators.count():
            self.mediators.setCurrentRow(0)

    # --- reacting -----------------------------------------------------------------------------------

    def _party_chosen(self, record) -> None:
        if record is not None and not self.village.text() and getattr(record, "village", ""):
            self.village.setText(record.village)

    def _risk_changed(self, _index: int) -> None:
        name = self.risk.currentData() or ""
        meaning = codes.meaning_of(RISK_COLOURS, name) if name else ""
        self.risk.setToolTip(f"{name}：{meaning}" if meaning else self.tr("风险研判后标注；红、橙色纠纷须重点关注"))

    def _refused_toggled(self, refused: bool) -> None:
        self.refused_reason.setEnabled(refused)
        self.mediators.setEnabled(not refused)
        self.register_button.setText(self.tr("登记为不予受理（Ctrl+Enter）") if refused
                                     else self.tr("受理（Ctrl+Enter）"))
        if refused:
            self.refused_reason.setFocus()

    def eventFilter(self, obj, event):  # noqa: N802 (Qt's name)
        if (event.type() == QEvent.KeyPress and event.key() in ENTER_KEYS
                and not event.modifiers() & (Qt.ControlModifier | Qt.AltModifier | Qt.ShiftModifier)):
            if obj is self.picker.edit:
                # Enter with a party picked and nothing new typed: add them (a search is the picker's own)
                if not self.picker.edit.text().strip():
                    if self.picker.record is not None:
                        self.add_party()
                    else:                  # nobody more to find: on to what happened
                        self.facts.setFocus(Qt.TabFocusReason)
                    return True
            elif obj in self._party_fields:
                if not (isinstance(obj, QComboBox) and obj.view().isVisible()):
                    self.add_party()
                    return True
            elif obj in self._moving_on:
                if not (isinstance(obj, QComboBox) and obj.view().isVisible()):
                    self.focusNextChild()
                    return True
        return super().eventFilter(obj, event)

    # --- parties --------------------------------------------------------------------------------------

    def add_party(self) -> PartyEntry | None:
        """The picked record with its side and details into the list; the box is empty again."""
        self.errors.clear()
        record = self.picker.record
        try:
            if record is None:
                raise ValidationError("当事人", self.tr("请先在“查找当事人”中输入证件号码、姓名或电话，按 Enter 选中当事人。"))
            if any(p.record.uid == record.uid for p in self.parties):
                raise ValidationError("当事人", self.tr("“{0}”已在当事人列表中。").format(record.name))
        except ValidationError as exc:
            self.errors.show(exc)
            return None
        entry = PartyEntry(record=record, side=self.side.currentData(), occupation=self.occupation.text().strip(),
                           phone=self.phone.text().strip(), address=self.address.text().strip(),
                           claims=self.claims.text().strip())
        self.parties.append(entry)
        self._show_parties()
        self._clear_party_box()
        sides = {p.side for p in self.parties}
        missing = [s for s in SIDES if s not in sides]
        self.side.setCurrentIndex(self.side.findData(missing[0] if missing else entry.side))
        self.picker.edit.setFocus()
        return entry

    def remove_party(self) -> None:
        entry = self.party_table.selected()
        if entry is None:
            return
        row = self.parties.index(entry)
        self.parties.remove(entry)
        self._show_parties()
        if self.parties:
            self.party_table.select_row(min(row, len(self.parties) - 1))
        else:
            self.picker.edit.setFocus()

    def _show_parties(self) -> None:
        self.party_model.set_rows(self.parties)
        counts = {side: sum(p.side == side for p in self.parties) for side in SIDES}
        self.party_box.setTitle(self.tr("当事人：申请人 {0} 人，被申请人 {1} 人").format(counts[SIDES[0]], counts[SIDES[1]])
                                if self.parties else self.tr("当事人（至少一位申请人和一位被申请人）"))

    def _clear_party_box(self) -> None:
        self.picker.clear()
        for edit in (self.occupation, self.phone, self.address, self.claims):
            edit.clear()

    # --- 受理 ------------------------------------------------------------------------------------------

    def entry(self) -> DisputeEntry:
        refused = self.refused.isChecked()
        reason = self.refused_reason.text().strip()
        mediators = [self.mediators.item(i).data(Qt.UserRole) for i in range(self.mediators.count())
                     if self.mediators.item(i).checkState() == Qt.Checked]
        return DisputeEntry(
            parties=list(self.parties), facts=self.facts.toPlainText(), dispute_type=self.dispute_type.currentData(),
            source=self.source.currentData(), accepted_on=self.accepted_on.date().toPython(),
            amount=self.amount.text().strip() or None, people_involved=self.people_involved.value() or None,
            village=self.village.text(), risk_colour=self.risk.currentData() or "", channel=self.channel.currentData(),
            joint=[body for body, box in self.joint.items() if box.isChecked()],
            mediators=[] if refused else mediators, refused=refused, refused_reason=reason if refused else "")

    def _show_error(self, exc: TownDeskError) -> None:
        """As FieldErrors does; a party's own detail (第 2 位当事人的身份, 张三的申请事项) puts the cursor in the list."""
        field = getattr(exc, "field", "") or ""
        if field not in self.errors.fields and (field.startswith("第 ") or field.endswith("申请事项")):
            self.errors.label.setText(exc.message)
            self.errors.label.show()
            self.party_table.setFocus(Qt.OtherFocusReason)
            return
        self.errors.show(exc)

    def submit(self):
        """受理 (or 不予受理): the Dispute, or None with the error shown under the form."""
        self.result.hide()
        ok, dispute = self.errors.attempt(self, lambda: disputes.register(self.user, self.entry()), self._show_error)
        if not ok:
            return None
        self.last_dispute = dispute
        self.reset()
        self.result.setText(self.outcome_text(dispute))
        self.result.show()
        self.registered.emit(dispute)
        return dispute

    def outcome_text(self, dispute) -> str:
        names = "、".join(p.name for p in disputes.parties(dispute))
        if dispute.status == REFUSED:
            return self.tr("已登记 {0}（{1}）：当事人拒绝调解，不予受理。").format(dispute.number, names)
        return self.tr("已登记 {0}（{1}）：已受理，调解中，应于 {2:%Y-%m-%d} 前调结。").format(
            dispute.number, names, dispute.due_on)

    def reset(self) -> None:
        """Empty for the next dispute; the choices are read again (an admin may have edited the lists)."""
        self.errors.clear()
        self.parties = []
        self._show_parties()
        self._clear_party_box()
        self.side.setCurrentIndex(0)
        self.facts.clear()
        self.accepted_on.setMaximumDate(QDate.currentDate())
        self.accepted_on.setDate(QDate.currentDate())
        self.source.setCurrentIndex(0)
        self._fill_choices()
        self.dispute_type.setCurrentIndex(0)
        self.risk.setCurrentIndex(0)
        self._risk_changed(0)
        self.amount.clear()
        self.people_involved.setValue(0)
        self.village.clear()
        self.channel.setCurrentIndex(0)
        for box in self.joint.values():
            box.setChecked(False)
        self.refused.setChecked(False)
        self.refused_reason.clear()
        self._refused_toggled(False)
        self.picker.edit.setFocus()
