"""用户与权限: permissions enforced in models, login lockout, passwords, last admin, audit log."""

from datetime import timedelta

import pytest

from models import accounts, people, settings, setup
from models.accounts import User
from models.audit import AuditEntry
from models.db import close_database, db, utcnow
from models.errors import LoginFailed, PermissionDenied, ValidationError
from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD
from tests.windows import Windows

ID = "11010519491231002X"
MASKED = "110105********002X"


def _fresh(user: User) -> User:
    return User.get_by_id(user.id)


def _person_count() -> int:
    return people.Person.select().count()


# --------------------------------------------------------------------------- permissions by role

def test_admin_can_create_users_and_change_settings(admin):
    user = accounts.create_user(admin, "zhangsan", "张三", ["window"], USER_PASSWORD)
    assert User.get(User.username == "zhangsan").id == user.id
    settings.update(admin, {"hall_phone": "023-48610000"})
    assert settings.get("hall_phone") == "023-48610000"


def test_admin_cannot_change_post_code_after_setup(admin):
    with pytest.raises(ValidationError) as info:
        settings.update(admin, {"post_code": "DT01"})
    assert "站点代码" in str(info.value)
    assert settings.post_code() == "DT00"


def test_window_can_save_person_and_sees_full_id(make_user):
    window = make_user("window")
    person = people.save_person(window, {"name": "张三", "id_number": ID})
    assert people.Person.get_by_id(person.id).id_number == ID
    assert people.shown_id(window, ID) == ID


def test_window_cannot_manage_users(make_user):
    window = make_user("window")
    with pytest.raises(PermissionDenied):
        accounts.create_user(window, "lisi", "李四", ["window"], USER_PASSWORD)
    assert not User.select().where(User.username == "lisi").exists()


def test_mediator_can_save_person_but_cannot_delete(make_user):
    mediator = make_user("mediator")
    person = people.save_person(mediator, {"name": "调解当事人"})
    with pytest.raises(PermissionDenied):
        people.soft_delete(mediator, person)
    assert people.Person.get_by_id(person.id).deleted_at is None


def test_grid_cannot_create_user_or_update_settings(make_user):
    grid = make_user("grid")
    with pytest.raises(PermissionDenied):
        accounts.create_user(grid, "lisi", "李四", ["window"], USER_PASSWORD)
    with pytest.raises(PermissionDenied):
        settings.update(grid, {"hall_phone": "023-48610000"})
    assert not User.select().where(User.username == "lisi").exists()
    assert settings.get("hall_phone") == "023-48612345"


def test_grid_can_search_people_but_sees_masked_id(make_user):
    window, grid = make_user("window"), make_user("grid")
    people.save_person(window, {"name": "张三", "id_number": ID})
    assert [p.name for p in people.search_people(grid, "张三")] == ["张三"]
    assert people.shown_id(grid, ID) == MASKED


def test_leader_cannot_save_person(make_user):
    leader = make_user("leader")
    with pytest.raises(PermissionDenied):
        people.save_person(leader, {"name": "张三"})
    assert _person_count() == 0


def test_leader_cannot_search_people_and_sees_masked_id(make_user):
    leader = make_user("leader")
    with pytest.raises(PermissionDenied):
        people.search_people(leader, "")
    assert people.shown_id(leader, ID) == MASKED
    assert leader.can("stats.view")


def test_deactivated_user_loses_all_permissions(admin, make_user):
    window = make_user("window")
    accounts.update_user(admin, window, window.display_name, ["window"], active=False)
    with pytest.raises(PermissionDenied):
        people.save_person(_fresh(window), {"name": "张三"})
    assert _person_count() == 0


def test_no_actor_is_refused(admin):
    with pytest.raises(PermissionDenied):
        people.save_person(None, {"name": "张三"})


# --------------------------------------------------------------------------- login and lockout

def test_login_with_right_password_records_last_login(admin):
    now = utcnow()
    user = accounts.authenticate("admin", ADMIN_PASSWORD, now=now)
    assert user.id == admin.id
    assert _fresh(admin).last_login_at == now


def test_signing_in_is_not_a_change_of_the_account(admin, make_user):
    # the sign-in state belongs to this machine: updated_at (what a sync bundle compares) stays as it was
    window = make_user("window", username="chuangkou")
    before = {u.username: _fresh(u).updated_at for u in (admin, window)}
    accounts.authenticate("admin", ADMIN_PASSWORD)
    for _ in range(accounts.MAX_FAILED_LOGINS):
        with pytest.raises(LoginFailed):
            accounts.authenticate("chuangkou", "wrong-password")
    assert _fresh(window).locked_until is not None
    accounts.unlock(admin, _fresh(window))
    assert (_fresh(window).failed_logins, _fresh(window).locked_until) == (0, None)
    assert {u.username: _fresh(u).updated_at for u in (admin, window)} == before
    accounts.update_user(admin, _fresh(window), "李窗口", ["window"])      # a change of the account
    assert _fresh(window).updated_at > before["chuangkou"]


def test_unknown_user_is_refused(admin):
    with pytest.raises(LoginFailed):
        accounts.authenticate("nobody", ADMIN_PASSWORD)


def test_four_wrong_passwords_count_down_and_leave_account_usable(admin):
    now = utcnow()
    for attempt in range(1, 5):
        with pytest.raises(LoginFailed) as info:
            accounts.authenticate("admin", "Wrong2022x", now=now)
        assert "还可尝试" in str(info.value)
        assert f"{5 - attempt} 次" in str(info.value)
        assert _fresh(admin).failed_logins == attempt
    assert _fresh(admin).locked_until is None
    assert accounts.authenticate("admin", ADMIN_PASSWORD, now=now).id == admin.id
    assert _fresh(admin).failed_logins == 0


def _fail(username: str, times: int, now) -> LoginFailed:
    error = None
    for _ in range(times):
        with pytest.raises(LoginFailed) as info:
            accounts.authenticate(username, "Wrong2022x", now=now)
        error = info.value
    return error


def test_fifth_wrong_password_locks_for_fifteen_minutes(admin):
    now = utcnow()
    error = _fail("admin", 5, now)
    assert "锁定" in str(error)
    assert _fresh(admin).locked_until == now + timedelta(minutes=15)
    with pytest.raises(LoginFailed) as info:
        accounts.authenticate("admin", ADMIN_PASSWORD, now=now + timedelta(minutes=14))
    assert "锁定" in str(info.value)
    user = accounts.authenticate("admin", ADMIN_PASSWORD, now=now + timedelta(minutes=16))
    assert user.id == admin.id
    assert _fresh(admin).locked_until is None


def test_failure_count_survives_reopening_database(admin, db_path):
    now = utcnow()
    _fail("admin", 3, now)
    close_database()
    setup.open_app_database(db_path)
    assert User.get(User.username == "admin").failed_logins == 3
    error = _fail("admin", 1, now)
    assert "1 次" in str(error)


def test_lock_survives_reopening_database(admin, db_path):
    now = utcnow()
    _fail("admin", 5, now)
    close_database()
    setup.open_app_database(db_path)
    with pytest.raises(LoginFailed):
        accounts.authenticate("admin", ADMIN_PASSWORD, now=now + timedelta(minutes=14))
    assert accounts.authenticate("admin", ADMIN_PASSWORD, now=now + timedelta(minutes=16)).id == admin.id


def test_deactivated_user_cannot_log_in(admin, make_user):
    window = make_user("window")
    accounts.update_user(admin, window, window.display_name, ["window"], active=False)
    with pytest.raises(LoginFailed) as info:
        accounts.authenticate(window.username, USER_PASSWORD)
    assert "停用" in str(info.value)


# --------------------------------------------------------------------------- passwords

def test_admin_reset_password_unlocks_and_forces_change(admin, make_user):
    window = make_user("window")
    now = utcnow()
    _fail(window.username, 5, now)
    assert _fresh(window).locked_until is not None
    accounts.reset_password(admin, _fresh(window), "Temp2022x")
    stored = _fresh(window)
    assert stored.locked_until is None and stored.failed_logins == 0
    assert stored.must_change_password
    assert accounts.authenticate(window.username, "Temp2022x", now=now).id == window.id
    with pytest.raises(LoginFailed):
        accounts.authenticate(window.username, USER_PASSWORD, now=now)


def test_non_admin_cannot_reset_password(admin, make_user):
    window = make_user("window")
    with pytest.raises(PermissionDenied):
        accounts.reset_password(window, admin, "Temp2022x")
    assert accounts.authenticate("admin", ADMIN_PASSWORD).id == admin.id


def test_new_users_must_change_password(make_user):
    assert _fresh(make_user("window")).must_change_password


def test_change_own_password(make_user):
    window = make_user("window")
    accounts.change_own_password(window, USER_PASSWORD, "Newpass2022")
    assert not _fresh(window).must_change_password
    assert accounts.authenticate(window.username, "Newpass2022").id == window.id
    with pytest.raises(LoginFailed):
        accounts.authenticate(window.username, USER_PASSWORD)


def test_change_own_password_refuses_wrong_old_password(make_user):
    window = make_user("window")
    with pytest.raises(ValidationError) as info:
        accounts.change_own_password(window, "Wrong2022x", "Newpass2022")
    assert "原密码" in str(info.value)
    assert accounts.authenticate(window.username, USER_PASSWORD).id == window.id


def test_change_own_password_refuses_same_password(make_user):
    window = make_user("window")
    with pytest.raises(ValidationError) as info:
        accounts.change_own_password(window, USER_PASSWORD, USER_PASSWORD)
    assert "新密码" in str(info.value)


@pytest.mark.parametrize("weak", ["Ab1", "abcdefgh", "12345678", "a1" * 65])
def test_weak_passwords_are_refused(admin, weak):
    with pytest.raises(ValidationError) as info:
        accounts.create_user(admin, "lisi", "李四", ["window"], weak)
    assert "初始密码" in str(info.value)
    assert not User.select().where(User.username == "lisi").exists()


def test_weak_new_password_refused_on_change(make_user):
    window = make_user("window")
    with pytest.raises(ValidationError) as info:
        accounts.change_own_password(window, USER_PASSWORD, "short1")
    assert "新密码" in str(info.value)
    assert accounts.authenticate(window.username, USER_PASSWORD).id == window.id


def test_passwords_stored_as_salted_scrypt(admin, make_user):
    a, b = make_user("window"), make_user("grid")
    hash_a, hash_b = _fresh(a).password_hash, _fresh(b).password_hash
    assert hash_a.startswith("scrypt$") and hash_b.startswith("scrypt$")
    assert USER_PASSWORD not in hash_a
    assert hash_a.split("$")[4] != hash_b.split("$")[4]  # salt
    assert hash_a != hash_b
    raw = db.execute_sql('SELECT password_hash FROM "user"').fetchall()
    assert all(USER_PASSWORD not in row[0] and ADMIN_PASSWORD not in row[0] for row in raw)


# --------------------------------------------------------------------------- last admin

def test_last_admin_cannot_be_demoted(admin):
    with pytest.raises(ValidationError) as info:
        accounts.update_user(admin, admin, admin.display_name, ["window"])
    assert "管理员" in str(info.value)
    assert _fresh(admin).role_list == ["admin"]


def test_last_admin_cannot_be_deactivated(admin):
    with pytest.raises(ValidationError):
        accounts.update_user(admin, admin, admin.display_name, ["admin"], active=False)
    assert _fresh(admin).active


def test_admin_can_be_demoted_when_another_admin_exists(admin, make_user):
    second = make_user("admin", username="admin2")
    accounts.update_user(second, _fresh(admin), admin.display_name, ["window"])
    assert _fresh(admin).role_list == ["window"]


def test_inactive_second_admin_does_not_count(admin, make_user):
    second = make_user("admin", username="admin2")
    accounts.update_user(admin, second, second.display_name, ["admin"], active=False)
    with pytest.raises(ValidationError):
        accounts.update_user(admin, _fresh(admin), admin.display_name, ["window"])
    assert _fresh(admin).role_list == ["admin"]


# --------------------------------------------------------------------------- audit log

def _entries(action: str):
    return list(AuditEntry.select().where(AuditEntry.action == action).order_by(AuditEntry.id))


def test_login_writes_audit_entry(admin):
    accounts.authenticate("admin", ADMIN_PASSWORD)
    entry = _entries("login")[-1]
    assert entry.created_by == "admin"
    assert entry.record_uid == str(admin.uid)


def test_failed_login_writes_audit_entry(admin):
    with pytest.raises(LoginFailed):
        accounts.authenticate("admin", "Wrong2022x")
    with pytest.raises(LoginFailed):
        accounts.authenticate("ghost", "Wrong2022x")
    assert [e.created_by for e in _entries("login_failed")] == ["admin", "ghost"]


def test_create_user_writes_audit_entry(admin):
    user = accounts.create_user(admin, "lisi", "李四", ["window"], USER_PASSWORD)
    entry = _entries("create")[-1]
    assert entry.created_by == "admin"
    assert entry.record_type == "User" and entry.record_uid == str(user.uid)
    assert "lisi" in entry.summary
    assert entry.post == "DT00"


def test_audit_log_refuses_update(admin):
    entry = _entries("create")[0]
    with pytest.raises(Exception) as info:
        with db.atomic():
            AuditEntry.update(summary="rewritten").where(AuditEntry.id == entry.id).execute()
    assert "只能追加" in str(info.value)
    assert AuditEntry.get_by_id(entry.id).summary == entry.summary


def test_audit_log_refuses_delete(admin):
    count = AuditEntry.select().count()
    assert count > 0
    with pytest.raises(Exception) as info:
        db.execute_sql("DELETE FROM audit_log")
    assert "只能追加" in str(info.value)
    assert AuditEntry.select().count() == count


# --------------------------------------------------------------------------- 所属站点 (the post an account belongs to)

def _register_dt01(admin) -> None:
    from models import sync

    sync.register_post(admin, "DT01", "打通村便民服务站")


def test_create_user_defaults_to_this_databases_own_post(admin):
    plain = accounts.create_user(admin, "lisi", "李四", ["window"], USER_PASSWORD)
    blank = accounts.create_user(admin, "wangwu", "王五", ["window"], USER_PASSWORD, post="")
    own = accounts.create_user(admin, "zhaoliu", "赵六", ["window"], USER_PASSWORD, post=" dt00 ")
    assert [_fresh(u).post for u in (plain, blank, own)] == ["DT00", "DT00", "DT00"]
    assert "所属站点" not in _entries("create")[-1].summary      # the own post is not worth saying


def test_post_choices_lists_own_post_then_registered_village_posts(admin):
    assert accounts.post_choices() == [("DT00", "DT00 打通镇便民服务中心")]
    _register_dt01(admin)
    assert accounts.post_choices() == [("DT00", "DT00 打通镇便民服务中心"), ("DT01", "DT01 打通村便民服务站")]


def test_hall_creates_user_for_registered_village_post(admin):
    _register_dt01(admin)
    user = accounts.create_user(admin, "wangge2", "网格员陈二", ["grid"], USER_PASSWORD, post="DT01")
    stored = _fresh(user)
    assert stored.post == "DT01" and stored.must_change_password and stored.created_by == "admin"
    entry = _entries("create")[-1]
    assert entry.record_uid == str(user.uid)
    assert "wangge2" in entry.summary and "DT01" in entry.summary and "打通村便民服务站" in entry.summary
    assert entry.post == "DT00"      # the audit log is the hall's own


def test_create_user_refuses_unknown_post_and_writes_nothing(admin):
    _register_dt01(admin)
    users, entries = User.select().count(), AuditEntry.select().count()
    for code in ("DT09", "XX"):
        with pytest.raises(ValidationError) as info:
            accounts.create_user(admin, "wangge3", "网格员张三", ["grid"], USER_PASSWORD, post=code)
        assert info.value.field == "所属站点"
        assert code in info.value.message and "DT00" in info.value.message and "DT01" in info.value.message
    assert accounts.get_user("wangge3") is None
    assert (User.select().count(), AuditEntry.select().count()) == (users, entries)


def test_create_user_refuses_a_post_that_is_not_registered_yet(admin):
    with pytest.raises(ValidationError) as info:
        accounts.create_user(admin, "wangge3", "网格员张三", ["grid"], USER_PASSWORD, post="DT01")
    assert info.value.field == "所属站点" and "DT00" in info.value.message
    assert accounts.get_user("wangge3") is None


def test_only_admins_create_users_for_a_village_post(admin, make_user):
    _register_dt01(admin)
    clerk = make_user("window")
    with pytest.raises(PermissionDenied):
        accounts.create_user(clerk, "wangge3", "网格员张三", ["grid"], USER_PASSWORD, post="DT01")
    assert accounts.get_user("wangge3") is None


def test_pasted_control_characters_are_refused_in_a_name_and_in_the_settings(admin):
    with pytest.raises(ValidationError, match="控制字符") as err:
        accounts.create_user(admin, "lisi", "李\x00四", ["window"], USER_PASSWORD)
    assert err.value.field == "姓名"
    assert accounts.get_user("lisi") is None
    with pytest.raises(ValidationError, match="控制字符") as err:
        settings.clean({"post_name": "打通镇\x1b便民服务中心"})
    assert err.value.field == settings.LABELS["post_name"]
    with pytest.raises(ValidationError, match="控制字符"):
        settings.set_window(admin, "3号\x00窗口")


@pytest.mark.server_only
def test_the_same_user_name_created_at_two_windows_at_once_is_refused_by_name(admin, monkeypatch):
    import threading

    from models.db import on_own_connection

    real_hash = accounts.hash_password

    def meanwhile(password):      # after this window's check, another window creates the same name
        other = threading.Thread(target=lambda: on_own_connection(
            lambda: accounts.create_user(admin, "lisi", "李四", ["window"], USER_PASSWORD)))
        monkeypatch.setattr(accounts, "hash_password", real_hash)
        other.start()
        other.join(30)
        return real_hash(password)

    monkeypatch.setattr(accounts, "hash_password", meanwhile)
    with pytest.raises(ValidationError, match="“lisi”已被使用") as err:
        accounts.create_user(admin, "lisi", "李思", ["mediator"], USER_PASSWORD)
    assert err.value.field == "用户名"
    assert [u.display_name for u in User.select().where(User.username == "lisi")] == ["李四"]


def test_two_windows_taking_the_admin_role_from_the_last_two_admins_at_once_leave_one(admin, monkeypatch):
    second_admin = accounts.create_user(admin, "wangjl", "王经理", ["admin"], USER_PASSWORD)
    first_admin = User.get_by_id(admin.id)
    windows = Windows()
    windows.pause_first(monkeypatch, accounts.audit, "log")    # after the check, the change not yet committed
    windows.race(lambda: accounts.update_user(admin, second_admin, second_admin.display_name, ["window"]),
                 lambda: accounts.update_user(admin, first_admin, first_admin.display_name, ["window"]))
    outcome = windows.outcome
    assert isinstance(outcome["first"], User)
    assert isinstance(outcome["second"], ValidationError) and "最后一个可用的管理员" in str(outcome["second"])
    assert [u.username for u in User.select().where(User.roles.contains("admin"))] == [admin.username]
