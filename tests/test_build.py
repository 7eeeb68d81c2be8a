"""The installable folder: ``pyinstaller build.spec`` builds it and the built program's --self-check passes.

Minutes of work, so only with ``pytest --build`` (.ci/run runs it after the other tests)."""

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = [pytest.mark.build, pytest.mark.timeout(1800)]


def folder_size(folder) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink())


def test_the_build_runs_its_self_check_from_the_built_folder(tmp_path):
    built = subprocess.run([sys.executable, "-m", "PyInstaller", str(ROOT / "build.spec"), "--noconfirm",
                            "--distpath", str(tmp_path / "dist"), "--workpath", str(tmp_path / "work")],
                           cwd=ROOT, capture_output=True, text=True, timeout=1500)
    assert built.returncode == 0, built.stderr[-4000:]
    folder = tmp_path / "dist" / "TownDesk"
    program = folder / ("TownDesk.exe" if sys.platform == "win32" else "TownDesk")
    assert program.is_file()
    internal = folder / "_internal"
    for part in (("resources", "fonts", "WenQuanYiMicroHei.ttf"), ("resources", "catalogue", "matters.json"),
                 ("qt_material", "themes", "light_blue.xml")):
        assert internal.joinpath(*part).is_file(), part
    assert list(internal.rglob("qtbase_zh_CN.qm")), "Qt's Chinese translation is not in the build"

    # run from elsewhere, as an installed program is, on no display, with the source tree out of reach
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TOWNDESK_DATA_DIR")}
    env.update(QT_QPA_PLATFORM="offscreen", TOWNDESK_DATA_DIR=str(tmp_path / "userdata"))
    checked = subprocess.run([str(program), "--self-check"], cwd=tmp_path, capture_output=True, text=True, env=env,
                             timeout=300)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "自检（打包版）" in checked.stdout and checked.stdout.rstrip().endswith("自检通过。")
    assert str(internal / "resources") in checked.stdout          # the resources came from the bundle
    assert not (tmp_path / "userdata").exists()                   # the user's data folder was not touched
    print(f"\nbuilt folder: {folder_size(folder) / 1e6:.0f} MB")
