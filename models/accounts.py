"""用户与权限: accounts, roles, password hashing, login lockout and the permission check.

Every domain operation that changes or reveals data takes the acting user and calls
`require(actor, permission)`: hiding a button in the UI is a courtesy, this is the rule.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import peewee as pw

from models import audit, settings
from models.db import Record, db, locked, to_local, utcnow
from models.errors import LoginFailed, PermissionDenied, ValidationError

ROLES = {
    "admin": "管理员",
    "window": "窗口人员",
    "mediator": "调解员",
    "mediation_lead": "调解中心负责人",
    "grid": "网格员",
    "grid_lead": "网格长",
    "key_persons": "重点人员管理员",
    "leader": "领导",
}

PERMISSIONS = {
    "settings.manage": "修改系统设置",
    "users.manage": "管理用户",
    "backup.run": "备份与恢复",
    "audit.view": "查看操作日志",
    "people.view": "查看人员库",
    "people.edit": "登记和修改人员信息",
    "people.delete": "删除人员记录",
    "people.full_id": "查看完整证件号码",
    "hall.use": "一窗受理",
    "mediation.use": "矛盾调解",
    "mediation.all": "查看和指派全部调解案件",
    "patrol.use": "网格巡查",
    "patrol.all": "查看和管理本站点全部网格",
    "patrol.sensitive": "重点人员（查看重点人员台账和关爱对象的完整信息）",
    "stats.view": "查看统计报表",
    "sync.manage": "数据交换（导出、导入数据包，处理冲突）",
}

ROLE_PERMISSIONS = {
    "admin": set(PERMISSIONS),
    "window": {"people.view", "people.edit", "people.full_id", "hall.use"},
    "mediator": {"people.view", "people.edit", "people.full_id", "mediation.use"},
    "mediation_lead": {"people.view", "people.edit", "people.full_id", "mediation.use", "mediation.all"},
    "grid": {"people.view", "people.edit", "patrol.use"},
    "grid_lead": {"people.view", "people.edit", "patrol.use", "patrol.all"},
    "key_persons": {"people.view", "people.edit", "people.full_id", "patrol.use", "patrol.all", "patrol.sensitive"},
    "leader": {"stats.view"},
}

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{2,32}$")
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


class User(Record):
    """A person who signs in. `roles` is a comma-separated list of ROLES keys."""

    username = pw.CharField(max_length=32, unique=True)
    display_name = pw.CharField(max_length=32)
    roles = pw.CharField(max_length=128)
    phone = pw.CharField(max_length=32, default="")
    active = pw.BooleanField(default=True)
    password_hash = pw.CharField(max_length=256)
    must_change_password = pw.BooleanField(default=False)
    failed_logins = pw.IntegerField(default=0)
    locked_until = pw.DateTimeField(null=True)
    last_login_at = pw.DateTimeField(null=True)

    # Sign-in state of THIS machine: written without touching updated_at and never sent in a sync bundle, so
    # signing in is not a change of the account (a password, a role or a name is, and travels).
    MACHINE_LOCAL = ("failed_logins", "locked_until", "last_login_at")

    @property
    def role_list(self) -> list[str]:
        return [r for r in self.roles.split(",") if r]

    @property
    def role_names(self) -> str:
        return "、".join(ROLES[r] for r in self.role_list if r in ROLES)

    @property
    def permissions(self) -> set[str]:
        perms = set()
        for role in self.role_list:
            perms |= ROLE_PERMISSIONS.get(role, set())
        return perms

    def can(self, permission: str) -> bool:
        if permission not in PERMISSIONS:
            raise KeyError(permission)
        return self.active and permission in self.permissions


@dataclass(frozen=True)
class CommandLineActor:
    """Who acts when a technician runs a `main.py` task at the machine: not a signed-in user, so the
    audit log says "命令行", and only the permissions that task needs."""

    permissions: frozenset[str]
    username: str = "命令行"
    display_name: str = "命令行"
    active: bool = True

    def can(self, permission: str) -> bool:
        if permission not in PERMISSIONS:
            raise KeyError(permission)
        return permission in self.permissions


def require(actor: User | None, permission: str) -> None:
    """Raise PermissionDenied unless `actor` holds `permission`."""
    if actor is None:
        raise PermissionDenied("请先登录。")
    if not actor.can(permission):
        raise PermissionDenied(
            f"用户“{actor.display_name}”没有“{PERMISSIONS[permission]}”的权限。如需要，请联系管理员分配角色。"
        )


# --- passwords -------------------------------------------------------------------------------

def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                               dklen=len(digest) // 2)
    return hmac.compare_digest(candidate.hex(), digest)


def check_password_strength(password: str, field: str = "密码") -> None:
    if len(password) < 8:
        raise ValidationError(field, "至少需要8位。")
    if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
        raise ValidationError(field, "需同时包含字母和数字。")
    if len(password) > 128:
        raise ValidationError(field, "不能超过128位。")


# --- validation ------------------------------------------------------------------------------

def clean_user_fields(username: str, display_name: str, roles, phone: str) -> dict:
    from models.validators import normalise_phone, refuse_control_characters

    username = (username or "").strip()
    if not USERNAME_RE.match(username):
        raise ValidationError("用户名", "需为2到32位字母、数字或 _ . -（建议用姓名拼音，如 zhangsan）。")
    display_name = refuse_control_characters((display_name or "").strip(), "姓名")
    if not display_name:
        raise ValidationError("姓名", "不能为空。")
    if len(display_name) > 32:
        raise ValidationError("姓名", "不能超过32个字。")
    roles = [r for r in roles if r]
    if not roles:
        raise ValidationError("角色", "至少选择一个角色。")
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise ValidationError("角色", f"未知角色：{'、'.join(unknown)}。")
    phone = (phone or "").strip()
    if phone:
        phone = normalise_phone(phone, "联系电话")
    ordered = ",".join(r for r in ROLES if r in roles)
    return {"username": username, "display_name": display_name, "roles": ordered, "phone": phone}


def _active_admins(exclude: User | None = None) -> int:
    """How many active administrators there are (but ``exclude``). Inside a transaction their rows stay locked
    (``locked``) until it ends: two windows cannot each take away the other's administrator role and leave none."""
    query = User.live().select(User.id).where(User.active == True, User.roles.contains("admin"))  # noqa: E712
    # every one locked, ``exclude`` too: windows taking the role from two different admins wait for each other
    return sum(1 for (i,) in locked(query).tuples() if exclude is None or i != exclude.id)


def get_user(username: str) -> User | None:
    return User.live().where(User.username == (username or "").strip()).first()


def list_users():
    return list(User.live().order_by(User.username))


def create_first_admin(username: str, display_name: str, password: str, post: str) -> User:
    """The set-up wizard's admin account: the only account created without an acting user."""
    fields = clean_user_fields(username, display_name, ["admin"], "")
    check_password_strength(password)
    with db.atomic():
        if User.select().exists():
            raise ValidationError("用户名", "已有用户，不能再次初始化管理员。")
        user = User.create(post=post, created_by=fields["username"], password_hash=hash_password(password), **fields)
        audit.log(user.username, "create", f"初始化管理员 {user.username}（{user.display_name}）", user, post=post)
    return user


def post_choices() -> list[tuple[str, str]]:
    """The posts a new account may belong to, as (code, "code name"): this database's own post first, then
    the village posts registered for data exchange (on the hall), whose accounts travel to them."""
    from models.sync.peers import peers
    from models.sync.tables import POST

    own = settings.post_code()
    choices = [(own, f"{own} {settings.get('post_name')}".strip())]
    choices += [(p.code, f"{p.code} {p.name}") for p in peers() if p.role == POST and p.code != own]
    return choices


def create_user(actor: User, username: str, display_name: str, roles, password: str, phone: str = "",
                post: str | None = None) -> User:
    """A new account with a temporary password. ``post``: the post it belongs to, this database's own (the
    default) or a registered village post's, to which the next data bundle carries it."""
    require(actor, "users.manage")
    fields = clean_user_fields(username, display_name, roles, phone)
    check_password_strength(password, "初始密码")
    own = settings.post_code()
    post = (post or "").strip().upper() or own
    if post != own:
        known = dict(post_choices())
        if post not in known:
            raise ValidationError("所属站点", f"“{post}”不是本站点，也不是已登记的村便民服务站。可选：{'、'.join(known.values())}。")

    def refuse_taken():
        if User.select().where(User.username == fields["username"]).exists():
            raise ValidationError("用户名", f"“{fields['username']}”已被使用，请换一个。")

    try:
        with db.atomic():
            refuse_taken()
            user = User.create(post=post, created_by=actor.username,
                               password_hash=hash_password(password), must_change_password=True, **fields)
            where = "" if post == own else f"，所属站点 {known[post]}"
            audit.log(actor.username, "create",
                      f"新建用户 {user.username}（{user.display_name}，{user.role_names}{where}）", user)
    except pw.IntegrityError:
        refuse_taken()       # another window created the same name meanwhile (the server's unique index said so)
        raise
    return user


def update_user(actor: User, user: User, display_name: str, roles, phone: str = "", active: bool = True) -> User:
    require(actor, "users.manage")
    fields = clean_user_fields(user.username, display_name, roles, phone)
    losing_admin = "admin" in user.role_list and ("admin" not in fields["roles"].split(",") or not active)
    with db.atomic():
        if losing_admin and _active_admins(exclude=user) == 0:
            raise ValidationError("角色", "这是最后一个可用的管理员账户，不能取消其管理员角色或停用。")
        before = f"{user.display_name}，{user.role_names}，{'启用' if user.active else '停用'}"
        user.display_name, user.roles, user.phone, user.active = (
            fields["display_name"], fields["roles"], fields["phone"], bool(active))
        user.save()
        after = f"{user.display_name}，{user.role_names}，{'启用' if user.active else '停用'}"
        audit.log(actor.username, "update", f"修改用户 {user.username}：{before} → {after}", user)
    return user


def reset_password(actor: User, user: User, new_password: str) -> None:
    """Admin sets a temporary password; it also unlocks the account, and must be changed at next login."""
    require(actor, "users.manage")
    check_password_strength(new_password, "新密码")
    with db.atomic():
        user.password_hash = hash_password(new_password)
        user.must_change_password = True
        user.failed_logins = 0
        user.locked_until = None
        user.save()
        audit.log(actor.username, "password", f"重置用户 {user.username} 的密码并解锁", user)


def _sign_in_state(user: User, **values) -> None:
    """Write the machine-local sign-in fields (User.MACHINE_LOCAL) of ``user`` without changing the account."""
    assert set(values) <= set(User.MACHINE_LOCAL)
    User.update(values).where(User.id == user.id).execute()
    for name, value in values.items():
        setattr(user, name, value)


def unlock(actor: User, user: User) -> None:
    require(actor, "users.manage")
    with db.atomic():
        _sign_in_state(user, failed_logins=0, locked_until=None)
        audit.log(actor.username, "update", f"解锁用户 {user.username}", user)


def change_own_password(user: User, old_password: str, new_password: str) -> None:
    if not verify_password(old_password, user.password_hash):
        raise ValidationError("原密码", "不正确。")
    check_password_strength(new_password, "新密码")
    if old_password == new_password:
        raise ValidationError("新密码", "不能与原密码相同。")
    with db.atomic():
        user.password_hash = hash_password(new_password)
        user.must_change_password = False
        user.save()
        audit.log(user.username, "password", "修改本人密码", user)


# --- signing in ------------------------------------------------------------------------------

def authenticate(username: str, password: str, now: datetime | None = None) -> User:
    """Check a password. Five wrong in a row lock the account for 15 minutes.

    The failure is committed before LoginFailed is raised, so the count survives a restart.
    """
    now = now or utcnow()
    username = (username or "").strip()
    with db.atomic():
        user = get_user(username)
        if user is None:
            audit.log(username, "login_failed", "用户名不存在")
            failure = "用户名或密码不正确。"
        elif not user.active:
            audit.log(username, "login_failed", "账户已停用", user)
            failure = "该账户已停用，请联系管理员。"
        elif user.locked_until is not None and user.locked_until > now:
            audit.log(username, "login_failed", "账户锁定中", user)
            failure = (f"密码连续输错{MAX_FAILED_LOGINS}次，账户已锁定，请于 "
                       f"{to_local(user.locked_until):%H:%M} 后再试，或请管理员解锁。")
        elif not verify_password(password or "", user.password_hash):
            failed = user.failed_logins + 1
            if failed >= MAX_FAILED_LOGINS:
                _sign_in_state(user, failed_logins=0, locked_until=now + LOCKOUT)
                failure = (f"密码连续输错{MAX_FAILED_LOGINS}次，账户已锁定{int(LOCKOUT.total_seconds() // 60)}分钟"
                           f"（至 {to_local(user.locked_until):%H:%M}），或请管理员解锁。")
            else:
                _sign_in_state(user, failed_logins=failed)
                failure = f"用户名或密码不正确，还可尝试 {MAX_FAILED_LOGINS - failed} 次。"
            audit.log(username, "login_failed", "密码错误", user)
        else:
            _sign_in_state(user, failed_logins=0, locked_until=None, last_login_at=now)
            audit.log(username, "login", "登录成功", user)
            return user
    raise LoginFailed(failure)


def logout(user: User, reason: str = "退出登录") -> None:
    audit.log(user.username, "logout", reason, user)
