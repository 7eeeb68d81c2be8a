"""Grow a demo database to benchmark size by copying its cases, for bench_hall.py search and list.

    python main.py demo --db BIG.db --scale 100        # a real planned year, ~96,000 cases (about 4 min)
    python bench/amplify.py BIG.db --copies 10          # ~1,060,000 cases (about 14 min)

`demo --scale 1076` writes a planned million directly but takes over an hour on a 2-core machine;
copying is SQL inside SQLite. Each copy gets a fresh uid, the number with "-k" appended (unique), and
its own rows in both search indexes — the shape the search and the lists see is the demo's. For
benchmarks only: the copies carry no events, fees or ratings.
"""

import argparse
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def spaced(text):
    return " ".join(ch for ch in (text or "") if not ch.isspace())


def main() -> None:
    from models.hall.cases import search_texts

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db")
    parser.add_argument("--copies", type=int, default=10)
    args = parser.parse_args()
    conn = sqlite3.connect(args.db)
    conn.create_function("spaced", 1, spaced, deterministic=True)
    columns = [row[1] for row in conn.execute("PRAGMA table_info(service_case)") if row[1] != "id"]
    original = conn.execute("SELECT MAX(id) FROM service_case").fetchone()[0]
    started = time.perf_counter()
    for k in range(1, args.copies + 1):
        chosen = ", ".join(
            "lower(hex(randomblob(16)))" if c == "uid" else f"number || '-{k}'" if c == "number" else c
            for c in columns)
        with conn:
            first = conn.execute("SELECT MAX(id) FROM service_case").fetchone()[0] + 1
            conn.execute(f"INSERT INTO service_case ({', '.join(columns)}) SELECT {chosen} FROM service_case "
                         f"WHERE id <= ? ORDER BY id", (original,))
            # the same texts as cases.search_texts, computed here in SQL for speed
            text = ("trim(number || ' ' || applicant_name || ' ' || applicant_phone || ' ' || agent_name || ' ' || "
                    "agent_phone || ' ' || matter_name)")
            idno = "trim(applicant_id_number || ' ' || agent_id_number)"
            conn.execute(f"INSERT INTO case_search (rowid, text, idno) SELECT id, {text}, {idno} FROM service_case "
                         "WHERE id >= ?", (first,))
            conn.execute(f"INSERT INTO case_search_chars (rowid, text, idno) SELECT id, spaced({text}), spaced({idno}) "
                         "FROM service_case WHERE id >= ?", (first,))
        total = conn.execute("SELECT MAX(id) FROM service_case").fetchone()[0]
        print(f"copy {k}: {total:,} cases ({time.perf_counter() - started:.0f} s)", flush=True)
    # the SQL texts must be what the application indexes (blank parts collapse differently: check one)
    row = conn.execute("SELECT number, applicant_name, applicant_phone, agent_name, agent_phone, matter_name, "
                       "applicant_id_number, agent_id_number, id FROM service_case ORDER BY id DESC LIMIT 1").fetchone()
    keys = ("number", "applicant_name", "applicant_phone", "agent_name", "agent_phone", "matter_name",
            "applicant_id_number", "agent_id_number")
    expected = search_texts(dict(zip(keys, row)))[0]
    stored = conn.execute("SELECT text, idno FROM case_search WHERE rowid = ?", (row[-1],)).fetchone()
    print("index text matches the application's:", " ".join(stored[0].split()) == " ".join(expected[0].split()))
    conn.execute("PRAGMA optimize")
    conn.close()


if __name__ == "__main__":
    main()
