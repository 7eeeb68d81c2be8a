"""Opening TownDesk's database and the first-run set-up (初始化)."""

import peewee as pw

from models import accounts, codes, settings
from models.backup import inspect_file
from models.db import db, open_database, sqlite_path
from models.errors import NotInitialised, ValidationError
from models.hall import matters
from models.mediation import tables as _mediation_tables  # noqa: F401 (declares its editable lists)
from models.patrol import tables as _patrol_tables  # noqa: F401 (declares its editable lists)
from models.migrations import migrate


def open_app_database(target, create: bool = False) -> pw.Database:
    """The one way the application opens its database: check (read-only), open, migrate.

    The read-only check comes first so that a damaged, foreign or too-new file is refused before
    opening it writes anything (even switching to WAL would change the file).
    """
    path = sqlite_path(target)
    checked = path is not None and path.is_file() and path.stat().st_size > 0
    if checked:
        inspect_file(path, allow_blank=True, whole=False)
    database = open_database(target, create=create, check=not checked)
    try:
        migrate()
    except Exception:
        database.close()
        raise
    return database


def is_initialised() -> bool:
    return bool(settings.post_code_or_blank()) and accounts.User.select().exists()


def require_initialised(where: str) -> None:
    if not is_initialised():
        raise NotInitialised(f"数据库 {where} 尚未初始化（缺少站点设置或管理员账户）。请先运行 init 或启动程序完成向导。")


def clean_initial(town: str, post_name: str, post_code: str, admin_username: str, admin_password: str,
                  district: str = "", hall_phone: str = "", admin_display_name: str = "") -> dict:
    """Validate the set-up answers without touching a database, so a bad answer creates no file."""
    values = settings.clean({
        "town_name": town, "district": district, "post_name": post_name,
        "post_code": post_code, "hall_phone": hall_phone,
    })
    accounts.clean_user_fields(admin_username, admin_display_name or admin_username, ["admin"], "")
    accounts.check_password_strength(admin_password, "管理员密码")
    return values


def initialise(town: str, post_name: str, post_code: str, admin_username: str, admin_password: str,
               district: str = "", hall_phone: str = "", admin_display_name: str = "") -> accounts.User:
    """Store the town and post and create the first admin, all or nothing."""
    if is_initialised():
        raise ValidationError("数据库", "已经初始化过，不会覆盖已有的设置和账户。")
    values = clean_initial(town, post_name, post_code, admin_username, admin_password,
                           district, hall_phone, admin_display_name)
    with db.atomic():
        settings.write(values)
        admin = accounts.create_first_admin(admin_username, admin_display_name or admin_username,
                                            admin_password, post=values["post_code"])
        matters.seed_catalogue()
        codes.seed()
    return admin
