"""TownDesk: start the application, or run one of the command-line tasks.

    python main.py [--db D]                         start the application
    python main.py init --db D --town T --post P --post-code C --admin USER   (password on stdin)
    python main.py check [--db D]                   integrity and schema version; exit 0 when sound
    python main.py backup [--db D] --out FILE       consistent copy of a live database
    python main.py restore [--db D] FILE            verify FILE, keep the replaced database, restore
    python main.py demo --db D [--year 2022] [--scale K]   new database with a year of demo data
    python main.py print receipt|correction|rejection|fee|completion NUMBER [--db D] --out FILE.pdf
                         [--format a5|roll80|a4]              a hall document as PDF
    python main.py print application|registration|rights|record|agreement|followup|closing|petition NUMBER
                         [--db D] --out FILE.pdf [--item N]    a mediation document as PDF
    python main.py print patrol-log|hazard-notice NUMBER [--db D] --out FILE.pdf   a grid patrol document as PDF
    python main.py print monthly-log WORKER --month YYYY-MM [--db D] --out FILE.pdf  a grid worker's month
    python main.py sync export [--db D] [--to CODE] --out FILE.tdsync   bundle of what the peer has not seen
    python main.py sync import [--db D] FILE.tdsync                     import a peer's bundle
    python main.py sync register [--db D] --code DT01 --name NAME --out FILE.tdkey   (hall) register a post
    python main.py sync register [--db D] --code DT01 --again --out FILE.tdkey  (hall) its file once more
    python main.py sync join [--db D] FILE.tdkey                        (post) join the hall
    python main.py --self-check                     (installed build) temporary database, one intake, a receipt, the main window
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
    parser.add_argument("--self-check", action="store_true",
                        help="自检（安装后运行）：在临时文件夹中新建数据库，受理一件办件，生成受理通知书 PDF，打开主窗口；"
                             "不动用户的数据。全部通过时退出码为 0")
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

    demo = commands.add_parser("demo", help="新建演示数据库：打通镇一年的虚构办件、人员和单位（不会覆盖已有文件）")
    demo.add_argument("--db", metavar="PATH", dest="sub_db", help="新数据库文件（不能是已有的非空文件）")
    demo.add_argument("--year", type=int, default=2022, help="演示年份（默认 2022；当年只到今天）")
    demo.add_argument("--scale", type=int, default=1, help="规模倍数（默认 1 = 2022 年实际办件量；用于性能测试）")
    demo.add_argument("--hall-only", action="store_true",
                      help="只生成一窗受理的数据（不含矛盾调解和网格巡查；大规模性能测试时省时间）")

    document = commands.add_parser("print", help="把文书输出为 PDF 文件：一窗受理文书，调解案件文书，信访登记表，网格巡查文书")
    document.add_argument("document", choices=["receipt", "correction", "rejection", "fee", "completion",
                                               "application", "registration", "rights", "record", "agreement",
                                               "followup", "closing", "petition",
                                               "patrol-log", "monthly-log", "hazard-notice"],
                          help="一窗受理：receipt 受理通知书，correction 补正材料通知书，rejection 不予受理通知书，"
                               "fee 收费收据，completion 办结通知书；矛盾调解：application 申请书，registration 受理登记表，"
                               "rights 权利义务告知书，record 调解（调查）笔录，agreement 调解协议书，followup 回访记录，"
                               "closing 结案报告表，petition 信访登记表；网格巡查：patrol-log 巡查日志，"
                               "monthly-log 网格员月度工作日志，hazard-notice 隐患整改通知书")
    document.add_argument("number", metavar="NUMBER",
                          help="受理编号 SL-…（收费收据也可用收据编号 SF-…）、调解案件编号 TJ-…、信访编号 XF-…、"
                               "巡查编号 XC-…、隐患编号 YH-…；monthly-log 为网格员的用户名")
    document.add_argument("--db", metavar="PATH|URL", dest="sub_db")
    document.add_argument("--out", required=True, metavar="FILE.pdf", help="输出的 PDF 文件（不能是已有文件）")
    document.add_argument("--format", choices=["a5", "roll80", "a4"], default=None,
                          help="一窗受理文书的纸张：a5（A5 横向）、roll80（80 毫米热敏小票）、a4；默认用系统设置中的回执纸张")
    document.add_argument("--item", type=int, default=None, metavar="N",
                          help="第几份笔录或回访记录（1 = 第一份；默认最新一份）")
    document.add_argument("--month", default=None, metavar="YYYY-MM",
                          help="网格员月度工作日志的月份，如 2022-07（monthly-log 必填）")
    report = commands.add_parser("report", help="输出年度（或季度、月度）统计报告：PDF 报告或 Excel 工作簿")
    report.add_argument("--year", type=int, required=True, help="统计年份，如 2022")
    report.add_argument("--quarter", type=int, choices=[1, 2, 3, 4], default=None, help="只统计该年的第几季度")
    report.add_argument("--month", type=int, choices=range(1, 13), default=None, metavar="1-12",
                        help="只统计该年的某个月")
    report.add_argument("--post", default="", metavar="CODE", help="只统计某个站点（站点代码）；默认全部站点")
    report.add_argument("--db", metavar="PATH|URL", dest="sub_db")
    report.add_argument("--out", required=True, metavar="FILE.pdf|FILE.xlsx",
                        help="输出文件：.pdf 为统计报告，.xlsx 为 Excel 工作簿（不能是已有文件）")

    exchange = commands.add_parser("sync", help="数据交换：村便民服务站与镇便民服务中心之间导出、导入数据包，登记站点")
    steps = exchange.add_subparsers(dest="sync_command", metavar="操作", required=True)
    sync_export = steps.add_parser("export", help="把对方尚未收到的新增和修改记录导出为数据包（.tdsync）")
    sync_export.add_argument("--db", metavar="PATH|URL", dest="sub_db")
    sync_export.add_argument("--to", default=None, metavar="CODE",
                             help="发往哪个站点（站点代码）；只登记了一个交换对象时可省略")
    sync_export.add_argument("--out", required=True, metavar="FILE.tdsync", help="数据包文件（不能是已有文件）")
    sync_import = steps.add_parser("import", help="导入对方的数据包（先校验签名和完整性，一次性写入）")
    sync_import.add_argument("--db", metavar="PATH|URL", dest="sub_db")
    sync_import.add_argument("file", metavar="FILE.tdsync", help="数据包文件")
    sync_register = steps.add_parser("register", help="（镇便民服务中心）登记一个村便民服务站，生成登记文件（.tdkey）")
    sync_register.add_argument("--db", metavar="PATH|URL", dest="sub_db")
    sync_register.add_argument("--code", required=True, metavar="CODE", help="站点代码，如 DT01")
    sync_register.add_argument("--name", help="站点名称，如 打通村便民服务站（--again 时不用填）")
    sync_register.add_argument("--again", action="store_true",
                               help="为已登记的站点再生成一份登记文件（密钥不变），如原文件在加入前丢失")
    sync_register.add_argument("--out", required=True, metavar="FILE.tdkey",
                               help="登记文件（含密钥，请妥善保管；不能是已有文件）")
    sync_join = steps.add_parser("join", help="（村便民服务站）导入镇便民服务中心发来的登记文件")
    sync_join.add_argument("--db", metavar="PATH|URL", dest="sub_db")
    sync_join.add_argument("file", metavar="FILE.tdkey", help="登记文件")
    connect = commands.add_parser("connect", help="让本机以后使用镇便民服务中心的服务器数据库（PostgreSQL），或改回本机数据库")
    connect.add_argument("url", nargs="?", metavar="URL", help="服务器数据库地址，如 postgresql://towndesk@192.168.1.10/towndesk")
    connect.add_argument("--local", action="store_true", help="改回使用本机数据库文件")
    return parser


def resolve_target(args) -> str:
    """--db, else the server this PC was connected to (``connect``), else the local file in the data folder."""
    from models.paths import default_db_path, remembered_database

    return getattr(args, "sub_db", None) or args.db or remembered_database() or str(default_db_path())


def cmd_connect(args) -> int:
    from models import setup
    from models.db import close_database, describe, is_url, sqlite_path
    from models.paths import default_db_path, remember_database

    if args.local:
        remember_database(None)
        print(f"已改回使用本机数据库：{default_db_path()}")
        return EXIT_OK
    if not args.url or not is_url(args.url) or sqlite_path(args.url) is not None:
        raise ValueError("请给出镇服务器数据库的地址，如 postgresql://towndesk@192.168.1.10/towndesk；改回本机数据库用 --local。")
    setup.open_app_database(args.url)   # reachable, usable, at this version's schema
    try:
        initialised = setup.is_initialised()
    finally:
        close_database()
    remember_database(args.url)
    print(f"已连接 {describe(args.url)}，以后启动 TownDesk 将使用该数据库。"
          + ("" if initialised else "该数据库尚未初始化：启动程序后按向导完成初始化，或运行 init。"))
    return EXIT_OK


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


def cmd_demo(args) -> int:
    import time

    from models import demo, setup
    from models.accounts import ROLES
    from models.db import close_database, describe, sqlite_path
    from models.errors import TownDeskError

    target = getattr(args, "sub_db", None) or args.db
    if not target:
        raise ValueError("请用 --db 指定要新建的演示数据库文件。")
    path = sqlite_path(target)
    if path is None:
        raise TownDeskError("演示数据只写入本机的新数据库文件，不能写入服务器数据库。")
    if path.is_dir():
        raise TownDeskError(f"{path} 是一个文件夹，请指定要新建的数据库文件。")
    if path.exists() and path.stat().st_size > 0:
        raise TownDeskError(f"{path} 已存在且不是空文件：演示数据只写入新的数据库文件，不会覆盖已有文件。")
    if args.scale < 1:
        raise ValueError("规模（--scale）应为不小于 1 的整数。")
    demo.check_year(args.year)
    existed = path.exists()
    shown = sys.stderr.isatty()
    began = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if shown and total:
            print(f"\r正在写入演示数据：{done:,}/{total:,} 件办件（{time.perf_counter() - began:.0f} 秒）",
                  end="", file=sys.stderr, flush=True)

    setup.open_app_database(target, create=True)
    try:
        result = demo.create_demo(args.year, args.scale, progress=progress, throwaway=True,
                                  mediation=not args.hall_only, patrol=not args.hall_only)
    except BaseException:
        close_database()
        for suffix in ("-wal", "-shm", "-journal"):  # nothing half-written stays behind
            Path(str(path) + suffix).unlink(missing_ok=True)
        if existed:
            path.write_bytes(b"")
        else:
            path.unlink(missing_ok=True)
        raise
    close_database()
    if shown:
        print(file=sys.stderr)
    stats = result.stats
    by_class = "、".join(f"{name} {stats.accepted[name]:,}" for name in ("行政审批", "行政服务", "其他"))
    print(f"已创建演示数据库 {describe(target)}：{demo.TOWN['post_name']}（{demo.TOWN['post_code']}），"
          f"{args.year} 年办件（{result.start:%m-%d} 至 {result.end:%m-%d} 的工作日）")
    print(f"  人员 {result.people:,} 人，单位 {result.organisations:,} 家；办件 {stats.cases:,} 件：受理 "
          f"{sum(stats.accepted.values()):,} 件（{by_class}），其中渝快办网办 {stats.online:,} 件；"
          f"另不予受理 {stats.rejected:,} 件、补正后未受理 {stats.never_accepted:,} 件（不计入受理）")
    centre = result.mediation
    if centre is not None:
        print(f"  矛盾调解：受理调解案件 {centre.disputes:,} 件，调解成功 {centre.succeeded:,} 件（成功率 "
              f"{centre.success_rate:.1%}），另网格上报待受理 {centre.pending_referrals:,} 件；"
              f"信访 {centre.petitions:,} 件（{centre.visitors:,} 人次）；风险研判会 {centre.meetings:,} 次")
    grid = result.patrol
    if grid is not None:
        print(f"  网格巡查：网格 {grid.grids:,} 个（网格员覆盖率 {grid.coverage:.0%}）；巡查 {grid.patrols:,} 次，"
              f"其中夜间巡逻 {grid.night_patrols:,} 次（{grid.person_times:,} 人次）；"
              f"群众求助 {grid.help_requests:,} 件；门店消防检查 {grid.shop_visits:,} 家次、"
              f"隐患 {grid.shop_hazards:,} 处（已销号 {grid.shop_cleared:,} 处）；"
              f"重点场所 {grid.key_venues:,} 个检查 {grid.key_visits:,} 次、限时整改 {grid.key_hazards:,} 处")
        colours = "、".join(f"{c} {grid.care[c]:,}" for c in ("红", "橙", "黄", "绿"))
        print(f"  重点人员：严重精神障碍患者 {grid.key_persons['严重精神障碍患者']:,} 人、吸毒人员 "
              f"{grid.key_persons['吸毒人员']:,} 人（社区戒毒康复 {grid.rehab:,} 人）、邪教帮教对象 "
              f"{grid.key_persons['邪教帮教对象']:,} 人；关爱帮扶 {grid.care_total:,} 人（{colours}）")
    print(f"  办件写入 {stats.rows:,} 行（{result.rows_per_second:,.0f} 行/秒），"
          + (f"调解与信访 {centre.steps:,} 步（{centre.seconds:.1f} 秒），" if centre is not None else "")
          + (f"网格巡查 {grid.steps:,} 步（{grid.seconds:.1f} 秒），" if grid is not None else "")
          + f"共用时 {result.seconds:.1f} 秒")
    print(f"演示账户（密码均为 {demo.DEMO_PASSWORD}）：")
    for username, name, roles in demo.DEMO_USERS:
        print(f"  {username:<10} {name}（{'、'.join(ROLES[r] for r in roles)}）")
    return EXIT_OK


def cmd_print(args) -> int:
    from models import setup
    from models.accounts import CommandLineActor
    from models.db import close_database, describe
    from models.errors import TownDeskError
    from models.hall import printing as hall_printing
    from models.mediation import printing as mediation_printing
    from models.patrol import printing as patrol_printing
    from models.printouts import log_print

    if args.document == "monthly-log" and not (args.month or "").strip():
        raise ValueError("打印网格员月度工作日志请用 --month YYYY-MM 指定月份，如 --month 2022-07。")
    out = Path(args.out)
    if out.exists():
        raise TownDeskError(f"{out} 已存在，不会覆盖；请换一个文件名。")
    if out.suffix.lower() != ".pdf":
        raise ValueError("--out 应为 .pdf 文件。")
    target = resolve_target(args)
    setup.open_app_database(target)
    try:
        setup.require_initialised(describe(target))
        if args.document in hall_printing.KINDS:
            actor = CommandLineActor(frozenset({"hall.use"}))
            printable = hall_printing.render(actor, args.document, args.number, args.format)
        elif args.document in patrol_printing.KINDS:
            # every grid, but no sensitive personal information: care names masked, key-person visits counted
            actor = CommandLineActor(frozenset({"patrol.use", "patrol.all"}))
            printable = patrol_printing.render(actor, args.document, args.number, args.month)
        else:  # the mediation centre's documents are for signing: ID numbers in full
            actor = CommandLineActor(frozenset({"mediation.use", "mediation.all", "people.full_id"}))
            printable = mediation_printing.render(actor, args.document, args.number, args.item)
        out.write_bytes(printable.pdf)
        log_print(actor, printable, f"导出PDF {out.name}：")
    finally:
        close_database()
    print(f"已生成 {printable.title}：{out}（{len(printable.pdf) // 1024} KB）")
    return EXIT_OK


def cmd_report(args) -> int:
    from models import setup
    from models.accounts import CommandLineActor
    from models.db import close_database, describe
    from models.errors import TownDeskError
    from models.stats import periods, report

    out = Path(args.out)
    kind = out.suffix.lower().lstrip(".")
    if kind not in report.FORMATS:
        raise ValueError("--out 应为 .pdf（统计报告）或 .xlsx（Excel 工作簿）文件。")
    if out.exists():
        raise TownDeskError(f"{out} 已存在，不会覆盖；请换一个文件名。")
    if args.quarter and args.month:
        raise ValueError("--quarter 和 --month 只能选一个。")
    if args.month:
        period = periods.month(args.year, args.month)
    elif args.quarter:
        period = periods.quarter(args.year, args.quarter)
    else:
        period = periods.year(args.year)
    target = resolve_target(args)
    setup.open_app_database(target)
    try:
        setup.require_initialised(describe(target))
        # the figures only, never a name: the key-person counts belong in the town's report
        actor = CommandLineActor(frozenset({"stats.view", "patrol.sensitive"}))
        data, stats = report.make(actor, period, kind, args.post.strip())
        out.write_bytes(data)
    finally:
        close_database()
    print(f"已生成{stats.period.label}统计报告（{stats.scope_label}）：{out}（{max(1, len(data) // 1024)} KB）")
    return EXIT_OK


def cmd_sync(args) -> int:
    import time

    from models import setup, sync
    from models.accounts import CommandLineActor
    from models.db import close_database, describe
    from models.errors import TownDeskError

    actor = CommandLineActor(frozenset({"sync.manage"}))
    step = args.sync_command
    if step == "register" and not args.again and not (args.name or "").strip():
        raise TownDeskError("站点名称：请用 --name 填写要登记的村便民服务站的名称（或用 --again 为已登记的站点再取一份登记文件）。")
    out = Path(args.out) if step in ("export", "register") else None
    if out is not None and out.exists():
        raise TownDeskError(f"{out} 已存在，不会覆盖；请换一个文件名。")
    data = Path(args.file).read_bytes() if step == "join" else None
    shown = sys.stderr.isatty()
    began = time.perf_counter()

    def progress(done: int, total) -> None:
        if shown:
            print(f"\r正在处理：{done:,}/{total or 0:,} 条记录（{time.perf_counter() - began:.0f} 秒）",
                  end="", file=sys.stderr, flush=True)

    target = resolve_target(args)
    setup.open_app_database(target)
    try:
        setup.require_initialised(describe(target))
        if step == "export":
            result = sync.export_bundle(actor, out, to=args.to, progress=progress)
            line = (f"已导出数据包 {out}：发往 {result.peer}（{result.peer_name}），第{result.seq}号，"
                    f"{result.total:,} 条记录（{max(1, result.size // 1024)} KB）")
            if result.unconfirmed:
                first, last = result.unconfirmed
                line += (f"。{result.peer} 尚未确认收到第{first}" + (f"–{last}" if last != first else "")
                         + "号数据包，其中的记录本次一并重发")
        elif step == "import":
            result = sync.import_bundle(actor, args.file, progress=progress)
            if result.status == "already":
                line = f"{args.file} 已导入过（{result.source} 第{result.seq}号），未作改动。"
            else:
                line = (f"已导入 {args.file}：来自 {result.source}（{result.source_name}）第{result.seq}号；"
                        f"{sync.summary(result.totals)}")
                if result.conflicts:
                    line += f"。有 {result.conflicts} 条冲突待管理员在“数据交换”中处理"
        elif step == "register":
            with open(out, "xb") as fh:
                try:
                    fh.write(sync.key_file_again(actor, args.code) if args.again
                             else sync.register_post(actor, args.code, args.name))
                except BaseException:
                    fh.close()
                    out.unlink(missing_ok=True)
                    raise
            code = args.code.strip().upper()
            line = (f"已重新生成站点 {code} 的登记文件（密钥不变）：{out}" if args.again else
                    f"已登记站点 {code}（{args.name.strip()}），登记文件：{out}")
            line += "（含密钥，请妥善带到该站点，用 sync join 导入）"
        else:
            peer = sync.join(actor, data)
            line = f"已加入 {peer.code}（{peer.name}）的数据交换。"
    finally:
        close_database()
        if shown and step in ("export", "import"):
            print(file=sys.stderr)
    print(line)
    return EXIT_OK


COMMANDS = {"connect": cmd_connect, "sync": cmd_sync, "report": cmd_report, "init": cmd_init, "check": cmd_check, "backup": cmd_backup, "restore": cmd_restore, "demo": cmd_demo,
            "print": cmd_print}


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if args.self_check:
        from ui.selfcheck import run_self_check

        return run_self_check()
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
