"""TownDesk's Qt widgets. Screens lay out widgets and call models/; they never build a query."""

import sys


def _give_none_headroom() -> None:
    """Work around a reference-count bug of PySide6 6.12 on Python 3.11.

    Every QVariant that PySide6 6.12 hands back as None (``QComboBox.currentData()`` of an item without data,
    ``QModelIndex.data()`` of an empty role, …) gives up a reference to None that it never took. After some
    thousands of such calls None's count reaches zero and the interpreter aborts ("deallocating None") —
    the application would die in the middle of a day's work. Python 3.12 made None immortal; this gives
    it the same headroom on 3.11 (2**40 calls). tests/test_ui_shell.py checks that it holds.
    """
    if sys.version_info >= (3, 12):
        return
    import ctypes

    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 40   # ob_refcnt, the first field of every object


_give_none_headroom()
