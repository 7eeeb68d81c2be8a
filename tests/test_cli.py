"""The command line as an office's technician uses it: real processes, real exit codes, real files.

Failures must print one line (no traceback), exit non-zero, and leave every existing file untouched.
"""

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Admin2022x"


def cli(*args, stdin="", timeout=120):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], input=stdin,
                          capture_output=True, text=True, env=env, timeout=timeout)


DEMO_TIMEOUT = 900   # a whole year of the three areas through their domain functions: 2–3 minutes here
# Every test here runs main.py in a subprocess with its own time limit (a demo year's is DEMO_TIMEOUT, also inside
# the module's demo fixture): the suite-wide 300 s limit for a hung dialog must not cut them short.
pytestmark = pytest.mark.timeout(DEMO_TIMEOUT + 60, method="thread")


def init(db, **extra):
    args = ["init", "--db", db, "--town", "打通镇", "--district", "綦江区", "--post", "打通镇便民服务中心",
            "--post-code", "DT00", "--admin", "admin"]
    for key, value in extra.items():
        args += [f"--{key.replace('_', '-')}", value]
    return cli(*args, stdin=PASSWORD + "\n")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(path: Path) -> dict:
    conn = sqlite3.connect(path)
    try:
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in tables}
    finally:
        conn.close()


def failed_cleanly(result, *words):
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    line = result.stderr.strip()
    assert line.count("\n") == 0 and line.startswith("错误："), line
    for word in words:
        assert word in line, line


@pytest.fixture
def read_only_dir(tmp_path):
    """A folder nobody may write to — root included (chattr +i), since CI runs as root."""
    folder = tmp_path / "readonly"
    folder.mkdir()
    made = []

    def seal(*paths):
        for path in paths:
            if os.geteuid() == 0:
                subprocess.run(["chattr", "+i", str(path)], check=True)
            else:
                path.chmod(0o555 if path.is_dir() else 0o444)
            made.append(path)
        probe = folder / "probe"
        with pytest.raises(OSError):
            probe.write_text("x")
    yield folder, seal
    for path in reversed(made):
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        else:
            path.chmod(0o755 if path.is_dir() else 0o644)


def test_version_and_usage_errors():
    result = cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("TownDesk ")
    assert cli("frobnicate").returncode == 2
    assert cli("backup").returncode == 2  # --out missing


def test_init_creates_missing_folders_and_check_passes(tmp_path):
    db = tmp_path / "new" / "nested" / "towndesk.db"
    result = init(db)
    assert result.returncode == 0, result.stderr
    assert "DT00" in result.stdout
    check = cli("check", "--db", db)
    assert check.returncode == 0 and "完整性检查通过" in check.stdout and "已初始化" in check.stdout
    conn = sqlite3.connect(db)
    settings = dict(conn.execute("SELECT key, value FROM setting"))
    users = conn.execute("SELECT username, roles FROM user").fetchall()
    conn.close()
    assert (settings["town_name"], settings["district"], settings["post_code"]) == ("打通镇", "綦江区", "DT00")
    assert users == [("admin", "admin")]


def test_init_never_overwrites_an_initialised_database(tmp_path):
    db = tmp_path / "towndesk.db"
    assert init(db).returncode == 0
    before = digest(db)
    failed_cleanly(init(db, town="别的镇"), "已经初始化")
    assert digest(db) == before


def test_init_with_a_bad_answer_creates_nothing(tmp_path):
    db = tmp_path / "folder" / "towndesk.db"
    failed_cleanly(init(db, post_code="打通"), "站点代码")
    assert not db.parent.exists()
    failed_cleanly(cli("init", "--db", db, "--town", "打通镇", "--post", "中心", "--post-code", "DT00",
                       "--admin", "admin", stdin="short\n"), "密码")
    assert not db.exists()


def test_init_in_a_read_only_folder(read_only_dir):
    folder, seal = read_only_dir
    seal(folder)
    failed_cleanly(init(folder / "towndesk.db"), "只读")
    assert list(folder.iterdir()) == []


def test_check_refuses_missing_foreign_and_truncated_files(tmp_path):
    missing = tmp_path / "nothing" / "towndesk.db"
    failed_cleanly(cli("check", "--db", missing), "不存在")
    assert not missing.parent.exists()

    text = tmp_path / "notes.db"
    text.write_text("这不是数据库" * 100, encoding="utf-8")
    before = digest(text)
    failed_cleanly(cli("check", "--db", text), "不是")
    assert digest(text) == before

    db = tmp_path / "towndesk.db"
    assert init(db).returncode == 0
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(db.read_bytes()[: db.stat().st_size // 2])
    before = digest(truncated)
    failed_cleanly(cli("check", "--db", truncated), "损坏")
    assert digest(truncated) == before

    foreign = tmp_path / "other.db"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.commit()
    failed_cleanly(cli("check", "--db", foreign), "不是 TownDesk")


def test_check_works_on_a_read_only_copy(tmp_path, read_only_dir):
    folder, seal = read_only_dir
    db = folder / "towndesk.db"
    assert init(tmp_path / "live.db").returncode == 0
    assert cli("backup", "--db", tmp_path / "live.db", "--out", db).returncode == 0
    seal(db, folder)
    result = cli("check", "--db", db)
    assert result.returncode == 0, result.stderr


def test_backup_restore_round_trip_keeps_the_replaced_database(tmp_path):
    db = tmp_path / "towndesk.db"
    assert init(db).returncode == 0
    saved = tmp_path / "saved.db"
    result = cli("backup", "--db", db, "--out", saved)
    assert result.returncode == 0, result.stderr
    at_backup = rows(db)

    conn = sqlite3.connect(db)
    conn.execute("UPDATE setting SET value='改过的镇' WHERE key='town_name'")
    conn.commit()
    conn.close()
    changed = rows(db)
    assert changed != at_backup

    result = cli("restore", "--db", db, saved)
    assert result.returncode == 0, result.stderr
    assert rows(db) == at_backup
    kept = list((tmp_path / "backups").glob("before-restore-*.db"))
    assert len(kept) == 1 and rows(kept[0]) == changed


def test_backup_refuses_to_overwrite_or_write_nowhere(tmp_path, read_only_dir):
    db = tmp_path / "towndesk.db"
    assert init(db).returncode == 0
    existing = tmp_path / "existing.db"
    existing.write_text("重要文件", encoding="utf-8")
    failed_cleanly(cli("backup", "--db", db, "--out", existing), "已存在")
    assert existing.read_text(encoding="utf-8") == "重要文件"
    failed_cleanly(cli("backup", "--db", db, "--out", tmp_path / "no" / "such" / "b.db"), "不存在")
    failed_cleanly(cli("backup", "--db", tmp_path / "absent.db", "--out", tmp_path / "b.db"), "不存在")
    folder, seal = read_only_dir
    seal(folder)
    failed_cleanly(cli("backup", "--db", db, "--out", folder / "b.db"), "只读")


def test_restore_refuses_bad_files_and_changes_nothing(tmp_path, read_only_dir):
    db = tmp_path / "towndesk.db"
    assert init(db).returncode == 0
    before = digest(db)
    text = tmp_path / "text.db"
    text.write_text("hello", encoding="utf-8")
    failed_cleanly(cli("restore", "--db", db, text), "不是")
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(db.read_bytes()[: db.stat().st_size // 2])
    failed_cleanly(cli("restore", "--db", db, truncated), "损坏")
    failed_cleanly(cli("restore", "--db", db, tmp_path / "missing.db"), "不存在")
    assert digest(db) == before
    assert not (tmp_path / "backups").exists()

    folder, seal = read_only_dir
    target = folder / "towndesk.db"
    target.write_bytes(db.read_bytes())
    good = tmp_path / "good.db"
    assert cli("backup", "--db", db, "--out", good).returncode == 0
    seal(target, folder)
    failed_cleanly(cli("restore", "--db", target, good), "只读")
    assert digest(target) == before


def test_database_urls(tmp_path):
    db = tmp_path / "towndesk.db"
    assert init(db).returncode == 0
    assert cli("check", "--db", f"sqlite:///{db}").returncode == 0
    failed_cleanly(cli("check", "--db", "mysql://host/db"), "不支持")
    failed_cleanly(cli("check", "--db", "postgresql://town@hall.invalid/towndesk"), "找不到数据库服务器")
    failed_cleanly(cli("backup", "--db", "postgresql://town@hall/towndesk", "--out", tmp_path / "b.db"), "pg_dump")


def test_demo_creates_a_year_prints_the_login_and_never_overwrites(tmp_path):
    db = tmp_path / "demo" / "towndesk.db"
    result = cli("demo", "--db", db, timeout=DEMO_TIMEOUT)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    out = result.stdout
    assert "Demo2022" in out and "admin" in out and "chuangkou" in out and "zhongdian" in out
    assert "行政审批 154、行政服务 356、其他 419" in out and "渝快办网办 287 件" in out
    assert "其中夜间巡逻 73 次（1,426 人次）" in out and "群众求助 32 件" in out
    assert "门店消防检查 215 家次、隐患 83 处（已销号 83 处）" in out and "重点场所 9 个检查 46 次" in out
    check = cli("check", "--db", db)
    assert check.returncode == 0 and "已初始化" in check.stdout
    conn = sqlite3.connect(db)
    accepted = conn.execute("SELECT COUNT(*) FROM service_case WHERE accepted_on BETWEEN '2022-01-01' AND '2022-12-31'")
    assert accepted.fetchone() == (929,)
    conn.close()

    before = digest(db)
    failed_cleanly(cli("demo", "--db", db), "已存在")
    assert digest(db) == before
    other = tmp_path / "notes.txt"
    other.write_text("重要文件", encoding="utf-8")
    failed_cleanly(cli("demo", "--db", other), "已存在")
    assert other.read_text(encoding="utf-8") == "重要文件"


def test_demo_refuses_bad_arguments_and_leaves_nothing(tmp_path):
    db = tmp_path / "towndesk.db"
    failed_cleanly(cli("demo", "--db", db, "--year", "2003"), "2004")
    failed_cleanly(cli("demo", "--db", db, "--scale", "0"), "scale")
    failed_cleanly(cli("demo", "--db", "postgresql://town@hall/towndesk"), "服务器数据库")
    assert not db.exists()
    assert cli("demo", "--db", db, "--scale", "lots").returncode == 2


# --------------------------------------------------------------------------- print

@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("print") / "demo.db"
    assert cli("demo", "--db", db, timeout=DEMO_TIMEOUT).returncode == 0
    return db


def _first(db, where):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"SELECT number, matter_name FROM service_case WHERE {where} ORDER BY id LIMIT 1").fetchone()
    finally:
        conn.close()


@pytest.mark.parametrize("document, where, title", [
    ("receipt", "accepted_on IS NOT NULL", "受理通知书"),
    ("correction", "id IN (SELECT case_id FROM case_event WHERE action = '补正')", "补正材料通知书"),
    ("rejection", "status = '不予受理'", "不予受理通知书"),
    ("completion", "status IN ('已办结', '已出件')", "办结通知书"),
    ("fee", "id IN (SELECT case_id FROM fee_payment)", "收费收据"),
])
@pytest.mark.parametrize("paper", ["a5", "roll80"])
def test_print_writes_each_hall_document_and_audits_it(demo_db, tmp_path, document, where, title, paper):
    import io

    import pypdf

    number, matter = _first(demo_db, where)
    out = tmp_path / f"{document}.pdf"
    result = cli("print", document, number, "--db", demo_db, "--out", out, "--format", paper)
    assert result.returncode == 0, result.stderr
    assert title in result.stdout
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert number in text and matter[:6] in text.replace("\n", "")
    conn = sqlite3.connect(demo_db)
    try:
        summaries = [s for (s,) in conn.execute("SELECT summary FROM audit_log WHERE action = 'print' AND created_by = '命令行'")]
    finally:
        conn.close()
    assert any(title in s and out.name in s for s in summaries)


def test_print_refuses_what_does_not_exist_or_does_not_fit(demo_db, tmp_path):
    out = tmp_path / "x.pdf"
    missing = cli("print", "receipt", "SL-DT00-20220101-9999", "--db", demo_db, "--out", out)
    assert missing.returncode == 1 and missing.stderr.startswith("错误：") and "找不到" in missing.stderr
    number, _ = _first(demo_db, "status = '不予受理'")
    wrong = cli("print", "receipt", number, "--db", demo_db, "--out", out)
    assert wrong.returncode == 1 and "尚未受理" in wrong.stderr
    assert not out.exists()
    out.write_bytes(b"keep")
    number, _ = _first(demo_db, "accepted_on IS NOT NULL")
    kept = cli("print", "receipt", number, "--db", demo_db, "--out", out)
    assert kept.returncode == 1 and out.read_bytes() == b"keep"
    assert cli("print", "receipt", number, "--db", demo_db, "--out", out, "--format", "a3").returncode == 2


# --------------------------------------------------------------------------- report

def test_report_writes_the_years_pdf_and_workbook_and_audits_them(demo_db, tmp_path):
    import io

    import openpyxl
    import pypdf

    out = tmp_path / "2022.pdf"
    result = cli("report", "--year", "2022", "--db", demo_db, "--out", out)
    assert result.returncode == 0, result.stderr
    assert "2022年统计报告" in result.stdout and str(out) in result.stdout
    text = "".join("".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages).split())
    assert "调处矛盾纠纷213件，办理各类信访案件240件" in text and "组织夜间巡逻73次，参加巡逻1426人次" in text
    sheet = tmp_path / "2022-q3.xlsx"
    result = cli("report", "--year", "2022", "--quarter", "3", "--db", demo_db, "--out", sheet)
    assert result.returncode == 0, result.stderr
    book = openpyxl.load_workbook(sheet)
    assert "2022年第3季度" in book["报告文字"]["A1"].value
    conn = sqlite3.connect(demo_db)
    try:
        summaries = [s for (s,) in conn.execute("SELECT summary FROM audit_log WHERE action = 'export' AND created_by = '命令行'")]
    finally:
        conn.close()
    assert any("2022年（全部站点，PDF 报告）" in s for s in summaries)
    assert any("2022年第3季度" in s and "Excel" in s for s in summaries)


def test_report_refuses_what_it_cannot_write(demo_db, tmp_path):
    kept = tmp_path / "kept.pdf"
    kept.write_bytes(b"keep")
    refused = cli("report", "--year", "2022", "--db", demo_db, "--out", kept)
    assert refused.returncode == 1 and "已存在" in refused.stderr and kept.read_bytes() == b"keep"
    wrong = cli("report", "--year", "2022", "--db", demo_db, "--out", tmp_path / "r.docx")
    assert wrong.returncode == 1 and ".pdf" in wrong.stderr and ".xlsx" in wrong.stderr
    both = cli("report", "--year", "2022", "--month", "3", "--quarter", "1", "--db", demo_db, "--out", tmp_path / "r.pdf")
    assert both.returncode == 1 and "只能选一个" in both.stderr
    early = cli("report", "--year", "1999", "--db", demo_db, "--out", tmp_path / "r.pdf")
    assert early.returncode == 1 and "年份" in early.stderr
    assert not (tmp_path / "r.pdf").exists() and not (tmp_path / "r.docx").exists()
