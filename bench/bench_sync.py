"""数据交换 speed goals, measured (never asserted in tests). Results go to bench/README.md.

    python bench/bench_sync.py [--post POST.db] [--scale 20] [--server postgresql://role@host/db] [--profile DIR]

A village post's year (``main.py demo --hall-only`` at ``--scale``, cached in bench/cache/ unless --post names
one; scale 20 is 115,239 records) is registered at an empty town hall (a new SQLite file, or with --server a
new database on that PostgreSQL server, made and dropped by the benchmark: the role must be allowed to create
databases), then, each timed:
- the post exports everything the hall has not seen (the first bundle: every record);
- the hall imports it;
- the hall imports the same bundle again (recognised by its id: nothing to do);
- the post exports again before any reply from the hall has confirmed the first bundle: every record of it
  goes again in a new bundle (as after a lost USB stick), which the hall imports record by record finding
  every one unchanged (the per-record re-import).
Every run starts from fresh copies of the post and the empty hall (--repeat, default 3; a server database is
copied with CREATE DATABASE … TEMPLATE): the best run shows the work with the fewest of this machine's stalls,
the median what a user met. A floor closes each run: the same rows copied by the database engine itself, no
Python per row (SQLite: the post's tables into an empty hall file; PostgreSQL: the hall's imported tables into
new tables with the same indexes), the machine's own limit.
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
         "floor": "floor: the same rows copied by the engine itself"}


class ServerDatabases:
    """Databases the benchmark makes on a PostgreSQL server and drops at the end: ``new(template)`` gives the
    URL of a new empty database (UTF-8 under C.UTF-8, as the README has a town hall create it), or of a copy of
    another one made here."""

    def __init__(self, url: str):
        self.url, self.made = url, []

    def _run(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute(statement)

    def new(self, template: str | None = None) -> str:
        from urllib.parse import urlparse

        name = f"towndesk_bench_{os.getpid()}_{len(self.made)}"
        self._run(f'DROP DATABASE IF EXISTS "{name}"')
        self._run(f'CREATE DATABASE "{name}" ' + (
            f'TEMPLATE "{urlparse(template).path[1:]}"' if template
            else "TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"))
        self.made.append(name)
        return urlparse(self.url)._replace(path="/" + name).geturl()

    def drop(self, url: str) -> None:
        from urllib.parse import urlparse

        self._run(f'DROP DATABASE IF EXISTS "{urlparse(url).path[1:]}"')

    def drop_all(self) -> None:
        for name in self.made:
            self._run(f'DROP DATABASE IF EXISTS "{name}"')
        self.made = []


def measure(post_source: Path, repeat: int = 3, server: str | None = None, profile: str | None = None):
    """Every step ``repeat`` times on fresh copies: ({step key: [seconds, …]}, records in the first bundle).
    ``server``: the hall on new databases of that PostgreSQL server instead of SQLite files."""
    from models import accounts, settings, setup, sync
    from models.db import close_database

    work = Path(tempfile.mkdtemp(prefix="towndesk-sync-bench-"))
    databases = ServerDatabases(server) if server else None
    post0 = work / "post.db"
    hall0 = databases.new() if databases else work / "hall.db"
    shutil.copyfile(post_source, post0)
    setup.open_app_database(post0)
    post_code = settings.post_code()
    post_admin = accounts.get_user("admin")
    close_database()
    setup.open_app_database(hall0, create=True)
    hall_admin = setup.initialise("打通镇", "打通镇便民服务中心（基准）", "ZX00", "hall", PASSWORD)
    key = sync.register_post(hall_admin, post_code, "基准村站")
    close_database()
    setup.open_app_database(post0)
    sync.join(post_admin, key)
    close_database()

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

    def run_once(run: int) -> None:
        nonlocal records
        print(f"-- run {run} of {repeat}")
        post = work / f"post-{run}.db"
        shutil.copyfile(post0, post)
        hall = databases.new(template=hall0) if databases else work / f"hall-{run}.db"
        if not databases:
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
        if databases:
            timed("floor", lambda: server_floor(hall))
            databases.drop(hall)
        else:
            floor = work / f"floor-{run}.db"
            shutil.copyfile(hall0, floor)
            timed("floor", lambda: sqlite_floor(post, floor))
        for path in (post, first, again) + (() if databases else (hall, floor)):
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)

    try:
        for run in range(1, repeat + 1):
            run_once(run)
    finally:
        if databases:
            databases.drop_all()
        shutil.rmtree(work, ignore_errors=True)
    return times, records


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--post", help="a demo database to act as the village post (copied, never changed)")
    parser.add_argument("--scale", type=int, default=20, help="the demo's scale for the post (20: 115,239 records)")
    parser.add_argument("--server", metavar="URL",
                        help="the hall on PostgreSQL: a role there that may create databases (default: SQLite files)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of every step, each on fresh copies")
    parser.add_argument("--profile", metavar="DIR", help="also write each step's cProfile statistics to DIR")
    args = parser.parse_args()

    print(stall_gauge())
    times, records = measure(Path(args.post) if args.post else cached_post(args.scale), args.repeat, args.server,
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


def server_floor(hall_url: str) -> None:
    """What PostgreSQL alone takes to write the rows the import wrote: each of the hall's tables (search index
    included) copied by INSERT … SELECT into a new table with the same columns, defaults and indexes (CREATE
    TABLE … LIKE … INCLUDING ALL), in one transaction, committed; no Python per row, no foreign-key checks.
    The copies are dropped afterwards (not timed)."""
    import psycopg

    from models.sync import catalog

    tables = catalog.tables()
    names = [t.name for t in tables] + sorted({t.search.name for t in tables if t.search is not None})
    with psycopg.connect(hall_url) as connection:
        with connection.transaction():
            connection.execute("CREATE SCHEMA bench_floor")
            for name in names:
                connection.execute(f'CREATE TABLE bench_floor."{name}" (LIKE public."{name}" INCLUDING ALL)')
                connection.execute(f'INSERT INTO bench_floor."{name}" SELECT * FROM public."{name}"')
        connection.execute("DROP SCHEMA bench_floor CASCADE")
        connection.commit()


if __name__ == "__main__":
    main()

