"""备份与恢复: manual backups, the list of backups beside the database, and restoring one of them."""

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from models import audit, backup
from models.accounts import User
from models.db import close_database
from models.errors import TownDeskError
from models.paths import backups_dir
from models.setup import open_app_database
from ui.common import Column, RecordTableModel, ask, hint, run_in_background, set_hint, show_problem
from ui.settings.widgets import status_label, table, tr

MANUAL_PREFIX = "manual-"


def _file_time(path: Path) -> str:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M:%S")
    except OSError:
        return ""


def _size_text(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _file_size(path: Path) -> str:
    try:
        return _size_text(path.stat().st_size)
    except OSError:
        return ""


def _backup_kind(path: Path) -> str:
    name = path.name
    if name.startswith(MANUAL_PREFIX):
        return tr("手动备份")
    if name.startswith(backup.AUTO_PREFIX):
        return tr("自动备份")
    if name.startswith("before-restore-"):
        return tr("恢复前保留的数据")
    if name.startswith("before-upgrade-"):
        return tr("升级前保留的数据")
    return tr("其他备份")


class BackupTab(QWidget):
    """Manual backups, the list of backups beside the database, and restore from one of them."""

    restored = Signal()
    backed_up = Signal(Path)

    def __init__(self, user: User, db_path: Path | None, parent=None):
        super().__init__(parent)
        self.user = user
        self.db_path = Path(db_path) if db_path is not None else None
        self.worker = None
        layout = QVBoxLayout(self)
        if self.db_path is None:
            self.folder = None
            self.table = None
            message = hint(self.tr(
                "本程序连接的是服务器上的数据库，数据统一保存在服务器中。备份和恢复请联系服务器管理员，"
                "用数据库自带的工具（如 pg_dump、pg_restore）进行。"))
            layout.addWidget(message)
            layout.addStretch()
            return

        self.folder = backups_dir(self.db_path)
        layout.addWidget(hint(self.tr(
            "备份文件保存在数据库旁边的“backups”文件夹中（路径见下）。程序会自动备份，保留最近 {0} 份自动备份；"
            "恢复或升级前，也会先把当前数据另存一份。为防电脑损坏，请定期用“备份到其他位置…”存一份到U盘。"
        ).format(backup.KEEP_AUTOMATIC)))
        folder_label = QLabel(self.tr("备份文件夹：{0}").format(self.folder))
        folder_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        folder_label.setWordWrap(True)
        layout.addWidget(folder_label)

        self.model = RecordTableModel([
            Column(self.tr("文件名"), lambda p: p.name),
            Column(self.tr("类型"), _backup_kind),
            Column(self.tr("时间"), _file_time),
            Column(self.tr("大小"), _file_size, Qt.AlignRight | Qt.AlignVCenter),
        ], self)
        self.table = table(self.model, stretch_last=False)
        self.table.setAccessibleName(self.tr("已有的备份"))
        layout.addWidget(self.table, 1)

        row = QHBoxLayout()
        self.backup_button = QPushButton(self.tr("立即备份(&B)"))
        self.backup_button.setToolTip(self.tr("在备份文件夹中保存一份当前数据（运行中也可备份）"))
        self.elsewhere_button = QPushButton(self.tr("备份到其他位置(&O)…"))
        self.elsewhere_button.setToolTip(self.tr("把当前数据另存到U盘或其他文件夹"))
        self.restore_button = QPushButton(self.tr("从备份恢复(&R)…"))
        self.restore_button.setToolTip(self.tr("用表中选中的备份替换当前数据"))
        self.restore_file_button = QPushButton(self.tr("从其他文件恢复(&F)…"))
        self.restore_file_button.setToolTip(self.tr("选择U盘或其他文件夹中的备份文件，用它替换当前数据"))
        self.backup_button.clicked.connect(self.backup_now)
        self.elsewhere_button.clicked.connect(self.backup_elsewhere)
        self.restore_button.clicked.connect(self.restore_clicked)
        self.restore_file_button.clicked.connect(self.restore_other_file)
        for button in (self.backup_button, self.elsewhere_button):
            row.addWidget(button)
        row.addSpacing(24)
        for button in (self.restore_button, self.restore_file_button):
            row.addWidget(button)
        row.addStretch()
        layout.addLayout(row)
        layout.addWidget(hint(self.tr("恢复：先在表中选中一个备份（可用方向键），再按“从备份恢复…”。")))
        self.status_label = status_label()
        layout.addWidget(self.status_label)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.refresh()

    @property
    def busy(self) -> bool:
        return self.worker is not None

    def refresh(self, select: Path | None = None) -> None:
        if self.db_path is None:
            return
        self.model.set_rows(backup.list_backups(self.db_path))
        self.table.clearSelection()
        if select is not None:
            names = [p.name for p in self.model.rows]
            if select.name in names and Path(select).parent.resolve() == self.folder:
                self.table.select_row(names.index(select.name))
        self._update_buttons()

    def _update_buttons(self, *args) -> None:
        self.restore_button.setEnabled(self.selected_backup() is not None)

    def selected_backup(self) -> Path | None:
        return self.table.selected() if self.table is not None else None

    def manual_backup_path(self) -> Path:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        candidate = self.folder / f"{MANUAL_PREFIX}{stamp}.db"
        n = 1
        while candidate.exists():
            candidate = self.folder / f"{MANUAL_PREFIX}{stamp}-{n}.db"
            n += 1
        return candidate

    # backing up ---------------------------------------------------------------------------------

    def backup_now(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            show_problem(self, TownDeskError(self.tr("无法创建备份文件夹 {0}：{1}").format(self.folder, exc.strerror)))
            return
        self.backup_to(self.manual_backup_path())

    def backup_elsewhere(self) -> None:
        suggested = Path.home() / f"towndesk-{datetime.now():%Y%m%d-%H%M%S}.db"
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("备份到其他位置"), str(suggested), self.tr("TownDesk 备份 (*.db)"),
            options=QFileDialog.DontConfirmOverwrite)
        if not chosen:
            return
        target = Path(chosen)
        if target.suffix.lower() != ".db":
            target = target.with_name(target.name + ".db")
        self.backup_to(target)

    def backup_to(self, target: Path) -> None:
        """Copy the database to `target` off the GUI thread; audit and refresh back on it."""
        if self.busy:
            return
        set_hint(self.status_label, "", "ok")
        db_path = self.db_path
        self.worker = run_in_background(self, self.tr("正在备份，请稍候……"),
                                        lambda: backup.backup_database(db_path, target), self._backup_done)
        self.worker.finished.connect(self._worker_finished)

    def _worker_finished(self) -> None:
        self.worker = None

    def _backup_done(self, out: Path) -> None:
        audit.log(self.user.username, "backup", f"备份数据库到 {out}")
        self.refresh(select=out)
        set_hint(self.status_label, self.tr("已备份到：{0}（{1}）").format(out, _file_size(out)), "ok")
        self.backed_up.emit(out)

    # restoring ----------------------------------------------------------------------------------

    def restore_clicked(self) -> None:
        chosen = self.selected_backup()
        if chosen is None:
            self.restore_other_file()
        else:
            self.restore_from(chosen)

    def restore_other_file(self) -> None:
        start = self.folder if self.folder.exists() else self.db_path.parent
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择要恢复的备份文件"), str(start), self.tr("TownDesk 备份 (*.db);;所有文件 (*)"))
        if path:
            self.restore_from(Path(path))

    def confirm_restore(self, file: Path) -> bool:
        return ask(self, self.tr("从备份恢复"), self.tr(
            "将用以下备份替换当前的全部数据：\n{0}\n（备份时间 {1}）\n\n"
            "这个时间之后录入或修改的内容都会被替换掉。替换前，当前数据会先另存到备份文件夹"
            "（before-restore- 开头的文件），需要时可以再恢复回来。\n\n"
            "恢复后所有人都需要重新登录；其他电脑上如也打开了本数据库，请先退出。\n\n"
            "确定要恢复吗？").format(file.name, _file_time(file)))

    def restore_from(self, file: Path) -> bool:
        """Ask, then close the database, restore off the GUI thread and reopen. True when started."""
        if self.busy:
            return False
        file = Path(file)
        if not self.confirm_restore(file):
            return False
        set_hint(self.status_label, "", "ok")
        db_path = self.db_path
        close_database()
        self.worker = run_in_background(self, self.tr("正在恢复，请稍候……"),
                                        lambda: backup.restore_database(db_path, file),
                                        lambda kept: self._restore_done(file, kept), self._restore_failed)
        self.worker.finished.connect(self._worker_finished)
        return True

    def _restore_failed(self, exc: BaseException) -> None:
        """Nothing was replaced: reopen the database before telling the user, so work can go on."""
        try:
            open_app_database(self.db_path)
        except Exception as reopen:  # noqa: BLE001
            show_problem(self, reopen, self.tr("无法重新打开数据库"))
            return
        show_problem(self, exc, self.tr("恢复没有完成"))
        self.refresh()

    def _restore_done(self, file: Path, kept: Path | None) -> None:
        try:
            open_app_database(self.db_path)
        except Exception as exc:  # noqa: BLE001
            if kept is not None and self._put_back(kept):
                show_problem(self, TownDeskError(self.tr(
                    "备份“{0}”恢复后无法打开（{1}），已自动换回恢复前的数据。").format(
                        file.name, getattr(exc, "message", exc))), self.tr("恢复没有完成"))
                self.refresh()
                return
            show_problem(self, exc, self.tr("无法重新打开数据库"))
            return
        note = f"；原数据库另存为 {kept}" if kept else ""
        audit.log(self.user.username, "restore", f"从备份 {file} 恢复数据库{note}")
        self.refresh()
        message = self.tr("已从“{0}”恢复数据。").format(file.name)
        if kept:
            message += "\n" + self.tr("恢复前的数据已另存为：{0}").format(kept)
        message += "\n\n" + self.tr("请所有人重新登录。")
        QMessageBox.information(self, self.tr("恢复完成"), message)
        self.restored.emit()

    def _put_back(self, kept: Path) -> bool:
        """The restored file would not open: restore the copy kept just before. True if that worked."""
        try:
            close_database()
            backup.restore_database(self.db_path, kept)
            open_app_database(self.db_path)
        except Exception:  # noqa: BLE001
            return False
        return True
