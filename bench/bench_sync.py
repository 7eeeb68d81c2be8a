"""数据交换 speed goals, measured (never asserted in tests). Results go to bench/README.md.

    python bench/bench_sync.py [--post POST.db] [--scale 10] [--hall postgresql://…] [--profile DIR]

A village post's year (``main.py demo --hall-only`` at ``--scale``, cached in bench/cache/ unless --post names
one) is registered at an empty town hall (a new SQLite file, or the server database --hall names, which must
be empty), then, each timed:
- the post exports everything the hall has not seen (the first bundle: every record);
- the hall imports it;
- the hall imports the same bundle again (recognised by its id: nothing to do);
- the post exports again before any reply from the hall has confirmed the first bundle: every record of it
  goes again in a new bundle (as after a lost USB stick), which the hall imports record by record finding
  every one unchanged (the per-record re-import).
Every run starts from fresh copies of the post and the empty hall (--repeat, default 3): the best run shows
the work with the fewest of this machine's stalls, the median what a user met. A floor closes each run: the
same tables copied into the empty hall inside SQLite (no Python per row), the machine's own limit.
Goal (issue 7): a bundle of 100,000 records exported and imported in under 20 s each; re-import under 5 s.
"""

import argparse
import cProfile
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TOWNDESK_DATA_DIR", tempfile.mkdtemp(prefix="towndesk-bench-"))

from bench.bench_hall import stall_gauge  # noqa: E402

CACHE = ROOT / "bench" / "cache"
PASSWORD = "Bench2022x"


def cached_post(scale: int) -> Path:
    path = CACHE / f"post-s{scale}.db"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        print(f"building {path} (demo --scale {scale} --hall-only) …", flush=True)
        subprocess.run([sys.executable, str(ROOT / "main.py"), "demo", "--db", str(path), "--scale", str(scale),
                        "--hall-only"], check=True)
    return path


STEPS = {"export": "post: export every record", "import": "hall: import them",
         "again": "hall: the same bundle again", "resend": "post: export again, the first bundle unconfirmed",
         "unchanged": "hall: import them again (every record unchanged)",
         "floor": "floor: the same tables copied inside SQLite"}


def measure(post_source: Path, repeat: int = 3, hall_url: str | None = None, profile: str | None = None):
    """Every step ``repeat`` times on fresh copies: ({step key: [seconds, …]}, records in the first bundle)."""
    from models import accounts, settings, setup, sync
    from models.db import close_database

    work = Path(tempfile.mkdtemp(prefix="towndesk-sync-bench-"))
    post0, hall0 = work / "post.db", work / "hall.db"
    shutil.copyfile(post_source, post0)
    setup.open_app_database(post0)
    post_code = settings.post_code()
    post_admin = accounts.get_user("admin")
    close_database()
    setup.open_app_database(hall_url or hall0, create=True)
    hall_admin = setup.initialise("打通镇", "打通镇便民服务中心（基准）", "ZX00", "hall", PASSWORD)
    key = sync.register_post(hall_admin, post_code, "基准村站")
    close_database()
    setup.open_app_database(post0)
    sync.join(post_admin, key)
    close_database()
    if hall_url and repeat > 1:
        print("--hall: one run (a server database cannot be copied back to empty here)")
        repeat = 1

    times: dict[str, list[float]] = {}

    def timed(step, work_fn):
        label = STEPS[step]
        profiler = cProfile.Profile() if profile else None
        began = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        result = work_fn()
        seconds = time.perf_counter() - began
        if profiler is not None:
            profiler.disable()
            Path(profile).mkdir(parents=True, exist_ok=True)
            profiler.dump_stats(Path(profile) / f"{step}-run{len(times.get(step, [])) + 1}.prof")
        times.setdefault(step, []).append(seconds)
        print(f"{label:<52} {seconds:8.2f} s", flush=True)
        return result

    def on(target, work_fn):
        setup.open_app_database(target)
        try:
            return work_fn()
        finally:
            close_database()

    records = 0
    for run in range(1, repeat + 1):
        print(f"-- run {run} of {repeat}")
        post, hall = work / f"post-{run}.db", (hall_url or work / f"hall-{run}.db")
        shutil.copyfile(post0, post)
        if not hall_url:
            shutil.copyfile(hall0, hall)
        first, again = work / f"first-{run}.tdsync", work / f"again-{run}.tdsync"
        exported = on(post, lambda: timed("export", lambda: sync.export_bundle(post_admin, first)))
        records = exported.total
        if run == 1:
            print(f"  {records:,} records, {first.stat().st_size / 1e6:.1f} MB")
        imported = on(hall, lambda: timed("import", lambda: sync.import_bundle(hall_admin, first)))
        if run == 1:
            print(f"  {sync.summary(imported.totals)}")
        on(hall, lambda: timed("again", lambda: sync.import_bundle(hall_admin, first)))
        resent = on(post, lambda: timed("resend", lambda: sync.export_bundle(post_admin, again)))
        if run == 1:
            print(f"  {resent.total:,} records (bundles {resent.unconfirmed} not confirmed)")
        on(hall, lambda: timed("unchanged", lambda: sync.import_bundle(hall_admin, again)))
        if not hall_url:
            floor = work / f"floor-{run}.db"
            shutil.copyfile(hall0, floor)
            timed("floor", lambda: sqlite_floor(post, floor))
        for path in (post, first, again) + (() if hall_url else (hall, floor)):
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
    shutil.rmtree(work, ignore_errors=True)
    return times, records


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--post", help="a demo database to act as the village post (copied, never changed)")
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--hall", help="an empty server database for the hall (default: a new SQLite file)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of every step, each on fresh copies")
    parser.add_argument("--profile", metavar="DIR", help="also write each step's cProfile statistics to DIR")
    args = parser.parse_args()

    print(stall_gauge())
    times, records = measure(Path(args.post) if args.post else cached_post(args.scale), args.repeat, args.hall,
                             args.profile)
    print(stall_gauge())
    print(f"\n{records:,} records; best and median of {len(times['export'])} (seconds; per 100,000 records in brackets):")
    for step, values in times.items():
        best, median = min(values), statistics.median(values)
        print(f"{STEPS[step]:<52} best {best:7.2f} ({best * 1e5 / records:6.2f})   median {median:7.2f} "
              f"({median * 1e5 / records:6.2f})")


def sqlite_floor(post: Path, hall: Path) -> None:
    """What SQLite alone takes to write the post's rows into the empty hall with the same tables and indexes:
    INSERT … SELECT per table in one transaction, no Python per row, no checks, ids kept (reference rows
    both sides seeded are skipped), the search indexes written from the post's. The machine's floor for
    the import, measured in the same run."""
    from models.sync import catalog

    conn = sqlite3.connect(str(hall))
    try:
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("ATTACH DATABASE ? AS post", (str(post),))
        tables = catalog.tables()
        with conn:
            for t in tables:
                conn.execute(f'INSERT OR IGNORE INTO main."{t.name}" SELECT * FROM post."{t.name}"')
            for index in {t.search for t in tables if t.search is not None}:
                for name in index.tables:
                    conn.execute(f"INSERT INTO main.{name} (rowid, text, idno) SELECT rowid, text, idno FROM post.{name}")
    finally:
        conn.close()


if __name__ == "__main__":
    main()
