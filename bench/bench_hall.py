"""一窗受理 speed goals, measured (never asserted in tests). Results go to bench/README.md.

    python bench/bench_hall.py intake                 # intake → receipt PDF, warm and first after start
    python bench/bench_hall.py search --db BIG.db     # search p95 per query kind
    python bench/bench_hall.py list --db BIG.db       # 全部办件: first rows painted

BIG.db: see bench/README.md (python main.py demo --scale 100, then bench/amplify.py --copies 10).
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TOWNDESK_DATA_DIR", tempfile.mkdtemp(prefix="towndesk-bench-"))


def quantiles(samples_ms: list[float]) -> str:
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return (f"min {ordered[0]:7.1f} ms   median {statistics.median(ordered):7.1f} ms   p95 {p95:7.1f} ms   "
            f"max {ordered[-1]:7.1f} ms   (n={len(ordered)})")


def stall_gauge(seconds: float = 5.0) -> str:
    """How much this machine stalls right now: a loop of ~0.5 ms pure-Python steps, and the share of
    wall time spent in steps that took over 20 ms. On a quiet machine that share is 0 %."""
    steps, lost, start = [], 0.0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        t = time.perf_counter()
        sum(range(40_000))
        steps.append((time.perf_counter() - t) * 1000)
    lost = sum(x for x in steps if x > 20)
    return (f"stall gauge: step median {statistics.median(steps):.2f} ms, max {max(steps):.0f} ms, "
            f"{lost / (seconds * 10):.0f} % of {seconds:.0f} s lost in steps over 20 ms")


def best_of(run, repeats: int) -> tuple[float, float]:
    """(first, best) of `repeats` timings of run(), in ms: a stall of the machine rarely hits every repeat,
    while a query that is really slow is slow every time."""
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        own = run()   # a run may time itself (leaving out its clean-up) and return ms
        times.append(own if isinstance(own, float) else (time.perf_counter() - t) * 1000)
    return times[0], min(times)


def _fresh_counter():
    from models import accounts, people, setup
    from models.hall import matters

    path = Path(tempfile.mkdtemp()) / "bench.db"
    setup.open_app_database(path, create=True)
    admin = setup.initialise("打通镇", "打通镇便民服务中心", "DT00", "admin", "Admin2022x", district="綦江区",
                             hall_phone="023-48612345")
    clerk = accounts.create_user(admin, "chuangkou", "李秀英", ["window"], "Staff2022x")
    person = people.save_person(clerk, {"name": "张三", "id_number": "500222199001011237", "phone": "13800000001",
                                        "address": "重庆市綦江区打通镇石龙村3组"})
    return clerk, person, matters.get_matter("XZFW-010")


def one_receipt(clerk, person, matter, paper="a5"):
    from models.hall import cases, printing

    entry = cases.Intake(matter=matter, applicant=person, materials={m["name"]: "已收取" for m in matter.materials})
    case = cases.intake(clerk, entry)
    return printing.render(clerk, "receipt", case.number, paper).pdf


COLD = """
import os, sys, time, tempfile
start = time.perf_counter()
sys.path.insert(0, {root!r})
os.environ["TOWNDESK_DATA_DIR"] = tempfile.mkdtemp()
sys.path.insert(0, {bench!r})
from documents.fonts import prepare_printing
# as ui.app.run does while the login window waits for the user, who takes longer to sign in than this thread
# takes to finish (≈1 s here): the first receipt is printed after signing in
prepare_printing().join()
import bench_hall
clerk, person, matter = bench_hall._fresh_counter()
ready = time.perf_counter()
bench_hall.one_receipt(clerk, person, matter)
done = time.perf_counter()
print(f"{{(done - ready) * 1000:.1f}} {{(done - start) * 1000:.1f}}")
"""


def bench_intake(rounds: int) -> None:
    print(stall_gauge())
    for paper in ("a5", "roll80"):
        clerk, person, matter = _fresh_counter()
        one_receipt(clerk, person, matter, paper)  # warm: fonts registered, modules imported
        samples = []
        for _ in range(rounds):
            t = time.perf_counter()
            one_receipt(clerk, person, matter, paper)
            samples.append((time.perf_counter() - t) * 1000)
        print(f"intake → receipt PDF, warm, {paper:6}: {quantiles(samples)}   goal < 150 ms")
    firsts, totals = [], []
    for _ in range(7):
        out = subprocess.run([sys.executable, "-c", COLD.format(root=str(ROOT), bench=str(ROOT / "bench"))],
                             capture_output=True, text=True, check=True).stdout.split()
        firsts.append(float(out[0]))
        totals.append(float(out[1]))
    print(f"first receipt after start (intake + PDF): {quantiles(firsts)}   goal < 1 s")
    print(f"  …including imports and opening the database: {quantiles(totals)}")
    print(stall_gauge())


def _open(db: str):
    from models import accounts, setup

    setup.open_app_database(db)
    return accounts.get_user("chuangkou")


def _samples(rng, clerk):
    """Query texts of each kind, drawn from the database itself."""
    from models.hall.tables import ServiceCase

    from models.numbering import WHOLE_NUMBER_RE

    top = ServiceCase.select(ServiceCase.id).order_by(ServiceCase.id.desc()).first().id
    picks, numbered = [], []
    while len(picks) < 40 or len(numbered) < 40:
        case = ServiceCase.get_or_none(ServiceCase.id == rng.randint(1, top))
        if case is None:
            continue
        if len(picks) < 40:
            picks.append(case)
        if len(numbered) < 40 and WHOLE_NUMBER_RE.match(case.number):
            # amplify.py's copies end in -1 … -10, which no real number does: whole numbers from the originals
            numbered.append(case)
    return {
        "办件编号（完整）": [c.number for c in numbered],
        "办件编号（片段）": [c.number[8:17] for c in picks],
        "姓名（1 个字）": [c.applicant_name[0] for c in picks],
        "姓名（2 个字）": [c.applicant_name[:2] for c in picks],
        "姓名（3 个字）": [c.applicant_name[:3] for c in picks if len(c.applicant_name) >= 3],
        "证件号码（完整）": [c.applicant_id_number for c in picks if c.applicant_id_number],
        "证件号码（片段）": [c.applicant_id_number[6:14] for c in picks if c.applicant_id_number],
        "电话（后 4 位）": [c.applicant_phone[-4:] for c in picks if c.applicant_phone],
        "事项（2 个字）": [c.matter_name[:2] for c in picks],
    }


def bench_search(db: str, seed: int, repeats: int) -> None:
    from models.hall import cases
    from models.hall.cases import CaseFilter
    from models.hall.tables import ServiceCase
    from ui.hall.case_list import COUNT_CAP
    from ui.lists import PAGE

    clerk = _open(db)
    print(f"{ServiceCase.select().count():,} cases in {db}")
    print(stall_gauge())
    rng = random.Random(seed)
    samples = _samples(rng, clerk)
    print(f"first page ({PAGE} rows), what the list shows while the count follows off the GUI thread;"
          f" each query run {repeats} times: first run, and best of {repeats}")
    for kind, texts in samples.items():
        firsts, bests = [], []
        for text in texts:
            first, best = best_of(lambda: cases.list_cases(clerk, CaseFilter(text=text), limit=PAGE), repeats)
            firsts.append(first)
            bests.append(best)
        print(f"search {kind:14} first run {quantiles(firsts)}")
        print(f"       {'':14} best of {repeats} {quantiles(bests)}   goal p95 < 50 ms")
    for kind, texts in samples.items():           # the 共 N 件 under it, capped as the list caps it
        counted = [best_of(lambda: cases.count_cases(clerk, CaseFilter(text=text), cap=COUNT_CAP), 1)[0]
                   for text in texts]
        print(f"count  {kind:14} (cap {COUNT_CAP:,}, off the GUI thread): {quantiles(counted)}")
    print(stall_gauge())


def bench_list(db: str, repeats: int) -> None:
    from PySide6.QtWidgets import QApplication

    from ui.app import create_application
    from ui.common import wait_quiet_work

    create_application()
    clerk = _open(db)
    from ui.hall.case_list import CaseListPanel

    print(stall_gauge())
    built, shown = [], []
    for _ in range(10):
        def open_list():
            t = time.perf_counter()
            panel = CaseListPanel(clerk)
            panel.resize(1300, 700)
            built.append((time.perf_counter() - t) * 1000)
            panel.refresh()
            panel.show()
            QApplication.processEvents()
            panel.table.viewport().grab()
            elapsed = (time.perf_counter() - t) * 1000
            wait_quiet_work()   # the 共 N 件 count, off the GUI thread: not part of the first paint
            panel.close()
            panel.deleteLater()
            return elapsed
        shown.append(best_of(open_list, repeats))
    print(f"全部办件 opened (panel built, first page, rows painted), first run: {quantiles([f for f, _ in shown])}")
    print(f"  …best of {repeats}: {quantiles([b for _, b in shown])}   goal < 300 ms")
    print(f"  …of which building the panel: {quantiles(built)}")
    print(stall_gauge())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["intake", "search", "list"])
    parser.add_argument("--db")
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=3, help="runs per query; the best shows the machine's stalls apart")
    args = parser.parse_args()
    if args.what == "intake":
        bench_intake(args.rounds)
    elif not args.db:
        parser.error("--db is needed for search and list")
    elif args.what == "search":
        bench_search(args.db, args.seed, args.repeats)
    else:
        bench_list(args.db, args.repeats)


if __name__ == "__main__":
    main()
