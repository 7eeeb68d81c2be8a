"""Helper process for tests/test_numbering.py: allocate numbers in a database shared with another process.

    python tests/number_worker.py DB_PATH COUNT LABEL BARRIER_DIR [intake]

Opens DB_PATH as the application does, signals BARRIER_DIR/ready-LABEL, waits for BARRIER_DIR/go,
then allocates COUNT numbers SL-<post>-20240520-NNNN, each in its own transaction that also appends
an audit entry naming the number, and prints each number once its transaction has committed.
With "intake", each number comes from a whole 受理 at the window instead (user "chuangkou", the
first person in the registry, matter XZFW-002), as two windows of the hall would take them.
"""

import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from models import audit, numbering, setup  # noqa: E402
from models.db import close_database, db  # noqa: E402

DAY = date(2024, 5, 20)
BARRIER_TIMEOUT = 60


def _intake_once():
    from datetime import datetime

    from models import accounts, people
    from models.hall import cases, matters

    clerk = accounts.get_user("chuangkou")
    matter = matters.get_matter("XZFW-002")
    person = people.Person.select().order_by(people.Person.id).first()
    entry = cases.Intake(matter=matter, applicant=person, materials={m["name"]: "已收取" for m in matter.materials})
    return lambda: cases.intake(clerk, entry, now=datetime(2024, 5, 20, 2, 0)).number


def main(db_path: str, count: int, label: str, barrier: str, mode: str = "number") -> None:
    setup.open_app_database(db_path)
    take = _intake_once() if mode == "intake" else None
    folder = Path(barrier)
    (folder / f"ready-{label}").touch()
    deadline = time.monotonic() + BARRIER_TIMEOUT
    while not (folder / "go").exists():
        if time.monotonic() > deadline:
            raise SystemExit("barrier: the other worker never arrived")
        time.sleep(0.005)
    try:
        for _ in range(count):
            if take is not None:
                print(take(), flush=True)
                continue
            with db.atomic():
                number = numbering.next_number("SL", day=DAY)
                audit.log(f"worker-{label}", "create", f"受理 {number}")
            print(number, flush=True)
    finally:
        close_database()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], *sys.argv[5:6])
