"""TownDesk: start the application, or run one of the command-line tasks.

    python main.py [--db D]                         start the application
    python main.py init --db D --town T --post P --post-code C --admin USER   (password on stdin)
    python main.py check [--db D]                   integrity and schema version; exit 0 when sound
    python main.py backup [--db D] --out FILE       consistent copy of a live database
    python main.py restore [--db D] FILE            verify FILE, keep the replaced database, restore
    python main.py --version

Errors print one line and exit 1; usage errors exit 2.
"""

import argparse
import getpass
import sys
from pathlib import Path

from models import __version__

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="towndesk", description="TownDesk 镇村政务服务桌面系统（一窗受理、矛盾调解、网格巡查、统计报表）")
    parser.add_argument("--version", action="version", version=f"TownDesk {__version__}")
    parser.add_argument("--db", metavar="PATH|URL", help="数据库文件路径或地址（默认：用户数据文件夹中的 towndesk.db）")
    commands = parser.add_subparsers(dest="command", metavar="命令")

    init = commands.add_parser("init", help="创建并初始化数据库（管理员密码从标准输入读取）")
    init.add_argument("--db", metavar="PATH|URL", dest="sub_db")
    init.add_argument("--town", required=True, help="镇（街道）名称，如 打通镇")
    init.add_argument("--district", default="", help="所属区县，如 綦江区")
    init.add_argument("--post", required=True, help="本站点名称，如 打通镇便民服务中心")
    init.add_argument("--post-code", required=True, help="站点代码：2–8位大写字母或数字，如 DT00")
    init.add_argument("--hall-phone", default="", help="服务大厅电话")
    init.add_argument("--admin", required=True, help="管理员用户名")
    init.add_argument("--admin-name", default="", help="管理员姓名")

    check = commands.add_parser("check", help="检查数据库完整性和数据结构版本")
    check.add_argument("--db", metavar="PATH|URL", dest="sub_db")

    backup = commands.add_parser("backup", help="备份数据库（运行中也可备份）")
    backup.add_argument("--db", metavar="PATH|URL", dest="sub_db")
    backup.add_argument("--out", required=True, metavar="FILE", help="备份文件（不能已存在）")

    restore = commands.add_parser("restore", help="从备份文件恢复数据库（先保留被替换的数据库）")
    restore.add_argument("--db", metavar="PATH|URL", dest="sub_db")
    restore.add_argument("file", metavar="FILE", help="备份文件")
    return parser


def resolve_target(args) -> str:
    from models.paths import default_db_path

    return getattr(args, "sub_db", None) or args.db or str(default_db_path())


def read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("管理员密码：")
        if first != getpass.getpass("再次输入密码："):
            raise ValueError("两次输入的密码不一致。")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_init(args) -> int:
    from models import setup
    from models.db import close_database, describe, sqlite_path

    target = resolve_target(args)
    password = read_password()
    answers = dict(town=args.town, post_name=args.post, post_code=args.post_code, admin_username=args.admin,
                   admin_password=password, district=args.district, hall_phone=args.hall_phone,
                   admin_display_name=args.admin_name)
    setup.clean_initial(**answers)
    path = sqlite_path(target)
    fresh = path is not None and not path.exists()
    setup.open_app_database(target, create=fresh)
    try:
        admin = setup.initialise(**answers)
    except BaseException:
        close_database()
        if fresh:  # nothing half-written: a file this command created goes again
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        raise
    close_database()
    print(f"已初始化 {describe(target)}：{args.town} {args.post}（{args.post_code.upper()}），管理员 {admin.username}")
    return EXIT_OK


def cmd_check(args) -> int:
    from models import backup
    from models.db import close_database, describe, open_database, sqlite_path
    from models.migrations import LATEST, supported_version
    from models.setup import is_initialised

    target = resolve_target(args)
    path = sqlite_path(target)
    if path is not None:  # read-only, so an archived copy on a read-only medium can be checked too
        version, initialised = backup.inspect_file(path)
    else:
        open_database(target)
        try:
            version = supported_version()
            initialised = version > 0 and is_initialised()
        finally:
            close_database()
    state = "已初始化" if initialised else "未初始化（请运行 init 或启动程序完成向导）"
    upgrade = "" if version == LATEST else f"，打开时将升级到第{LATEST}版"
    print(f"正常：{describe(target)} 完整性检查通过，数据结构第{version}版{upgrade}，{state}。")
    return EXIT_OK


def sqlite_file(args, task: str):
    """The SQLite file a file-level task works on; a server database is backed up with its own tools."""
    from models.db import sqlite_path
    from models.errors import TownDeskError

    path = sqlite_path(resolve_target(args))
    if path is None:
        raise TownDeskError(f"服务器数据库请用数据库自带的工具（如 pg_dump / pg_restore）{task}。")
    return path


def cmd_backup(args) -> int:
    from models import backup

    out = backup.backup_database(sqlite_file(args, "备份"), args.out)
    print(f"已备份到 {out}（{out.stat().st_size // 1024} KB）")
    return EXIT_OK


def cmd_restore(args) -> int:
    from models import backup

    path = sqlite_file(args, "恢复")
    kept = backup.restore_database(path, args.file)
    note = f"；原数据库已保留为 {kept}" if kept else ""
    print(f"已从 {args.file} 恢复到 {path}{note}")
    return EXIT_OK


COMMANDS = {"init": cmd_init, "check": cmd_check, "backup": cmd_backup, "restore": cmd_restore}


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        from ui.app import run

        return run(resolve_target(args), explicit_db=bool(args.db))
    from models.errors import TownDeskError

    try:
        return COMMANDS[args.command](args)
    except (TownDeskError, ValueError) as exc:
        print(f"错误：{getattr(exc, 'message', exc)}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:
        print(f"错误：{exc.filename or ''} {exc.strerror or exc}".strip(), file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
