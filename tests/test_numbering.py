"""编号: format, serial per prefix/post/day, transactions, and two processes allocating at once."""

import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from models import audit, numbering, setup
from models.audit import AuditEntry
from models.db import close_database, db
from models.numbering import Counter

DAY = date(2024, 5, 20)
WORKER = Path(__file__).resolve().parent / "number_worker.py"


def _next(prefix="SL", day=DAY, post=None) -> str:
    with db.atomic():
        return numbering.next_number(prefix, day=day, post=post)


def test_number_format(admin):
    assert _next() == "SL-DT00-20240520-0001"
    assert _next() == "SL-DT00-20240520-0002"


def test_default_post_is_the_installations(admin):
    assert _next().split("-")[1] == "DT00"


def test_serial_is_per_prefix(admin):
    _next("SL")
    _next("SL")
    assert _next("TS") == "TS-DT00-20240520-0001"
    assert _next("SL") == "SL-DT00-20240520-0003"


def test_serial_is_per_post(admin):
    _next(post="DT00")
    assert _next(post="DT01") == "SL-DT01-20240520-0001"
    assert _next(post="DT00") == "SL-DT00-20240520-0002"


def test_serial_is_per_day(admin):
    _next(day=DAY)
    assert _next(day=date(2024, 5, 21)) == "SL-DT00-20240521-0001"
    assert _next(day=DAY) == "SL-DT00-20240520-0002"


def test_counter_row_holds_last_serial(admin):
    for _ in range(3):
        _next()
    row = Counter.get(Counter.prefix == "SL", Counter.post == "DT00", Counter.day == DAY)
    assert row.last == 3


@pytest.mark.parametrize("prefix", ["sl", "S", "ABCDE", "S1"])
def test_bad_prefix_is_refused(admin, prefix):
    with pytest.raises(ValueError):
        _next(prefix)
    assert Counter.select().count() == 0


def test_refused_outside_a_transaction(admin):
    with pytest.raises(RuntimeError):
        numbering.next_number("SL", day=DAY)
    assert Counter.select().count() == 0


def test_rolled_back_transaction_gives_number_back(admin):
    _next()
    with pytest.raises(ZeroDivisionError):
        with db.atomic():
            assert numbering.next_number("SL", day=DAY) == "SL-DT00-20240520-0002"
            audit.log("admin", "create", "受理 SL-DT00-20240520-0002")
            1 / 0
    assert not AuditEntry.select().where(AuditEntry.summary.contains("0002")).exists()
    assert _next() == "SL-DT00-20240520-0002"


def test_rolled_back_first_number_leaves_no_counter(admin):
    with pytest.raises(ZeroDivisionError):
        with db.atomic():
            numbering.next_number("SL", day=DAY)
            1 / 0
    assert Counter.select().count() == 0
    assert _next() == "SL-DT00-20240520-0001"


# --------------------------------------------------------------------------- two processes

N = 150


def _wait_for(paths, procs, timeout=60):
    deadline = time.monotonic() + timeout
    while not all(p.exists() for p in paths):
        if any(proc.poll() is not None for proc in procs):
            raise AssertionError("a worker exited before reaching the barrier: "
                                 + "; ".join(proc.stderr.read() for proc in procs if proc.poll() is not None))
        if time.monotonic() > deadline:
            raise AssertionError("workers did not reach the barrier")
        time.sleep(0.01)


def _run_workers(db_path, tmp_path, *mode):
    close_database()
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    procs = [
        subprocess.Popen([sys.executable, str(WORKER), str(db_path), str(N), label, str(barrier), *mode],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for label in ("a", "b")
    ]
    try:
        _wait_for([barrier / "ready-a", barrier / "ready-b"], procs)
        (barrier / "go").touch()
        outputs = [proc.communicate(timeout=300) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    for proc, (_, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
    return [line for out, _ in outputs for line in out.split()]


def test_two_hall_windows_taking_cases_at_once_never_share_a_number(make_user, db_path, tmp_path):
    from models import people
    from models.hall.tables import ServiceCase

    clerk = make_user("window", username="chuangkou")
    people.save_person(clerk, {"name": "张三"})
    numbers = _run_workers(db_path, tmp_path, "intake")
    assert len(numbers) == 2 * N and len(set(numbers)) == 2 * N
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, 2 * N + 1))
    setup.open_app_database(db_path)
    assert sorted(c.number for c in ServiceCase.select()) == sorted(numbers)


def test_two_processes_never_share_a_number(admin, db_path, tmp_path):
    # The parent closes its connection before the workers run, as a second copy of TownDesk
    # would find it: WAL would let it stay open, but then an idle connection of the test
    # itself would take part in the locking being tested. Reopening afterwards also proves the
    # numbers and rows reached the file, not just a connection's view.
    numbers = _run_workers(db_path, tmp_path)
    assert len(set(numbers)) == 2 * N
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, 2 * N + 1))
    assert all(n.startswith("SL-DT00-20240520-") for n in numbers)

    setup.open_app_database(db_path)
    rows = AuditEntry.select().where(AuditEntry.created_by.in_(["worker-a", "worker-b"]))
    assert rows.count() == 2 * N
    assert {r.summary.split()[1] for r in rows} == set(numbers)
    assert Counter.get(Counter.prefix == "SL", Counter.day == DAY).last == 2 * N
