"""The benchmark suite: every speed figure the issues set, each against the raw engine measured in the same run.

    python bench/suite.py [--big PATH] [--only startup,intake,...] [--server URL] [--quick] [--write]

This machine is noisy (bench_hall.stall_gauge measures how much), so each figure stands beside what the
engine underneath does with the same work in the same run, and the ratio of the two is the figure to compare
between runs and machines:

- startup   the login window shown, from the process's start, against a bare PySide6 window with the same
            font (each in a new process, alternately);
- intake    10,000 cases through models/ (number, audit, search index, everything), against raw sqlite3
            inserts of the very rows it wrote, with the same pragmas and one commit per case;
- receipts  receipts per second, warm (one process) and cold (the first in a new process), against reportlab
            drawing the receipt's texts in the same font on a canvas;
- search    p50 / p95 per query kind at a million cases, against the same SQL (captured from the search)
            run through raw sqlite3 on a connection with the same pragmas;
- list      全部办件 opened (panel, first page, painted) and scrolled through 20 pages at a million cases,
            and the memory it takes, against a bare QTableView showing the same rows;
- report    the annual report (PDF) at a million cases, against its captured SQL run through raw sqlite3;
- sync      a village post's year (115,239 records) exported to a bundle and imported at the hall (per 100,000
            records), against SQLite copying the same tables itself (bench_sync.sqlite_floor); with --server,
            again with the hall on new databases of that PostgreSQL server, against the server copying the
            imported rows into tables with the same indexes (bench_sync.server_floor).

The million-case database is built once by the generator (``main.py demo --scale 100 --hall-only`` and
``bench/amplify.py --copies 10``, about 20 minutes) and cached in bench/cache/ (or named with --big).
``--write`` puts the table into bench/README.md between its suite markers.
"""

import argparse
import os
import platform
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TOWNDESK_DATA_DIR", tempfile.mkdtemp(prefix="towndesk-bench-"))

from bench.bench_hall import stall_gauge  # noqa: E402

CACHE = ROOT / "bench" / "cache"
BIG = CACHE / "big-1m.db"
README = ROOT / "bench" / "README.md"
RESULTS = ROOT / "bench" / "suite-results.json"     # every part's latest rows, which the README's table shows
BEGIN, END = "<!-- suite:begin -->", "<!-- suite:end -->"
PARTS = ["startup", "intake", "receipts", "search", "list", "report", "sync"]


@dataclass
class Figure:
    name: str
    goal: str
    ours: float              # the figure (unit in ``unit``)
    raw: float | None        # the raw engine's, same unit
    unit: str = "ms"
    note: str = ""
    rate: bool = False       # a rate (more is better): the ratio is still how many times longer TownDesk takes

    @property
    def ratio(self) -> str:
        if not self.raw or not self.ours:
            return "—"
        return f"{(self.raw / self.ours if self.rate else self.ours / self.raw):.1f}×"


def quantile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def fmt(value: float, unit: str) -> str:
    if unit == "ms":
        return f"{value:.2f} ms" if value < 1 else f"{value:,.1f} ms" if value < 100 else f"{value:,.0f} ms"
    if unit == "s":
        return f"{value * 1000:.0f} ms" if value < 1 else f"{value:,.1f} s"
    if unit == "MB":
        return f"{value:,.0f} MB"
    return f"{value:,.1f} {unit}"


# ------------------------------------------------------------------------------------------------
# capturing the SQL a TownDesk operation runs, to run it again through raw sqlite3
# ------------------------------------------------------------------------------------------------

@contextmanager
def captured_sql():
    """Every statement (SQL, parameters as bound) run through peewee meanwhile."""
    from models.db import db

    statements = []
    database = db.obj
    real = database.execute_sql

    def spy(sql, params=None, *args, **kwargs):
        statements.append((sql, tuple(params or ())))
        return real(sql, params, *args, **kwargs)

    database.execute_sql = spy
    try:
        yield statements
    finally:
        del database.execute_sql


def raw_connection(path) -> sqlite3.Connection:
    """A bare sqlite3 connection with the pragmas TownDesk opens its database with."""
    from models.db import SQLITE_PRAGMAS

    conn = sqlite3.connect(str(path), isolation_level=None)
    for name, value in SQLITE_PRAGMAS.items():
        conn.execute(f"PRAGMA {name}={value}")
    return conn


def replay_ms(conn: sqlite3.Connection, statements) -> float:
    """Run the captured reading statements again, fetching every row, in ms."""
    t = time.perf_counter()
    for sql, params in statements:
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
            conn.execute(sql, params).fetchall()
    return (time.perf_counter() - t) * 1000


# ------------------------------------------------------------------------------------------------
# start-up
# ------------------------------------------------------------------------------------------------

STARTUP_APP = """
import os, sys, time
began = float(os.environ["BENCH_BEGAN"])
sys.path.insert(0, {root!r})
sys.argv = ["main.py", "--db", {db!r}]
from ui import login
shown = login.LoginDialog.showEvent

def first_show(self, event):
    shown(self, event)
    from PySide6.QtCore import QTimer
    def report():
        print(f"{{(time.time() - began) * 1000:.1f}}", flush=True)
        self.reject()
    QTimer.singleShot(0, report)      # after the first paint of the shown window

login.LoginDialog.showEvent = first_show
import main
main.main(sys.argv[1:])
"""

STARTUP_BARE = """
import os, sys, time
began = float(os.environ["BENCH_BEGAN"])
from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv)
family = QFontDatabase.applicationFontFamilies(QFontDatabase.addApplicationFont({font!r}))[0]
app.setFont(QFont(family, 10))
label = QLabel("打通镇便民服务中心 登录")
label.resize(420, 300)
label.show()
def report():
    print(f"{{(time.time() - began) * 1000:.1f}}", flush=True)
    app.quit()
QTimer.singleShot(0, report)
app.exec()
"""


def _child_env() -> dict:
    """A child process as an installed program runs: with compiled bytecode (kept in bench/cache/pycache,
    written by the first, untimed, start), whatever PYTHONDONTWRITEBYTECODE this shell has."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(CACHE / "pycache")
    return env


def _child_ms(code: str) -> float:
    env = {**_child_env(), "BENCH_BEGAN": repr(time.time())}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    if out.returncode not in (0, 1) or not out.stdout.strip():
        raise RuntimeError(out.stdout + out.stderr)
    return float(out.stdout.split()[-1])


def bench_startup(quick: bool) -> list[Figure]:
    from models import setup
    from documents.fonts import FONT_FILE
    from models.db import close_database
    from models.paths import resource_path

    work = Path(tempfile.mkdtemp(prefix="towndesk-startup-"))
    db = work / "towndesk.db"
    setup.open_app_database(db, create=True)
    setup.initialise("打通镇", "打通镇便民服务中心", "DT00", "admin", "Admin2022x")
    close_database()
    app_code = STARTUP_APP.format(root=str(ROOT), db=str(db))
    bare_code = STARTUP_BARE.format(font=str(resource_path(*FONT_FILE)))
    ours, bare = [], []
    _child_ms(app_code)      # the first start reads the files from disk: the others find them cached
    _child_ms(bare_code)
    for _ in range(3 if quick else 10):
        ours.append(_child_ms(app_code))
        bare.append(_child_ms(bare_code))
    shutil.rmtree(work, ignore_errors=True)
    return [Figure("启动到登录窗口显示（中位数）", "—", statistics.median(ours), statistics.median(bare),
                   note=f"空白 PySide6 窗口（同一字体）；{len(ours)} 次交替")]


# ------------------------------------------------------------------------------------------------
# intake: 10,000 cases through models/, against raw sqlite3 inserts of the same rows
# ------------------------------------------------------------------------------------------------

def _counter_database(folder: Path):
    from models import accounts, people, setup
    from models.hall import matters

    path = folder / "intake.db"
    setup.open_app_database(path, create=True)
    admin = setup.initialise("打通镇", "打通镇便民服务中心", "DT00", "admin", "Admin2022x", district="綦江区")
    clerk = accounts.create_user(admin, "chuangkou", "李秀英", ["window"], "Staff2022x")
    person = people.save_person(clerk, {"name": "张三", "id_number": "500222199001011237", "phone": "13800000001",
                                        "address": "重庆市綦江区打通镇石龙村3组"})
    return path, clerk, person, matters.get_matter("XZFW-010")


def _table_rows(conn: sqlite3.Connection) -> dict[str, list]:
    tables = [name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' AND name NOT LIKE '%_data' AND name NOT LIKE '%_idx' "
        "AND name NOT LIKE '%_content' AND name NOT LIKE '%_docsize' AND name NOT LIKE '%_config'")]
    return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables}


def bench_intake(quick: bool) -> list[Figure]:
    from models.db import close_database
    from models.hall import cases

    count = 1000 if quick else 10_000
    work = Path(tempfile.mkdtemp(prefix="towndesk-intake-"))
    path, clerk, person, matter = _counter_database(work)
    close_database()
    empty = work / "empty.db"
    shutil.copyfile(path, empty)
    from models import setup

    setup.open_app_database(path)
    entry = cases.Intake(matter=matter, applicant=person, materials={m["name"]: "已收取" for m in matter.materials})
    t = time.perf_counter()
    for _ in range(count):
        cases.intake(clerk, entry)
    ours = time.perf_counter() - t
    close_database()

    # the same rows (every table's new rows, the search indexes' too), one transaction per case
    with closing(raw_connection(empty)) as conn:
        before = _table_rows(conn)
    with closing(raw_connection(path)) as conn:
        after = _table_rows(conn)
        fts = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")]
        index_rows = {t: conn.execute(f"SELECT rowid, * FROM {t}").fetchall() for t in fts}
    added = {t: rows[len(before.get(t, [])):] for t, rows in after.items() if len(rows) > len(before.get(t, []))}
    raw_conn = raw_connection(empty)
    statements = []
    for table, rows in added.items():
        marks = ", ".join("?" * len(rows[0]))
        statements.append((f'INSERT OR REPLACE INTO "{table}" VALUES ({marks})', rows))
    for table, rows in index_rows.items():
        if rows:
            marks = ", ".join("?" * len(rows[0]))
            columns = [d[1] for d in raw_conn.execute(f"PRAGMA table_info({table})")]
            statements.append((f"INSERT INTO {table} (rowid, {', '.join(columns)}) VALUES ({marks})", rows))
    per_case = [(sql, [rows[i * len(rows) // count:(i + 1) * len(rows) // count] for i in range(count)])
                for sql, rows in statements]
    t = time.perf_counter()
    for i in range(count):
        raw_conn.execute("BEGIN IMMEDIATE")
        for sql, groups in per_case:
            if groups[i]:
                raw_conn.executemany(sql, groups[i])
        raw_conn.execute("COMMIT")
    raw = time.perf_counter() - t
    raw_conn.close()
    written = sum(len(rows) for rows in added.values()) + sum(len(r) for r in index_rows.values())
    shutil.rmtree(work, ignore_errors=True)
    return [Figure(f"受理 {count:,} 件（经 models/，每件一次提交）", "—", ours, raw, "s",
                   f"原始 sqlite3 写入同样的 {written:,} 行，同样的 PRAGMA，每件一次提交；"
                   f"每件 {ours / count * 1000:.1f} ms 对 {raw / count * 1000:.1f} ms")]


# ------------------------------------------------------------------------------------------------
# receipts per second, warm and cold, against reportlab alone
# ------------------------------------------------------------------------------------------------

RAW_PAGE = """
import sys, time
start = time.perf_counter()
sys.path.insert(0, {root!r})
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from bench.suite import raw_page
pdfmetrics.registerFont(TTFont("WQYraw", {font!r}))
ready = time.perf_counter()
raw_page("WQYraw", {texts!r})
done = time.perf_counter()
print(f"{{(done - ready) * 1000:.1f}} {{(done - start) * 1000:.1f}}")
"""


def raw_page(font: str, texts: list[str]) -> bytes:
    """reportlab alone: the receipt's texts drawn in the same (registered) font on an A5 page."""
    from io import BytesIO

    from reportlab.lib.pagesizes import A5, landscape
    from reportlab.pdfgen import canvas

    out = BytesIO()
    page = canvas.Canvas(out, pagesize=landscape(A5))
    page.setFont(font, 10)
    for i, text in enumerate(texts):
        page.drawString(30, 400 - 12 * (i % 30), text)
    page.showPage()
    page.save()
    return out.getvalue()


def _receipt_texts(pdf: bytes) -> list[str]:
    import io

    from pypdf import PdfReader     # a dev requirement, as the suite is

    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    return [line for line in text.splitlines() if line.strip()]


def bench_receipts(quick: bool) -> list[Figure]:
    from bench import bench_hall
    from documents.fonts import FONT_FILE, prepare_printing
    from models.paths import resource_path

    prepare_printing()
    clerk, person, matter = bench_hall._fresh_counter()
    pdf = bench_hall.one_receipt(clerk, person, matter)
    rounds = 10 if quick else 50
    each = []
    for _ in range(rounds):
        t = time.perf_counter()
        bench_hall.one_receipt(clerk, person, matter)
        each.append((time.perf_counter() - t) * 1000)
    warm = rounds * 1000 / sum(each)
    texts = _receipt_texts(pdf)
    font = str(resource_path(*FONT_FILE))
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("WQYraw", font))
    raw_each = []
    for _ in range(rounds):
        t = time.perf_counter()
        raw_page("WQYraw", texts)
        raw_each.append((time.perf_counter() - t) * 1000)
    raw_warm = rounds * 1000 / sum(raw_each)

    cold, raw_cold = [], []
    cold_code = bench_hall.COLD.format(root=str(ROOT), bench=str(ROOT / "bench"))
    raw_code = RAW_PAGE.format(root=str(ROOT), font=font, texts=texts)
    for _ in range(3 if quick else 7):
        out = subprocess.run([sys.executable, "-c", cold_code], capture_output=True, text=True, check=True,
                             env=_child_env())
        cold.append(float(out.stdout.split()[0]))
        out = subprocess.run([sys.executable, "-c", raw_code], capture_output=True, text=True, check=True,
                             env=_child_env())
        raw_cold.append(float(out.stdout.split()[0]))
    from models.db import close_database

    close_database()
    return [
        Figure("受理通知书（A5，受理 + PDF），热：每秒张数", "每张 < 150 ms（≥ 6.7 张/秒）", warm, raw_warm, "张/秒",
               f"reportlab 用同一字体在一页上画出同样的文字；{rounds} 张", rate=True),
        Figure("受理通知书，热：每张的中位数", "< 150 ms", statistics.median(each), statistics.median(raw_each),
               note=f"最快 {min(each):,.1f} ms 对 {min(raw_each):,.1f} ms（未遇停顿）；"
                    f"p95 {quantile(each, 0.95):,.0f} ms 对 {quantile(raw_each, 0.95):,.0f} ms"),
        Figure("受理通知书，冷：新进程的第一张（中位数）", "< 1 s", statistics.median(cold), statistics.median(raw_cold),
               note="新进程中 reportlab 的第一页（字体已注册）"),
    ]


# ------------------------------------------------------------------------------------------------
# at a million cases: search, the case list, the annual report
# ------------------------------------------------------------------------------------------------

def big_database(named: str | None) -> Path:
    """The million-case database: --big, or the cached one, built by the generator the first time."""
    if named:
        return Path(named)
    if not BIG.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = BIG.with_suffix(".building.db")
        partial.unlink(missing_ok=True)
        print(f"building {BIG}: demo --scale 100 --hall-only, then amplify.py --copies 10 (about 20 minutes) …",
              flush=True)
        subprocess.run([sys.executable, str(ROOT / "main.py"), "demo", "--db", str(partial), "--scale", "100",
                        "--hall-only"], check=True)
        subprocess.run([sys.executable, str(ROOT / "bench" / "amplify.py"), str(partial), "--copies", "10"], check=True)
        partial.rename(BIG)
    return BIG


def bench_search(big: Path, quick: bool) -> list[Figure]:
    import random

    from bench.bench_hall import _open, _samples
    from models.db import close_database
    from models.hall import cases
    from models.hall.cases import CaseFilter
    from ui.lists import PAGE

    clerk = _open(str(big))
    samples = _samples(random.Random(7), clerk)
    conn = raw_connection(big)
    figures = []
    for kind, texts in samples.items():
        texts = texts[:10] if quick else texts
        ours, raw = [], []
        for text in texts:
            best, best_raw = None, None
            for _ in range(3):       # best of 3: a stall of this machine rarely hits all three
                with captured_sql() as statements:
                    t = time.perf_counter()
                    cases.list_cases(clerk, CaseFilter(text=text), limit=PAGE)
                    took = (time.perf_counter() - t) * 1000
                raw_took = replay_ms(conn, statements)
                best = took if best is None else min(best, took)
                best_raw = raw_took if best_raw is None else min(best_raw, raw_took)
            ours.append(best)
            raw.append(best_raw)
        figures.append(Figure(f"搜索 {kind}：p50", "—", quantile(ours, 0.5), quantile(raw, 0.5)))
        figures.append(Figure(f"搜索 {kind}：p95", "p95 < 50 ms", quantile(ours, 0.95), quantile(raw, 0.95),
                              note=f"{len(texts)} 个检索词，各取 3 次中最快"))
    conn.close()
    close_database()
    return figures


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


LIST_CHILD = """
import json, os, sys, time
sys.path.insert(0, {root!r})
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from bench import suite
print(json.dumps(suite.list_child({db!r}, {bare!r}, {quick!r})), flush=True)
"""


def list_child(db: str, bare: bool, quick: bool) -> dict:
    """In a process of its own (for its memory): open 全部办件 (or a bare QTableView with the same first page
    through raw sqlite3), scroll 20 pages, and report times and peak memory."""
    from PySide6.QtWidgets import QApplication, QTableView
    from PySide6.QtGui import QStandardItem, QStandardItemModel

    from ui.app import create_application
    from ui.common import wait_quiet_work

    create_application()
    before = _rss_mb()
    opened, scrolled = [], []
    if bare:
        conn = raw_connection(db)
        columns = ["number", "applicant_name", "matter_name", "status", "received_at", "promised_date", "clerk_name"]
        sql = (f"SELECT {', '.join(columns)} FROM service_case WHERE deleted_at IS NULL AND id < ? "
               f"ORDER BY id DESC LIMIT 200")
        for _ in range(3 if quick else 5):
            t = time.perf_counter()
            model = QStandardItemModel(0, len(columns))
            top = conn.execute("SELECT MAX(id) + 1 FROM service_case").fetchone()[0]
            rows = conn.execute(sql, (top,)).fetchall()
            for row in rows:
                model.appendRow([QStandardItem("" if v is None else str(v)) for v in row])
            view = QTableView()
            view.setModel(model)
            view.resize(1300, 700)
            view.show()
            QApplication.processEvents()
            view.viewport().grab()
            opened.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            for _page in range(20):
                rows = conn.execute(sql, (top,)).fetchall()
                top = top - 200
                for row in rows:
                    model.appendRow([QStandardItem("" if v is None else str(v)) for v in row])
                view.scrollToBottom()
                QApplication.processEvents()
                view.viewport().grab()
            scrolled.append((time.perf_counter() - t) * 1000)
            view.close()
    else:
        from bench.bench_hall import _open
        from ui.hall.case_list import CaseListPanel

        clerk = _open(db)
        for _ in range(3 if quick else 5):
            t = time.perf_counter()
            panel = CaseListPanel(clerk)
            panel.resize(1300, 700)
            panel.refresh()
            panel.show()
            QApplication.processEvents()
            panel.table.viewport().grab()
            opened.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            model = panel.table.model()
            for _page in range(20):
                if model.canFetchMore():
                    model.fetchMore()
                panel.table.scrollToBottom()
                QApplication.processEvents()
                panel.table.viewport().grab()
            scrolled.append((time.perf_counter() - t) * 1000)
            wait_quiet_work()
            panel.close()
            panel.deleteLater()
    return {"opened": min(opened), "scrolled": min(scrolled), "memory": _rss_mb(), "before": before}


def bench_list(big: Path, quick: bool) -> list[Figure]:
    runs = {}
    for bare in (False, True):
        code = LIST_CHILD.format(root=str(ROOT), db=str(big), bare=bare, quick=quick)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=1800,
                             env=_child_env())
        if out.returncode:
            raise RuntimeError(out.stderr[-3000:])
        import json

        runs[bare] = json.loads(out.stdout.splitlines()[-1])
    ours, bare = runs[False], runs[True]
    return [
        Figure("全部办件 打开（面板、第一页、绘出）", "< 300 ms", ours["opened"], bare["opened"],
               note="空白 QTableView 经原始 sqlite3 显示同样 200 行；各取最快"),
        Figure("全部办件 向下滚动 20 页（4,000 行）", "—", ours["scrolled"], bare["scrolled"]),
        Figure("打开并滚动后的内存（峰值 RSS）", "—", ours["memory"], bare["memory"], "MB",
               f"进程启动 Qt 后 {ours['before']:.0f} MB 对 {bare['before']:.0f} MB"),
    ]


def bench_report(big: Path, year: int, quick: bool) -> list[Figure]:
    from models import setup
    from models.accounts import CommandLineActor
    from models.db import close_database
    from models.stats import periods, report

    setup.open_app_database(big)
    actor = CommandLineActor(frozenset({"stats.view", "patrol.sensitive"}))
    period = periods.year(year)
    report.make(actor, period, report.PDF)          # the day summary brought up to date, caches warm
    conn = raw_connection(big)
    ours, raw = [], []
    for _ in range(2 if quick else 3):
        with captured_sql() as statements:
            t = time.perf_counter()
            report.make(actor, period, report.PDF)
            ours.append(time.perf_counter() - t)
        raw.append(replay_ms(conn, statements) / 1000)
    conn.close()
    close_database()
    return [Figure(f"{year} 年度统计报告 PDF（计算 + 排版）", "< 3 s", min(ours), min(raw), "s",
                   "原始 sqlite3 执行报告的同样查询（其余时间是 Python 的汇总和 reportlab 排版）；各取最快")]


# ------------------------------------------------------------------------------------------------
# sync: a bundle of a village post's year, per 100,000 records
# ------------------------------------------------------------------------------------------------

def bench_sync(quick: bool, server: str | None = None) -> list[Figure]:
    """The hall on a SQLite file; and with ``server`` (a PostgreSQL role that may create databases) on new
    databases of that server too, as a town hall with several windows has it."""
    from bench import bench_sync as sync_bench

    post = sync_bench.cached_post(20)
    figures = []
    for where, url in [("", None)] + ([("（镇中心在 PostgreSQL）", server)] if server else []):
        times, records = sync_bench.measure(post, repeat=1 if quick else 3, server=url)
        per = 1e5 / records
        floor = min(times["floor"]) * per
        engine = "PostgreSQL 把导入写下的行复制到同样索引的新表" if url else "SQLite 自己复制同样的表"
        figures += [
            Figure(f"数据交换{where} 导出（每 10 万条）", "< 20 s", min(times["export"]) * per, floor, "s",
                   f"{records:,} 条记录，{len(times['export'])} 次中最快；原始 = {engine}"),
            Figure(f"数据交换{where} 导入（每 10 万条）", "< 20 s", min(times["import"]) * per, floor, "s"),
            Figure(f"数据交换{where} 同一数据包再导入", "< 5 s", min(times["again"]), None, "s"),
            Figure(f"数据交换{where} 全部记录再导入、均未改变（每 10 万条）", "—", min(times["unchanged"]) * per,
                   floor, "s"),
        ]
    return figures


# ------------------------------------------------------------------------------------------------

def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import PySide6

    return (f"{platform.system()} {platform.release()}, {os.cpu_count()} × {cpu}, {memory:.0f} GB RAM; "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, PySide6 {PySide6.__version__}")


def row(f: Figure) -> str:
    raw = fmt(f.raw, f.unit) if f.raw else "—"
    return f"| {f.name} | {f.goal} | {fmt(f.ours, f.unit)} | {raw} | {f.ratio} | {f.note} |"


def table(results: dict) -> str:
    """The README's table from the stored results: every part's rows, in the suite's order, each part marked
    with the run it comes from (a part run again with --only replaces only its own rows)."""
    runs: list[str] = []
    body = []
    for part in PARTS:
        if part not in results:
            continue
        run = results[part]["run"]
        if run not in runs:
            runs.append(run)
        mark = chr(ord("A") + runs.index(run))
        body.extend(line[:-1] + f"| {mark} |" for line in results[part]["rows"])
    lines = [f"Machine: {results.get('machine', machine())}.", "",
             "Ratio: how many times longer TownDesk takes than the raw engine for the same work.", "",
             "| figure | goal | TownDesk | raw engine | ratio | how the raw engine did it | run |",
             "| --- | --- | --- | --- | --- | --- | --- |", *body, ""]
    lines += [f"- run {chr(ord('A') + i)}: {run}" for i, run in enumerate(runs)]
    return "\n".join(lines)


def write_readme(text: str) -> None:
    readme = README.read_text(encoding="utf-8")
    block = f"{BEGIN}\n{text}\n{END}"
    if BEGIN in readme:
        readme = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _m: block, readme, flags=re.S)
    else:
        readme = readme.rstrip() + "\n\n## The suite (`python bench/suite.py --write`)\n\n" + block + "\n"
    README.write_text(readme, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--big", help="the million-case database (default: bench/cache/big-1m.db, built once)")
    parser.add_argument("--year", type=int, default=2022, help="the report's year in the big database")
    parser.add_argument("--only", default=",".join(PARTS), help="parts to run, comma separated: " + ",".join(PARTS))
    parser.add_argument("--server", metavar="URL", help="sync also with the hall on PostgreSQL: a role on that "
                        "server that may create databases (the suite makes and drops its own)")
    parser.add_argument("--quick", action="store_true", help="fewer repeats and cases: a trial of the suite itself")
    parser.add_argument("--write", action="store_true",
                        help="store the parts' results in bench/suite-results.json and the table in bench/README.md")
    args = parser.parse_args()
    wanted = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = set(wanted) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    before = stall_gauge()
    print(before, flush=True)
    found_by_part: dict[str, list[Figure]] = {}
    big = big_database(args.big) if {"search", "list", "report"} & set(wanted) else None
    runners = {"startup": lambda: bench_startup(args.quick), "intake": lambda: bench_intake(args.quick),
               "receipts": lambda: bench_receipts(args.quick), "search": lambda: bench_search(big, args.quick),
               "list": lambda: bench_list(big, args.quick), "report": lambda: bench_report(big, args.year, args.quick),
               "sync": lambda: bench_sync(args.quick, args.server)}
    began = time.strftime("%Y-%m-%d %H:%M")
    for part in PARTS:
        if part not in wanted:
            continue
        t = time.perf_counter()
        found = found_by_part[part] = runners[part]()
        for f in found:
            print(f"{f.name:<40} {fmt(f.ours, f.unit):>12}  raw {fmt(f.raw, f.unit) if f.raw else '—':>12}  {f.ratio}",
                  flush=True)
        print(f"  ({part}: {time.perf_counter() - t:.0f} s)", flush=True)
    after = stall_gauge()
    print(after)
    run = (f"{began}, parts {', '.join(found_by_part)}{' (--quick)' if args.quick else ''}; "
           f"stall gauge before: {before.split(': ', 1)[1]}; after: {after.split(': ', 1)[1]}")
    import json

    stored = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    fresh = {part: {"run": run, "rows": [row(f) for f in found]} for part, found in found_by_part.items()}
    results = {**stored, **fresh, "machine": machine()}
    print("\n" + table({**fresh, "machine": machine()}))
    if args.write:
        RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
        write_readme(table(results))


if __name__ == "__main__":
    main()
