"""隐患: the hazards found on patrols and inspections — the list (overdue ones coloured) and one hazard with its
verification history and the steps 登记整改 and 复查 (合格 clears it; 不合格 sets a new deadline), and the
rectification notice (整改通知书) to print and hand to the party responsible.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import QCheckBox, QGroupBox, QLabel, QPushButton, QVBoxLayout, QWidget

from models import codes
from models.accounts import User
from models.patrol import hazards
from models.patrol.hazards import MAX_DEADLINE_DAYS, HazardFilter
from models.patrol.tables import (
    HAZARD_CATEGORIES, HAZARD_DUE_SOON_DAYS, HAZARD_STATUSES, HZ_CLEARED, HZ_OPEN, HZ_RECTIFIED, VERIFY_FAIL,
    VERIFY_PASS, Hazard,
)
from ui.common import Column, RecordTableModel, show_problem
from ui.lists import COUNT_CAP, KindListModel, ListPanel, choice_box, date_range
from ui.mediation.case_view import Step
from ui.patrol.events import (
    RecordDialog, combo, day_edit, fill_details, grid_text, small_table, source_patrol, step_buttons, text_box,
)


class HazardTableModel(KindListModel):
    """Hazards for a filter; the columns are models.exports' 隐患清单, which its 导出 Excel writes too."""

    kind = "hazards"
    state_columns = (6, 7, 8)

    def state(self, hazard: Hazard) -> str:
        return hazards.deadline(hazard, self.today)[1]


class HazardListPanel(ListPanel):
    """Search, status, category, found dates and 只看逾期 over the hazards of the user's grids; Enter or a
    double click opens one; Ctrl+E exports them."""

    export_kind = "hazards"

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(HazardTableModel(user), (200, 150, 80, 220, 170, 90, 90, 70, 80), parent)
        self.user = user
        self.search_edit.setPlaceholderText(self.tr("搜索隐患编号、地点、场所名称或责任人"))
        self.status = choice_box(self.tr("全部状态"), [(s, (s,)) for s in HAZARD_STATUSES])
        self.category = choice_box(self.tr("全部类别"), [(n, n) for n in codes.names(HAZARD_CATEGORIES)])
        self.overdue_only = QCheckBox(self.tr("只看逾期"))
        self.overdue_only.setToolTip(self.tr("只列出仍在整改中且已过整改期限的隐患"))
        self.watch(self.status, self.category, self.overdue_only)
        self.use_dates, self.date_from, self.date_to = date_range(self, self.tr("发现日期"))
        self.build([self.search_edit],
                   [self.status, self.category, self.use_dates, self.date_from, QLabel("—"), self.date_to,
                    self.overdue_only],
                   self.tr("底色：红 逾期未整改　橙 今日到期　黄 {0} 天内到期（待复查、已销号的不再计时）。"
                           "在列表中按 Enter 或双击查看隐患。").format(HAZARD_DUE_SOON_DAYS))

    def current_filter(self) -> HazardFilter:
        flt = HazardFilter(text=self.search_edit.text(), statuses=tuple(self.status.currentData() or ()),
                           category=self.category.currentData() or "",
                           overdue_on=date.today() if self.overdue_only.isChecked() else None)
        if self.use_dates.isChecked():
            flt.date_from = self.date_from.date().toPython()
            flt.date_to = self.date_to.date().toPython()
        return flt

    def count(self, flt: HazardFilter) -> int:
        return hazards.count_hazards(self.user, flt, cap=COUNT_CAP)


def render_notice(user: User, number: str):
    """The 整改通知书 (models.patrol.printing is imported only when it is printed)."""
    from models.patrol.printing import render

    return render(user, "hazard-notice", number)


class HazardDialog(RecordDialog):
    """One hazard, got through ``hazards.get_hazard``: details, verification visits, the steps it can take."""

    def __init__(self, user: User, hazard: Hazard, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.hazard = hazard
        self.setWindowTitle(self.tr("隐患 {0}").format(hazard.number))
        self.description = text_box(height=60)
        self.description.setReadOnly(True)
        self.description.setMaximumHeight(80)
        self.check_model = RecordTableModel([
            Column(self.tr("复查日期"), lambda c: f"{c.checked_on:%Y-%m-%d}"),
            Column(self.tr("复查人"), lambda c: c.checked_by),
            Column(self.tr("结果"), lambda c: c.result),
            Column(self.tr("新的整改期限"), lambda c: f"{c.new_deadline:%Y-%m-%d}" if c.new_deadline else "—"),
            Column(self.tr("复查情况"), lambda c: " ".join((c.notes or "").split())),
        ], self)
        self.checks = small_table(self.check_model, 110)
        self.no_checks = QLabel(self.tr("还没有复查记录。"))
        self.no_checks.setProperty("role", "hint")
        self.buttons = step_buttons(self.steps_row, [
            ("rectify", self.tr("登记整改…"), self.rectify),
            ("verify", self.tr("复查…"), self.verify),
        ])
        self.print_button = QPushButton(self.tr("打印整改通知书…"))
        self.print_button.setAutoDefault(False)
        self.print_button.setToolTip(self.tr("限期整改通知书，交整改责任人签收"))
        self.print_button.clicked.connect(self.print_notice)

        detail_box = QGroupBox(self.tr("隐患信息"))
        detail_box.setLayout(self.details)
        description_box = QGroupBox(self.tr("隐患描述与整改要求"))
        QVBoxLayout(description_box).addWidget(self.description)
        check_box = QGroupBox(self.tr("复查记录"))
        check_layout = QVBoxLayout(check_box)
        check_layout.addWidget(self.checks)
        check_layout.addWidget(self.no_checks)
        layout = QVBoxLayout(self)
        layout.addLayout(self.top_row())
        layout.addWidget(detail_box)
        layout.addWidget(description_box)
        layout.addWidget(check_box, 1)
        layout.addLayout(self.bottom_row(self.print_button))
        self.resize(1000, 760)
        self.show_hazard(hazard)
        self.focus_first_step()

    # --- showing ----------------------------------------------------------------------------------

    def show_hazard(self, h: Hazard) -> None:
        self.hazard = h
        self.heading.setText(f"{h.number}　{h.status}")
        left, state = hazards.deadline(h, date.today())
        self.show_deadline(left, state, h.deadline)
        if h.status == HZ_RECTIFIED:
            self.deadline_label.setText(self.tr("已整改，待复查"))
            self.deadline_label.setStyleSheet("color: #8d6e00; font-weight: bold;")
        elif h.status == HZ_CLEARED:
            self.deadline_label.setText(self.tr("{0:%Y-%m-%d} 复查合格，已销号").format(h.cleared_on))
            self.deadline_label.setStyleSheet("color: #2e7d32; font-weight: bold;")
        deadline = f"{h.deadline:%Y-%m-%d}"
        if h.deadlines > 1:
            deadline += self.tr("（第 {0} 次限期）").format(h.deadlines)
        responsible = h.responsible + (f"　{h.responsible_phone}" if h.responsible_phone else "")
        rectified = f"{h.rectified_on:%Y-%m-%d}　{h.rectification}" if h.rectified_on else ""
        fill_details(self.details, [
            (self.tr("隐患类别"), h.category),
            (self.tr("隐患等级"), h.level),
            (self.tr("隐患地点"), h.place),
            (self.tr("场所"), h.premises.name if h.premises is not None else ""),
            (self.tr("整改责任人"), responsible),
            (self.tr("所属网格"), grid_text(h.grid)),
            (self.tr("发现日期"), f"{h.found_on:%Y-%m-%d}"),
            (self.tr("来源巡查"), source_patrol(h) or (h.inspection.patrol.number if h.inspection is not None else "")),
            (self.tr("整改期限"), deadline),
            (self.tr("整改情况"), rectified),
            (self.tr("最近复查"), f"{h.verified_on:%Y-%m-%d}　{h.verified_by}" if h.verified_on else ""),
            (self.tr("销号日期"), f"{h.cleared_on:%Y-%m-%d}" if h.cleared_on else ""),
        ])
        self.description.setPlainText(self.tr("隐患描述：{0}\n整改要求：{1}").format(h.description, h.requirement))
        rows = hazards.checks(h)
        self.check_model.set_rows(rows)
        self.checks.setVisible(bool(rows))
        self.no_checks.setVisible(not rows)
        why_not = self.why_not(h)
        for key, button in self.buttons.items():
            button.setEnabled(not why_not[key])
            button.setToolTip(why_not[key])

    def why_not(self, h: Hazard) -> dict[str, str]:
        """Each step → "" when the hazard's status allows it, else why not."""
        if h.status == HZ_OPEN:
            return {"rectify": "", "verify": ""}
        if h.status == HZ_RECTIFIED:
            return {"rectify": self.tr("已登记整改，等待复查。"), "verify": ""}
        done = self.tr("隐患已复查合格并销号。")
        return {"rectify": done, "verify": done}

    def reload(self) -> Hazard:
        try:
            fresh = hazards.get_hazard(self.user, self.hazard.number)
        except Exception as exc:  # noqa: BLE001
            show_problem(self, exc)
            return self.hazard
        self.show_hazard(fresh)
        self.changed.emit(fresh)
        return fresh

    # --- steps --------------------------------------------------------------------------------------

    def rectify(self) -> Step:
        h = self.hazard
        today = date.today()
        return self.open_step(
            self.tr("登记整改 — {0}").format(h.number),
            [("rectification", self.tr("整改情况 *"), text_box(self.tr("整改了什么、怎样整改的，如 纸箱已清走，通道畅通"))),
             ("on", self.tr("整改日期 *"), day_edit(today, h.found_on, today))],
            lambda v: hazards.rectify(self.user, self.hazard, v["rectification"], v["on"]), self.tr("登记整改"),
            self.tr("整改要求：{0}\n登记后隐患转为“待复查”，由网格员上门复查。").format(h.requirement))

    def verify(self) -> Step:
        h = self.hazard
        today = date.today()
        result = combo((VERIFY_PASS, VERIFY_FAIL))
        earliest = h.rectified_on or h.found_on
        checked_on = day_edit(today, earliest, today)
        new_deadline = day_edit(today + timedelta(days=7), None, today + timedelta(days=MAX_DEADLINE_DAYS))
        new_deadline.setEnabled(False)
        result.currentTextChanged.connect(lambda text: new_deadline.setEnabled(text == VERIFY_FAIL))
        checked_on.dateChanged.connect(lambda day: new_deadline.setMaximumDate(day.addDays(MAX_DEADLINE_DAYS)))
        state = (self.tr("已于 {0:%Y-%m-%d} 登记整改：{1}").format(h.rectified_on, h.rectification) if h.rectified_on
                 else self.tr("尚未登记整改（上门时发现已整改的，可直接复查合格）。"))
        return self.open_step(
            self.tr("复查 — {0}").format(h.number),
            [("result", self.tr("复查结果 *"), result),
             ("notes", self.tr("复查情况"), text_box(self.tr("现场复查看到的情况（不合格时必填）"), 70)),
             ("on", self.tr("复查日期 *"), checked_on),
             ("new_deadline", self.tr("新的整改期限"), new_deadline)],
            lambda v: hazards.verify(self.user, self.hazard, v["result"], v["notes"], v["on"],
                                     v["new_deadline"] if v["result"] == VERIFY_FAIL else None),
            self.tr("保存复查"),
            self.tr("{0}\n合格：隐患销号。不合格：写明复查情况，并定新的整改期限（晚于复查日期）。").format(state))

    def print_notice(self):
        from ui.printing import show_printable

        number = self.hazard.number
        self.preview = show_printable(self, self.user, lambda: render_notice(self.user, number))
        return self.preview


__all__ = ("HazardDialog", "HazardListPanel", "HazardTableModel")
