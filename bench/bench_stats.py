"""统计报表 speed goals, measured (never asserted in tests). Results go to bench/README.md.

    python bench/bench_stats.py --db BIG.db [--year 2022] [--repeats 5]

On a year of about a million hall cases (BIG.db, see bench/README.md):
- the first statistics after the upgrade to schema 6 (the day summary counted from every case, once);
- the dashboard's refresh for a year (``figures.compute``, which the dashboard runs off the GUI thread) and
  the dashboard screen filled with its figures, tables and charts;
- the same after a day's work at the window (300 cases changed: their days are recounted first);
- the annual report as PDF and as .xlsx (compute + render).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TOWNDESK_DATA_DIR", tempfile.mkdtemp(prefix="towndesk-bench-"))

from bench.bench_hall import stall_gauge  # noqa: E402


def timed(run, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        run()
        out.append((time.perf_counter() - t) * 1000)
    return out


def line(name: str, samples: list[float]) -> str:
    return (f"{name:<44} first {samples[0]:8.0f} ms   median {statistics.median(samples):8.0f} ms   "
            f"best {min(samples):8.0f} ms   (n={len(samples)})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--year", type=int, default=2022)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-ui", action="store_true", help="skip the dashboard screen")
    args = parser.parse_args()

    from models import setup
    from models.accounts import CommandLineActor
    from models.db import db
    from models.hall.tables import ServiceCase
    from models.stats import figures, periods, report, summary

    print(stall_gauge())
    t = time.perf_counter()
    setup.open_app_database(args.db)
    print(f"open (and upgrade if needed)                 {(time.perf_counter() - t) * 1000:8.0f} ms")
    actor = CommandLineActor(frozenset({"stats.view", "patrol.sensitive"}))
    year = periods.year(args.year)
    cases = ServiceCase.select().where(ServiceCase.accepted_on.between(year.start, year.end)).count()
    print(f"cases accepted in {args.year}: {cases:,}; days waiting to be counted: {summary.pending()}")

    if summary.pending():
        t = time.perf_counter()
        days = summary.refresh()
        print(f"first statistics after the upgrade: {days} days counted in {(time.perf_counter() - t):.1f} s")

    print(line("dashboard refresh, a year (compute)", timed(lambda: figures.compute(actor, year), args.repeats)))
    print(line("dashboard refresh, a month (compute)",
               timed(lambda: figures.compute(actor, periods.month(args.year, 6)), args.repeats)))

    # a day's work: 300 cases of the year change (as completions would); their days are recounted first
    ids = [row.id for row in ServiceCase.select(ServiceCase.id).where(
        ServiceCase.accepted_on.between(year.start, year.end)).order_by(ServiceCase.id.desc()).limit(300)]

    def after_a_day():
        with db.atomic():
            db.execute_sql(f"UPDATE service_case SET completed_on = completed_on WHERE id IN ({','.join(map(str, ids))})")
        t0 = time.perf_counter()
        figures.compute(actor, year)
        return (time.perf_counter() - t0) * 1000

    samples = [after_a_day() for _ in range(max(2, args.repeats // 2))]
    print(line(f"refresh after 300 changed cases ({summary.pending()} left)", samples))

    if not args.no_ui:
        from PySide6.QtWidgets import QApplication

        from ui.app import create_application   # the bundled CJK font and the theme, as the application has them
        app = QApplication.instance() or create_application([])
        from ui.stats.dashboard import StatsDashboard

        stats = figures.compute(actor, year)
        board = StatsDashboard(actor)
        board.resize(1280, 800)

        def fill():
            board.show_stats(stats)
            app.processEvents()
        print(line("dashboard screen filled (tabs, cards, tables, charts)", timed(fill, args.repeats)))

    for kind in (report.PDF, report.XLSX):
        def make():
            stats = figures.compute(actor, year)
            report.render(stats, kind)
        print(line(f"annual report {kind} (compute + render)", timed(make, max(3, args.repeats // 2))))
    stats = figures.compute(actor, year)
    print(f"report: {len(report.render(stats, report.PDF)) // 1024} KB PDF, "
          f"{len(report.render(stats, report.XLSX)) // 1024} KB xlsx")
    print(stall_gauge())


if __name__ == "__main__":
    main()
