"""Renders the screens shown in the README (offscreen, 1366×768, demo data): python docs/make_screenshots.py"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["TOWNDESK_DATA_DIR"] = tempfile.mkdtemp()

from PySide6.QtWidgets import QApplication  # noqa: E402

from models import demo, setup  # noqa: E402
from ui.app import create_application  # noqa: E402
from ui.login import LoginDialog  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.wizard import SetupWizard  # noqa: E402

OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"


def save(widget, name):
    QApplication.processEvents()
    widget.grab().save(str(OUT / name))
    print(OUT / name)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    create_application()
    target = Path(tempfile.mkdtemp()) / "towndesk.db"

    wizard = SetupWizard(str(target))
    wizard.show()
    save(wizard, "wizard-1.png")
    wizard.next()
    post = wizard.post
    post.town.setText("打通镇")
    post.district.setText("綦江区")
    post.post_name.setText("打通镇便民服务中心")
    post.post_code.setText("DT00")
    save(wizard, "wizard-2.png")
    wizard.next()
    save(wizard, "wizard-3.png")
    wizard.close()

    setup.open_app_database(target, create=True)
    admin = demo.load_demo()
    login = LoginDialog(str(target), username="admin")
    login.show()
    save(login, "login.png")
    login.close()

    window = MainWindow(admin, target, str(target))
    window.resize(1366, 768)
    window.show()
    window.show_area("people")
    save(window, "main-people.png")
    hall = window.show_area("hall")
    save(window, "main-hall.png")
    hall_screens(window, hall)
    mediation = window.show_area("mediation")
    save(window, "main-mediation.png")
    mediation.tabs.setCurrentWidget(mediation.cases)
    save(window, "mediation-cases.png")
    patrol = window.show_area("patrol")
    save(window, "main-patrol.png")
    patrol_screens(window, patrol)
    window.show_area("settings")
    save(window, "main-settings.png")
    window.lock()
    save(window, "main-locked.png")
    window.idle.stop()
    window.close()
    stats_screens()
    sync_screens()


def stats_screens():
    """The dashboard over fourteen months of every area (2021 to February 2022), the first quarter of 2022
    beside that of 2021, so the 同比 shows."""
    import dataclasses
    import random
    import time
    from datetime import date

    from models import accounts
    from models.db import close_database
    from models.mediation import demo as mediation_demo
    from models.patrol import demo as patrol_demo
    from models.stats import periods

    close_database()
    target = Path(tempfile.mkdtemp()) / "two-years.db"
    setup.open_app_database(target, create=True)
    demo._build(200, demo.invent_organisations(random.Random(3), 8, demo.WIZARD_ORGANISATIONS),
                date(2021, 1, 1), date(2022, 3, 31), None, 1, 7, patrol=True,
                mediation=dataclasses.replace(mediation_demo.WIZARD_VOLUMES, disputes=40, petitions=36, visitors=90,
                                              meetings=4),
                patrol_volumes=dataclasses.replace(patrol_demo.WIZARD_VOLUMES, night_patrols=30, person_times=420,
                                                   helps=12, shop_visits=40, shop_hazards=9))
    window = MainWindow(accounts.get_user("admin"), target, str(target))
    window.resize(1366, 768)
    window.show()
    board = window.show_area("stats")
    board.set_period(periods.QUARTER, 2022, 1)
    board.refresh()
    while board.busy:
        QApplication.processEvents()
        time.sleep(0.05)
    for number, name in enumerate(("stats-dashboard.png", "stats-mediation.png", "stats-patrol.png")):
        board.tabs.setCurrentIndex(number)
        save(window, name)
    window.close()


def hall_screens(window, hall):
    """一窗受理: the counter half filled in, the case list, one case, its receipt in the preview."""
    from PySide6.QtCore import Qt

    from models import people
    from models.hall import matters

    clerk = hall.user
    hall.show_counter()
    counter = hall.counter
    counter.applicant.set_record(people.search_people(clerk, "")[0])
    counter.matter.set_matter(matters.get_matter("XZFW-010"))
    for row in range(3):
        counter.materials.item(row).setCheckState(Qt.Checked)
    save(window, "hall-counter.png")
    counter.check_all()
    counter.submit("受理")
    counter.preview.resize(900, 720)
    save(counter.preview, "hall-receipt-preview.png")
    counter.preview.close()
    hall.tabs.setCurrentWidget(hall.cases)
    save(window, "hall-cases.png")
    hall.cases.table.select_row(3)
    dialog = hall.open_case(hall.cases.table.selected())
    save(dialog, "hall-case.png")
    dialog.close()
    hall.tabs.setCurrentWidget(hall.home)
    save(window, "hall-home.png")


def patrol_screens(window, patrol):
    """The grid area with the wizard demo's patrol window (the admin sees the key-person register too)."""
    patrol.tabs.setCurrentWidget(patrol.form)
    form = patrol.form
    form.route.setText("打通村正街—学校—河堤—老街")
    save(window, "patrol-form.png")
    for tab, name in ((patrol.patrols, "patrol-list.png"), (patrol.hazards, "patrol-hazards.png"),
                      (patrol.events, "patrol-events.png"), (patrol.care, "patrol-care.png"),
                      (patrol.key_persons, "patrol-key-persons.png"), (patrol.grids, "patrol-grids.png")):
        patrol.tabs.setCurrentWidget(tab)
        save(window, name)
    patrol.tabs.setCurrentWidget(patrol.patrols)
    patrol.patrols.table.select_row(0)
    dialog = patrol.open_patrol(patrol.patrols.table.selected())
    dialog.resize(1100, 720)
    save(dialog, "patrol-log.png")
    dialog.close()
    patrol.tabs.setCurrentWidget(patrol.home)
    save(window, "patrol-home.png")


def sync_screens():
    """数据交换 at the hall: the post DT01's first bundle imported; a second one, whose 王五 the hall changed too,
    confirmed, imported (a conflict) and compared side by side."""
    from models import accounts, people, sync
    from models.db import close_database
    from ui.sync import SyncPage
    from ui.sync.conflicts import ConflictDialog
    from ui.sync.dialogs import ImportConfirmDialog, ImportResultDialog

    folder = Path(tempfile.mkdtemp())
    targets = {}
    for code, name, admin in (("DT00", "打通镇便民服务中心", "admin"), ("DT01", "打通村便民服务站", "dt01admin")):
        close_database()
        targets[code] = folder / f"{code}.db"
        setup.open_app_database(targets[code], create=True)
        setup.initialise("打通镇", name, code, admin, "Demo2022x", district="綦江区", admin_display_name="管理员" + code)

    def at(code):
        close_database()
        setup.open_app_database(targets[code])
        return accounts.get_user("dt01admin" if code == "DT01" else "admin")

    def phone(user, number, value):
        person = people.Person.get(people.Person.id_number == number)
        people.save_person(user, {"name": person.name, "id_number": number, "phone": value, "village": person.village},
                           person)

    hall = at("DT00")
    key = sync.register_post(hall, "DT01", "打通村便民服务站")
    sync.register_post(hall, "DT02", "石门村便民服务站")
    post = at("DT01")
    sync.join(post, key)
    for name, number in (("张大山", "500222199001011237"), ("李小河", "500222198503151235"), ("王五", "500222197001011238")):
        people.save_person(post, {"name": name, "id_number": number, "phone": "13800000001", "village": "打通村"})
    first = sync.export_bundle(post, folder / "数据包-DT01至DT00-第1号.tdsync").path
    sync.import_bundle(at("DT00"), first)
    post = at("DT01")
    phone(post, "500222197001011238", "13822220000")
    people.save_person(post, {"name": "陈秀英", "id_number": "500222196805201227", "village": "打通村"})
    second = sync.export_bundle(post, folder / "数据包-DT01至DT00-第2号.tdsync").path
    hall = at("DT00")
    phone(hall, "500222197001011238", "13911110000")
    page = SyncPage(hall)
    page.resize(1366, 768)
    page.show()
    confirm = ImportConfirmDialog(sync.read_manifest(second), second, "DT00", sync.peers(), page)
    confirm.show()
    save(confirm, "sync-import-confirm.png")
    confirm.close()
    result = ImportResultDialog(sync.import_bundle(hall, second), parent=page)
    result.show()
    save(result, "sync-import-result.png")
    result.close()
    page.refresh()
    save(page, "sync-page.png")
    [conflict] = sync.conflicts(hall)
    dialog = ConflictDialog(hall, conflict, page.names, page)
    dialog.show()
    save(dialog, "sync-conflict.png")
    dialog.close()
    page.close()
    close_database()


if __name__ == "__main__":
    main()
