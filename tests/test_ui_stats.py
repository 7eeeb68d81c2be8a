"""统计报表: the leaders' dashboard over the demo's weeks of every area (打通镇, up to 15 December 2022)."""

import io
from datetime import date, datetime

import openpyxl
import pytest
from PySide6.QtCharts import QBarSeries, QChartView, QPieSeries
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QShortcut

from models import accounts, demo
from models.db import close_database, open_database
from models.audit import AuditEntry
from models.stats import figures, periods
from ui.common import wait_quiet_work
from ui.main_window import MainWindow
from tests.conftest import built_once, copy_of
from ui.stats import StatsDashboard
from ui.stats.area_view import NO_PREVIOUS, NO_RECORDS
from ui.stats.dashboard import file_name

NOW = datetime(2022, 12, 15, 6, 0)         # 14:00 in 打通镇
DECEMBER = periods.month(2022, 12)
KEY_PERSON_FIGURES = {"在管重点人员", "跟踪管理戒毒康复人员", "重点人员走访"}


@pytest.fixture(scope="module")
def town_file(tmp_path_factory):
    """The demo town's weeks of every area, built once for the module."""
    return built_once(tmp_path_factory, "town", lambda: demo.load_demo(now=NOW))


@pytest.fixture
def town(town_file, tmp_path):
    """A copy of the demo town, open as a test's database: its admin (every permission)."""
    open_database(copy_of(town_file, tmp_path))
    yield accounts.get_user("admin")
    wait_quiet_work()       # a count still running off the GUI thread reads this database
    close_database()


@pytest.fixture
def leader(town):
    """赵德明, 领导: stats.view only — no key persons."""
    user = accounts.get_user("lingdao")
    assert user.can("stats.view") and not user.can("patrol.sensitive")
    return user


def settled(dash):
    return dash.stats is not None and not dash.busy


def open_dashboard(qtbot, user, period=DECEMBER):
    dash = StatsDashboard(user)
    qtbot.addWidget(dash)
    dash.resize(1280, 760)
    dash.show()                                  # the first statistics are computed when first shown
    qtbot.waitUntil(lambda: settled(dash), timeout=30_000)
    if period is not None:
        dash.set_period(period.kind, period.start.year,
                        (period.start.month - 1) // 3 + 1 if period.kind == periods.QUARTER else period.start.month,
                        start=period.start, end=period.end)
        dash.refresh()
        qtbot.waitUntil(lambda: settled(dash) and dash.stats.period == period, timeout=30_000)
    return dash


def cell_texts(table):
    model = table.model()
    return [[model.data(model.index(r, c)) for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_opens_on_this_year_and_a_chosen_month_shows_the_models_figures(qtbot, leader):
    dash = open_dashboard(qtbot, leader, period=None)
    assert dash.current_period() == periods.year(date.today().year)
    assert dash.stats.period == periods.year(date.today().year)
    # 月度 2022年12月 chosen with the keyboard: 年度 → 月度 is two steps up, the month is the last one
    dash.kind.setFocus()
    qtbot.keyClick(dash.kind, Qt.Key_Up)
    qtbot.keyClick(dash.kind, Qt.Key_Up)
    assert dash.kind.currentData() == periods.MONTH and dash.month.isVisible() and not dash.quarter.isVisible()
    dash.year.lineEdit().selectAll()
    qtbot.keyClicks(dash.year, "2022")
    qtbot.keyClick(dash.month, Qt.Key_End)
    qtbot.waitUntil(lambda: settled(dash) and dash.stats.period == DECEMBER, timeout=30_000)   # no F5 needed

    expected = figures.compute(leader, DECEMBER)
    assert [a.key for a in expected.areas] == ["hall", "mediation", "patrol"]
    assert [dash.tabs.tabText(i) for i in range(dash.tabs.count())] == ["一窗受理", "矛盾纠纷调解", "网格化管理与平安建设"]
    assert dash.caption.text() == "2022年12月工作统计 · 全部站点"
    for area in expected.areas:
        view = dash.views[area.key]
        assert area.has_data and view.empty is None
        assert view.sentences.toPlainText() == "".join(area.sentences)
        cards = [(c.label.text(), c.value.text(), c.change.text()) for c in view.cards]
        assert cards == [(f.label, f.text, f.change or NO_PREVIOUS) for f in area.figures]
        assert cell_texts(view.table) == [[f.label, f.text, f.previous_text, f.change or NO_PREVIOUS, f.note]
                                          for f in area.figures]
        # every breakdown has its table, its 合计 the breakdown's total
        assert [t.share.title for t in view.share_tables] == [s.title for s in area.shares]
        for table, share in zip(view.share_tables, area.shares):
            rows = cell_texts(table)
            assert rows[-1][:2] == ["合计", f"{share.total:,}"]
            assert {r[0] for r in rows[:-1]} == {n for n, v, _p in share.items if v}
    hall = expected.area("hall")
    assert hall.figure("accepted").text == "28件" and dash.views["hall"].cards[0].value.text() == "28件"


def test_the_charts_draw_the_series_and_shares(qtbot, town):
    dash = open_dashboard(qtbot, town)
    expected = figures.compute(town, DECEMBER)
    for area in expected.areas:
        views = dash.views[area.key].findChildren(QChartView)
        bars = [v.chart().series()[0] for v in views if isinstance(v.chart().series()[0], QBarSeries)]
        pies = [v.chart().series()[0] for v in views if isinstance(v.chart().series()[0], QPieSeries)]
        drawn = [s for s in area.series if any(s.values)]
        assert len(bars) == len(drawn) >= 1
        for series, bar in zip(drawn, bars):
            (current,) = bar.barSets()              # last December has no records: no 上年同期 bars
            assert current.label() == "本期"
            assert [int(current.at(i)) for i in range(current.count())] == series.values
            axis = bar.attachedAxes()[0]
            assert axis.categories() == [label.removesuffix("日") for label in series.labels]
        shares = [s for s in area.shares if s.total][:2]
        assert len(pies) == len(shares) >= 1
        for share, pie in zip(shares, pies):
            assert sum(s.value() for s in pie.slices()) == share.total
            for part in pie.slices():
                name = part.label().split(" ")[0]
                value = dict((n, v) for n, v, _p in share.items)[name]
                assert part.label() == f"{name} {value:,}{share.unit}（{value / share.total * 100:.1f}%）".replace(
                    ".0%", "%")
    hall = dash.views["hall"].findChildren(QChartView)
    assert any("行政审批 7件（25%）" == s.label() for v in hall for s in getattr(v.chart().series()[0], "slices",
                                                                             lambda: [])())


def test_a_period_without_records_says_so_instead_of_empty_charts(qtbot, leader):
    dash = open_dashboard(qtbot, leader, periods.year(2021))
    for key in ("hall", "mediation"):
        view = dash.views[key]
        assert view.empty is not None and view.empty.text() == NO_RECORDS
        assert not view.findChildren(QChartView) and not view.cards
    # the grids and the care register exist whatever the year: the patrol tab has its coverage
    assert dash.views["patrol"].empty is None


def test_copying_the_report_text(qtbot, leader):
    dash = open_dashboard(qtbot, leader)
    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(dash.copy_button, Qt.LeftButton)
    text = figures.compute(leader, DECEMBER).text()
    assert text.startswith("一窗受理：累计办理各类许可等行政审批事项7件")
    assert QGuiApplication.clipboard().text() == text
    assert "已把 2022年12月（全部站点）的报告文字复制到剪贴板（3 段）" in dash.status.text()


def test_exporting_the_pdf_report_and_the_workbook(qtbot, town, tmp_path, monkeypatch):
    dash = open_dashboard(qtbot, town)
    problems = []       # a failure would be shown in a dialog nobody answers here: collected, and it fails the test
    monkeypatch.setattr("ui.stats.dashboard.show_problem", lambda parent, exc, title=None: problems.append(exc))
    asked = []

    def ask_path(kind):
        asked.append((kind, file_name("打通镇", dash.stats, kind)))
        return str(tmp_path / f"统计报告-{kind}")    # no extension typed: it is added

    dash.ask_path = ask_path
    qtbot.mouseClick(dash.pdf_button, Qt.LeftButton)
    pdf = tmp_path / "统计报告-pdf.pdf"
    qtbot.waitUntil(lambda: not dash.exporting, timeout=60_000)
    assert problems == [] and pdf.read_bytes().startswith(b"%PDF")
    assert dash.status.text() == f"已导出 {pdf}"
    qtbot.mouseClick(dash.xlsx_button, Qt.LeftButton)
    xlsx = tmp_path / "统计报告-xlsx.xlsx"
    qtbot.waitUntil(lambda: not dash.exporting, timeout=60_000)
    assert problems == [], problems
    assert dash.status.text() == f"已导出 {xlsx}"
    book = openpyxl.load_workbook(io.BytesIO(xlsx.read_bytes()))
    assert book.sheetnames[:4] == ["报告文字", "一窗受理", "矛盾纠纷调解", "网格化管理与平安建设"]
    hall = [[c.value for c in row] for row in book["一窗受理"].iter_rows()]
    assert any(row[1] == "受理办件" and row[2] == 28 for row in hall)
    assert asked == [("pdf", "打通镇2022年12月工作统计报告.pdf"), ("xlsx", "打通镇2022年12月工作统计报告.xlsx")]
    exports = [e.summary for e in AuditEntry.select().where(AuditEntry.action == "export").order_by(AuditEntry.id)]
    assert exports == ["导出统计报告 2022年12月（全部站点，PDF 报告）", "导出统计报告 2022年12月（全部站点，Excel 工作簿）"]
    # a cancelled dialog writes nothing and audits nothing
    dash.ask_path = lambda kind: ""
    qtbot.mouseClick(dash.pdf_button, Qt.LeftButton)
    assert not dash.exporting and AuditEntry.select().where(AuditEntry.action == "export").count() == 2


def test_the_suggested_file_name_is_the_towns_report():
    stats = figures.Statistics(periods.year(2022), periods.year(2021), "", "全部站点", [], NOW, "赵德明")
    assert file_name("打通镇", stats, "pdf") == "打通镇2022年工作统计报告.pdf"
    custom = figures.Statistics(periods.custom(date(2022, 3, 1), date(2022, 5, 31)), periods.year(2021), "DT01",
                                "站点 DT01", [], NOW, "赵德明")
    assert file_name("打通镇", custom, "xlsx") == "打通镇站点 DT012022年03月01日至2022年05月31日工作统计报告.xlsx"


def test_a_custom_range_that_ends_before_it_starts_is_named_and_nothing_runs(qtbot, leader, monkeypatch):
    dash = open_dashboard(qtbot, leader)
    calls = []
    real = figures.compute
    monkeypatch.setattr(figures, "compute", lambda *a, **k: calls.append(a) or real(*a, **k))
    dash.set_period(periods.CUSTOM, start=date(2022, 12, 10), end=date(2022, 12, 1))
    assert dash.start.isVisible() and dash.end.isVisible() and not dash.year.isVisible()
    qtbot.mouseClick(dash.refresh_button, Qt.LeftButton)
    assert dash.error.isVisible() and dash.error.text() == "统计期间：统计期间的结束日期早于开始日期，请检查"
    qtbot.wait(700)                          # the change's own delayed refresh finds the same mistake
    assert calls == [] and not dash.busy and dash.stats.period == DECEMBER
    assert dash.error.text() == "统计期间：统计期间的结束日期早于开始日期，请检查"
    # put right, it computes
    dash.end.setDate(date(2022, 12, 12))
    qtbot.waitUntil(lambda: settled(dash) and dash.stats.period == periods.custom(date(2022, 12, 10),
                                                                               date(2022, 12, 12)), timeout=30_000)
    assert not dash.error.isVisible() and len(calls) == 1
    assert dash.caption.text() == "2022年12月10日至2022年12月12日工作统计 · 全部站点"


def test_a_newer_request_supersedes_the_older(qtbot, leader):
    dash = open_dashboard(qtbot, leader)
    shown = []
    dash.computed.connect(lambda stats: shown.append(stats.period))
    dash.set_period(periods.YEAR, 2021)
    dash.refresh()
    assert dash.busy and not dash.copy_button.isEnabled() and dash.progress.isVisible()
    dash.set_period(periods.QUARTER, 2022, 4)
    dash.refresh()
    qtbot.waitUntil(lambda: settled(dash), timeout=30_000)
    qtbot.wait(600)                          # the debounced refresh of the last change, if any, is settled too
    qtbot.waitUntil(lambda: settled(dash), timeout=30_000)
    assert dash.stats.period == periods.quarter(2022, 4)
    assert periods.year(2021) not in shown and shown[-1] == periods.quarter(2022, 4)
    assert dash.copy_button.isEnabled() and not dash.progress.isVisible()


def test_the_leader_sees_no_key_person_figures(qtbot, leader, town):
    dash = open_dashboard(qtbot, leader)
    patrol = dash.views["patrol"]
    labels = {c.label.text() for c in patrol.cards}
    assert labels.isdisjoint(KEY_PERSON_FIGURES) and "巡查" in labels
    assert "重点人员的数字只对有“查看重点人员”权限的用户显示" in patrol.notes.text()
    assert "邪教" not in patrol.sentences.toPlainText()
    assert "重点人员按类别" not in [t.share.title for t in patrol.share_tables]
    # the admin holds patrol.sensitive: the same period shows them
    full = open_dashboard(qtbot, town)
    assert KEY_PERSON_FIGURES <= {c.label.text() for c in full.views["patrol"].cards}
    assert full.views["patrol"].notes is None and "邪教" in full.views["patrol"].sentences.toPlainText()


def test_keys_and_focus(qtbot, leader):
    dash = open_dashboard(qtbot, leader)
    f5 = [s for s in dash.findChildren(QShortcut) if s.key().toString() == "F5"]
    assert len(f5) == 1 and f5[0].context() == Qt.WidgetWithChildrenShortcut
    dash.set_period(periods.MONTH, 2022, 11)
    dash.timer.stop()
    f5[0].activated.emit()
    qtbot.waitUntil(lambda: settled(dash) and dash.stats.period == periods.month(2022, 11), timeout=30_000)
    assert dash.focusProxy() is dash.kind
    sentences = dash.views["hall"].sentences
    assert sentences.isReadOnly() and sentences.textInteractionFlags() & Qt.TextSelectableByKeyboard
    assert sentences.tabChangesFocus()


def test_the_main_window_has_the_dashboard_only_for_stats_view(qtbot, town, leader, db_path):
    window = MainWindow(leader, db_path, str(db_path))
    qtbot.addWidget(window)
    assert "stats" in window.pages and isinstance(window.pages["stats"], StatsDashboard)
    assert [window.navigation.item(i).text() for i in range(window.navigation.count())] == ["统计报表", "系统设置"]
    clerk = accounts.get_user("chuangkou")
    assert not clerk.can("stats.view")
    other = MainWindow(clerk, db_path, str(db_path))
    qtbot.addWidget(other)
    assert "stats" not in other.pages
    assert "统计报表" not in [other.navigation.item(i).text() for i in range(other.navigation.count())]
