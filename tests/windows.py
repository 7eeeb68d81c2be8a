"""Two windows doing the same thing at once, for the tests of what the database's locks keep apart.

A window is a thread on its own connection, as each PC of the town hall has its own. ``outcome[name]`` holds
what a window's work returned or raised. ``pause_first`` makes the window named "first" stop inside a step
(after its checks, before its writes) until ``release`` is set; ``race`` runs the usual sequence."""

import threading
import time

from models.db import db, is_server, on_own_connection


class Windows:
    def __init__(self):
        self.outcome: dict = {}
        self.paused, self.release = threading.Event(), threading.Event()
        self.threads: list[threading.Thread] = []

    def pause_first(self, monkeypatch, owner, name: str) -> None:
        """The window "first" stops when it calls ``owner.name``, until ``release`` is set."""
        real = getattr(owner, name)

        def pausing(*args, **kwargs):
            if threading.current_thread().name == "first":
                self.paused.set()
                assert self.release.wait(60)
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, pausing)

    def start(self, name: str, work) -> threading.Thread:
        def run():
            try:
                self.outcome[name] = on_own_connection(work)
            except Exception as exc:           # noqa: BLE001 - the test reads what each window met
                self.outcome[name] = exc

        thread = threading.Thread(target=run, name=name)
        thread.start()
        self.threads.append(thread)
        return thread

    def join(self) -> None:
        for thread in self.threads:
            thread.join(60)

    def race(self, first_work, second_work) -> None:
        """The first window starts and stops inside its step; the second starts; once the second waits for a
        lock the first holds, the first goes on. Both have ended when this returns. On the server the second
        must have waited (pg_stat_activity shows it); on SQLite the first's write lock makes it wait anyway."""
        self.start("first", first_work)
        assert self.paused.wait(60)
        second = self.start("second", second_work)
        if is_server():
            waiting = 0
            for _ in range(200):
                (waiting,) = db.execute_sql("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                            " AND wait_event_type = 'Lock'").fetchone()
                if waiting or not second.is_alive():
                    break
                time.sleep(0.05)
            assert waiting == 1
        else:
            time.sleep(0.3)
        self.release.set()
        self.join()
