"""TownDesk --self-check: what a technician runs after installing a build (the build itself: test_build.py)."""

import io
import os
import subprocess
import sys
import tempfile

from models.paths import log_dir
from tests.conftest import ROOT
from ui import selfcheck

STEPS = ["资源文件", "新建数据库", "受理一件办件", "生成受理通知书 PDF", "生成统计报告 PDF 和 Excel", "打开主窗口", "PostgreSQL 驱动（镇中心服务器）"]


def test_the_self_check_passes_from_the_source_tree_and_leaves_nothing_behind(tmp_path):
    data = tmp_path / "data"
    shot = tmp_path.parent / f"{tmp_path.name}-window.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path), "TOWNDESK_DATA_DIR": str(data),
           "TOWNDESK_SELF_CHECK_SHOT": str(shot)}
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--self-check"], capture_output=True, text=True,
                            env=env, timeout=240)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].endswith("自检（源代码）")
    assert [line.split("：")[0] for line in lines[1:-1]] == [f"✓ {step}" for step in STEPS]
    assert "SL-ZJ00-" in result.stdout and "中文字体已嵌入" in result.stdout and "字体 WenQuanYi" in result.stdout
    assert lines[-1] == "自检通过。"
    # its database and folder were temporary; the user's data folder was not touched
    assert list(tmp_path.iterdir()) == []
    # the picture asked for is the main window
    from PySide6.QtGui import QImage

    picture = QImage(str(shot))
    assert (picture.width(), picture.height()) == (1366, 768)
    shot.unlink()


def test_a_missing_resource_fails_the_self_check_naming_the_file(monkeypatch, tmp_path):
    # a frozen build whose folder lost resources/: resource_path looks in sys._MEIPASS
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    before = os.environ.get("TOWNDESK_DATA_DIR")
    out = io.StringIO()
    assert selfcheck.run_self_check(out) == 1
    report = out.getvalue()
    assert "✗ 资源文件：FileNotFoundError: 缺少 " in report
    assert str(tmp_path / "resources" / "fonts" / "WenQuanYiMicroHei.ttf") in report
    assert "新建数据库" not in report          # the later steps need the resources: not run
    assert report.rstrip().endswith("自检未通过：请把以上内容发给技术支持。")
    assert os.environ.get("TOWNDESK_DATA_DIR") == before


def test_without_a_console_the_report_goes_to_the_log_folder(monkeypatch, tmp_path):
    # a Windows build has no console (sys.stdout is None)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert selfcheck.run_self_check() == 1
    report = (log_dir() / "self-check.txt").read_text(encoding="utf-8")
    assert "✗ 资源文件" in report and "自检未通过" in report
