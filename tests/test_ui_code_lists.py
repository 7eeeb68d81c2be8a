"""选项列表 in 系统设置: the administrator adds a dispute type, edits a risk colour's meaning, retires one."""

import pytest
from PySide6.QtCore import Qt

from models import codes
from tests.conftest import type_text
from ui.settings.code_lists import CodeListsTab


@pytest.fixture
def tab(qtbot, admin):
    widget = CodeListsTab(admin)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_adding_editing_and_retiring_entries(qtbot, tab, admin):
    tab.which.setCurrentIndex(tab.which.findData("dispute_type"))
    assert tab.model.rowCount() == 17
    dialog = tab.add()
    type_text(qtbot, dialog.name, "林权纠纷")
    qtbot.keyClick(dialog.name, Qt.Key_Return)
    assert not dialog.isVisible() and tab.model.rows[-1].name == "林权纠纷"
    assert "林权纠纷" in codes.names("dispute_type")

    tab.which.setCurrentIndex(tab.which.findData("risk_colour"))
    tab.table.select_row(0)
    dialog = tab.edit()
    assert dialog.name.isReadOnly() and dialog.name.text() == "红"
    dialog.meaning.clear()
    type_text(qtbot, dialog.meaning, "重大风险，镇党委牵头处置")
    dialog.save()
    assert codes.meaning_of("risk_colour", "红") == "重大风险，镇党委牵头处置"

    tab.table.select_row(3)
    assert tab.toggle.text() == "停用"
    tab.toggle_active()
    assert codes.names("risk_colour") == ["红", "橙", "黄"]
    tab.table.select_row(3)
    assert tab.model.index(3, 3).data() == "已停用" and tab.toggle.text() == "启用"
    assert tab.table.isColumnHidden(2)          # risk colours carry no number


def test_a_care_colours_visit_interval_is_edited_with_its_meaning(qtbot, tab):
    tab.which.setCurrentIndex(tab.which.findData("care_colour"))
    assert not tab.table.isColumnHidden(2)
    assert tab.model.headerData(2, Qt.Horizontal) == "走访间隔（天）"
    assert [tab.model.index(r, 2).data() for r in range(4)] == ["7", "15", "30", "90"]
    tab.table.select_row(1)
    dialog = tab.edit()
    assert dialog.number.text() == "15"
    dialog.number.clear()
    type_text(qtbot, dialog.number, "半个月")
    assert not dialog.save()
    assert "走访间隔（天）应为整数" in dialog.errors.label.text()
    assert dialog.number.selectedText() == "半个月"   # the field the message names is selected
    dialog.number.clear()
    qtbot.keyClicks(dialog.number, "14")
    assert dialog.save()
    assert codes.number_of("care_colour", "橙") == 14
    assert tab.model.index(1, 2).data() == "14"


def test_a_duplicate_or_empty_name_is_refused_under_the_form(qtbot, tab):
    tab.which.setCurrentIndex(tab.which.findData("dispute_type"))
    dialog = tab.add()
    assert not dialog.save()
    assert "请填写名称" in dialog.errors.label.text()
    type_text(qtbot, dialog.name, "邻里纠纷")
    assert not dialog.save() and "已有“邻里纠纷”" in dialog.errors.label.text()
    assert codes.names("dispute_type").count("邻里纠纷") == 1


def test_only_the_settings_manager_sees_the_tab(qtbot, admin, make_user, db_path):
    from ui.settings.page import SettingsPage

    page = SettingsPage(admin, db_path)
    qtbot.addWidget(page)
    assert page.lists_tab is not None
    mediator = make_user("mediator", username="tiaojie")
    theirs = SettingsPage(mediator, db_path)
    qtbot.addWidget(theirs)
    assert theirs.lists_tab is None
