"""网格: grids and the grid workers assigned to them, and who sees what.

A grid worker sees and writes the records of their own grids (and what they wrote themselves); users with
``patrol.all`` (the 网格长, the post's admin) see every grid of the post and assign workers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence


from models import accounts, records
from models.accounts import User, require
from models.db import db, locked
from models.errors import PermissionDenied, ValidationError
from models.patrol.common import count
from models.patrol.tables import WORKER_KINDS, Grid, GridMember
from models.validators import clean_text

USE = "patrol.use"
ALL = "patrol.all"
SENSITIVE = "patrol.sensitive"
GRID_CODE_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")


@dataclass
class GridEntry:
    code: str
    name: str
    village: str
    households: int | str = 0
    population: int | str = 0
    area_note: str = ""
    members: Sequence[tuple[str, str]] = field(default_factory=tuple)   # (username, 专职/兼职)


def _count(value, label: str) -> int:
    return count(value, label, 0, 1_000_000)


def clean_members(members: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    chosen: dict[str, str] = {}
    for username, kind in members:
        user = accounts.get_user(username)
        if user is None or not user.active:
            raise ValidationError("网格员", f"没有名为“{username}”的在用账户。")
        if not user.can(USE):
            raise ValidationError("网格员", f"{user.display_name}没有网格巡查权限，不能分配为网格员。")
        if kind not in WORKER_KINDS:
            raise ValidationError("网格员", f"{user.display_name}的类别应为“专职”或“兼职”。")
        chosen[username] = kind
    return list(chosen.items())


def save_grid(actor: User, entry: GridEntry, grid: Grid | None = None) -> Grid:
    """Add a grid or change one (its code stays); the workers listed replace those assigned before."""
    require(actor, ALL)
    code = (entry.code or "").strip().upper()
    if grid is None:
        if not code or not set(code) <= GRID_CODE_CHARS or len(code) > 16:
            raise ValidationError("网格编码", "网格编码应为 1 到 16 位大写字母、数字或“-”，如 DT-01。")
        if Grid.select().where(Grid.code == code).exists():
            raise ValidationError("网格编码", f"已有编码为 {code} 的网格。")
    fields = {
        "name": clean_text(entry.name, "网格名称", 64, required=True),
        "village": clean_text(entry.village, "所属村（社区）", 64, required=True),
        "households": _count(entry.households, "户数"),
        "population": _count(entry.population, "人口数"),
        "area_note": clean_text(entry.area_note, "四至范围", 200),
    }
    members = clean_members(entry.members)
    with db.atomic():
        if grid is None:
            grid = records.create(actor, Grid, f"新建网格 {code} {fields['name']}", code=code, **fields)
        else:
            records.update(actor, grid, fields, f"网格 {grid.code}", {
                "name": "网格名称", "village": "所属村（社区）", "households": "户数", "population": "人口数",
                "area_note": "四至范围"})
        _set_members(actor, grid, members)
    return grid


def _set_members(actor: User, grid: Grid, members: list[tuple[str, str]]) -> None:
    current = {m.username: m for m in grid.members.where(GridMember.deleted_at.is_null())}
    wanted = dict(members)
    for username, member in current.items():
        if username not in wanted:
            records.delete(actor, member, f"网格 {grid.code} 移除网格员 {username}")
        elif member.kind != wanted[username]:
            records.update(actor, member, {"kind": wanted[username]}, f"网格 {grid.code} 网格员 {username}",
                           {"kind": "类别"})
    for username, kind in members:
        if username not in current:
            records.create(actor, GridMember, f"网格 {grid.code} 分配网格员 {username}（{kind}）", grid=grid,
                           username=username, kind=kind)


def set_active(actor: User, grid: Grid, active: bool) -> Grid:
    require(actor, ALL)
    with db.atomic():
        records.update(actor, grid, {"active": active}, f"网格 {grid.code}{'启用' if active else '停用'}",
                       {"active": "状态"})
    return grid


def members(grid: Grid) -> list[GridMember]:
    return list(grid.members.where(GridMember.deleted_at.is_null()).order_by(GridMember.id))


def member_names(grid: Grid) -> list[str]:
    """"刘小燕（专职）" for each worker, as the grid list shows them."""
    users = {u.username: u.display_name for u in accounts.User.select(accounts.User.username, accounts.User.display_name)}
    return [f"{users.get(m.username, m.username)}（{m.kind}）" for m in members(grid)]


def own_grid_ids(username: str):
    """Subquery: the ids of the grids a worker is assigned to."""
    return GridMember.select(GridMember.grid).where(GridMember.username == username,
                                                    GridMember.deleted_at.is_null())


def visible_grids(actor: User, include_inactive: bool = False) -> list[Grid]:
    """The grids the actor may see: every grid with ``patrol.all``, else their own."""
    require(actor, USE)
    query = Grid.live()
    if not include_inactive:
        query = query.where(Grid.active == True)  # noqa: E712
    if not actor.can(ALL):
        query = query.where(Grid.id.in_(own_grid_ids(actor.username)))
    return list(query.order_by(Grid.village, Grid.code))


def may_use_grid(actor: User, grid: Grid) -> bool:
    return actor.can(ALL) or GridMember.select().where(
        GridMember.grid == grid, GridMember.username == actor.username, GridMember.deleted_at.is_null()).exists()


def check_grid(actor: User, grid, label: str = "网格") -> Grid:
    """A grid (or its code) the actor may write for; the error names the field."""
    if isinstance(grid, str):
        found = Grid.live().where(Grid.code == grid.strip().upper()).first()
        if found is None:
            raise ValidationError(label, f"没有编码为 {grid} 的网格。")
        grid = found
    if not isinstance(grid, Grid) or grid.id is None or grid.deleted_at is not None:
        raise ValidationError(label, f"请选择{label}。")
    if not grid.active:
        raise ValidationError(label, f"网格 {grid.code} 已停用。")
    if not may_use_grid(actor, grid):
        raise PermissionDenied(f"网格 {grid.code} {grid.name}不是分配给您的网格。")
    return grid


def scope(actor: User, model, grid_column, mine_column=None):
    """Rows of ``model`` the actor may see: all with ``patrol.all``; else those in their grids or written by
    them (``mine_column`` defaults to created_by)."""
    require(actor, USE)
    query = model.live()
    if actor.can(ALL):
        return query
    mine = (mine_column or model.created_by) == actor.username
    return query.where(grid_column.in_(own_grid_ids(actor.username)) | mine)


def by_number(query, model, number: str, field: str, what: str):
    """The record of ``query`` (a scope of the actor's) numbered ``number``; a ValidationError naming
    ``field`` when there is none the actor may see."""
    found = query.where(model.number == (number or "").strip().upper()).first()
    if found is None:
        raise ValidationError(field, f"没有编号为 {number} 的{what}，或不在您的网格内。")
    return found


def fresh_in_scope(query, record, what: str):
    """``record`` as it is now in the database, if it is within ``query`` (the actor's scope); else
    PermissionDenied naming it (``what`` and its number)."""
    fresh = locked(query.where(type(record).id == record.id)).first()
    if fresh is None:
        raise PermissionDenied(f"{what} {record.number} 不在您的网格内。")
    return fresh


def get_by_code(code: str) -> Grid | None:
    return Grid.live().where(Grid.code == (code or "").strip().upper()).first()


def villages_covered() -> list[str]:
    return [row.village for row in Grid.live().select(Grid.village).where(Grid.active == True)  # noqa: E712
            .group_by(Grid.village).order_by(Grid.village)]


def coverage() -> dict:
    """Grids, and how many have at least one worker (the seed's 网格员覆盖率)."""
    grids = list(Grid.live().where(Grid.active == True))  # noqa: E712
    staffed = {m.grid_id for m in GridMember.live().where(GridMember.grid.in_([g.id for g in grids]))}
    return {"grids": len(grids), "staffed": len(staffed),
            "rate": (len(staffed) / len(grids)) if grids else 0.0}


