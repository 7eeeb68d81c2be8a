"""The 矛盾调解 area as the main window shows it: its tabs, the home's watch lists, opening cases."""

from datetime import date, datetime, timedelta

import pytest

from models import audit, people
from models.mediation import disputes, petitions
from models.mediation.disputes import DisputeEntry, PartyEntry
from models.mediation.petitions import DecisionEntry, MeetingEntry, PetitionEntry
from ui.mediation.page import MediationPage


@pytest.fixture
def mediator(make_user):
    return make_user("mediator", username="tiaojie")


@pytest.fixture
def case(mediator):
    zhang = people.save_person(mediator, {"name": "张大山", "id_number": "500222199001011237"})
    li = people.save_person(mediator, {"name": "李小河", "id_number": "500222198503151235"})
    today = datetime.utcnow()
    return disputes.register(mediator, DisputeEntry(
        parties=[PartyEntry(zhang, "申请人"), PartyEntry(li, "被申请人")], facts="双方因宅基地边界发生争执。",
        dispute_type="邻里纠纷", accepted_on=date.today() - timedelta(days=27)), now=today)


def test_the_area_has_its_tabs_and_the_home_watches_deadlines(qtbot, mediator, case):
    page = MediationPage(mediator)
    qtbot.addWidget(page)
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == ["首页", "纠纷登记", "案件查询", "信访", "风险研判会"]
    petitions.register(mediator, PetitionEntry([people.Person.get()], "反映村道硬化占用承包地未获补偿"))
    petitions.hold_meeting(mediator, MeetingEntry(date.today(), "刘书记", "各村支书",
                                                  decisions=[DecisionEntry("派出所每周走访一次", "王所长")]))
    page.home.refresh()
    assert [d.id for d in page.home.due_box.model.rows] == [case.id]      # three days left of thirty
    assert page.home.due_box.title() == "即将到期与超期（1 件）"
    assert page.home.decision_box.model.rows[0].responsible == "王所长"
    assert page.home.reply_box.model.rowCount() == 0                      # sixty days to reply
    assert page.home.referral_box.empty.isVisibleTo(page.home.referral_box)


def test_opening_a_case_from_the_list_is_audited_and_refused_for_someone_elses(qtbot, mediator, case, make_user,
                                                                              monkeypatch):
    page = MediationPage(mediator)
    qtbot.addWidget(page)
    page.tabs.setCurrentWidget(page.cases)
    assert page.cases.model.rowCount() == 1
    page.cases.table.select_row(0)
    page.cases._open_selected()
    assert page.dialog is not None and page.dialog.isVisible()
    assert audit.AuditEntry.select().where(audit.AuditEntry.action == "view_sensitive").count() == 1
    page.dialog.close()
    other = make_user("mediator", username="tiaojie2")
    theirs = MediationPage(other)
    qtbot.addWidget(theirs)
    shown = []
    monkeypatch.setattr("ui.mediation.page.show_problem", lambda _parent, exc: shown.append(str(exc)))
    assert theirs.open_dispute(case) is None
    assert shown and "不是分配给您的案件" in shown[0]


def test_the_main_window_opens_the_mediation_area(qtbot, mediator, db_path):
    from ui.main_window import MainWindow

    window = MainWindow(mediator, db_path, str(db_path))
    qtbot.addWidget(window)
    page = window.show_area("mediation")
    assert isinstance(page, MediationPage)
    window.idle.stop()
