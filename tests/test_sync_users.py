"""所属站点 over 数据交换: an account the town hall (DT00) creates for a registered village post (DT01) travels
to that post in the hall's next bundle and signs in there; an account the hall creates for itself stays at the
hall. Two real databases, from tests/test_sync.py's fixtures (``pair``: registered and joined)."""

from __future__ import annotations

import pytest

from models import accounts
from models.errors import LoginFailed
from tests import test_sync
from tests.conftest import USER_PASSWORD
from tests.test_sync import HALL, POST, at, export, import_

blank_databases = test_sync.blank_databases
make_database = test_sync.make_database
hall_target = test_sync.hall_target
post_target = test_sync.post_target
pair = test_sync.pair

NEW_PASSWORD = "Wangge2023z"


def test_an_account_the_hall_creates_for_a_post_travels_there_and_signs_in(pair, tmp_path):
    with at(pair.hall):
        assert accounts.post_choices() == [(HALL, "DT00 打通镇便民服务中心"), (POST, "DT01 打通村便民服务站")]
        worker = accounts.create_user(pair.hall_admin, "wangge2", "网格员陈二", ["grid"], USER_PASSWORD, post=POST)
        own = accounts.create_user(pair.hall_admin, "zhongxin2", "镇中心职员", ["window"], USER_PASSWORD)
        assert (worker.post, own.post) == (POST, HALL)
    sent = export(pair.hall_admin, pair.hall, tmp_path / "h1.tdsync")
    assert sent.counts.get("user") == 1                      # wangge2 only: not zhongxin2, not the hall's admin

    result = import_(pair.post_admin, pair.post, tmp_path / "h1.tdsync")
    assert result.conflicts == 0
    with at(pair.post):
        assert accounts.get_user("zhongxin2") is None        # the hall's own staff stay at the hall
        signed_in = accounts.authenticate("wangge2", USER_PASSWORD)
        assert signed_in.uid == worker.uid and signed_in.post == POST
        assert signed_in.must_change_password and signed_in.role_list == ["grid"]
        assert signed_in.display_name == "网格员陈二" and signed_in.created_by == "admin"
        with pytest.raises(LoginFailed):
            accounts.authenticate("wangge2", "Wrong2023x")
        # used there: the worker replaces the temporary password at the post …
        accounts.change_own_password(signed_in, USER_PASSWORD, NEW_PASSWORD)
        # … and a post's own choices are only itself (its only peer is the hall)
        assert [code for code, _ in accounts.post_choices()] == [POST]

    # the changed account goes back to the hall with the post's next bundle
    export(pair.post_admin, pair.post, tmp_path / "p1.tdsync")
    assert import_(pair.hall_admin, pair.hall, tmp_path / "p1.tdsync").conflicts == 0
    with at(pair.hall):
        back = accounts.get_user("wangge2")
        assert back.uid == worker.uid and not back.must_change_password
        assert accounts.authenticate("wangge2", NEW_PASSWORD).uid == worker.uid


def test_an_account_the_hall_creates_for_itself_does_not_travel(pair, tmp_path):
    with at(pair.hall):
        accounts.create_user(pair.hall_admin, "zhongxin2", "镇中心职员", ["window"], USER_PASSWORD, post=HALL)
        accounts.create_user(pair.hall_admin, "chuangkou2", "镇窗口", ["window"], USER_PASSWORD)
    sent = export(pair.hall_admin, pair.hall, tmp_path / "h1.tdsync")
    assert "user" not in sent.counts
    import_(pair.post_admin, pair.post, tmp_path / "h1.tdsync")
    with at(pair.post):
        assert accounts.get_user("zhongxin2") is None and accounts.get_user("chuangkou2") is None
        with pytest.raises(LoginFailed):
            accounts.authenticate("zhongxin2", USER_PASSWORD)
