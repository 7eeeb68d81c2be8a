"""The people and grids the patrol tests share: two grid workers each with a grid of their own, a 网格长,
a 重点人员管理员 and two residents. A test module imports the fixtures it uses."""

import pytest

from models import people
from models.patrol import grids
from models.patrol.grids import GridEntry


@pytest.fixture
def worker(make_user):
    return make_user("grid", username="wangge")


@pytest.fixture
def worker2(make_user):
    return make_user("grid", username="wangge2")


@pytest.fixture
def lead(make_user):
    return make_user("grid_lead", username="wanggezhang")


@pytest.fixture
def keeper(make_user):
    return make_user("key_persons", username="zhongdian")


@pytest.fixture
def grid_a(admin, worker):
    return grids.save_grid(admin, GridEntry("DT-01", "打通村第一网格", "打通村", 320, 1100,
                                            members=[("wangge", "专职")]))


@pytest.fixture
def grid_b(admin, worker2):
    return grids.save_grid(admin, GridEntry("DT-02", "石门村第一网格", "石门村", 280, 900,
                                            members=[("wangge2", "兼职")]))


@pytest.fixture
def residents(worker):
    zhang = people.save_person(worker, {"name": "张大山", "id_number": "500222199001011237", "phone": "13800000001",
                                        "address": "打通村3组"})
    li = people.save_person(worker, {"name": "李小河", "phone": "13800000002", "address": "打通村4组"})
    return zhang, li
