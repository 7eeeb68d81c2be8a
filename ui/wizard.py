"""首次使用向导: town and post, the admin account — or demo data — before anyone logs in."""

from PySide6.QtWidgets import (
    QFormLayout, QLabel, QLineEdit, QRadioButton, QVBoxLayout, QWizard, QWizardPage,
)

from models import accounts, demo, settings, setup
from models.db import db, describe
from models.errors import TownDeskError, ValidationError
from ui.common import FieldErrors, hint, show_problem

INTRO, POST, ADMIN, DEMO = range(4)


class IntroPage(QWizardPage):
    def __init__(self, target: str):
        super().__init__()
        self.setTitle(self.tr("欢迎使用 TownDesk 镇村政务服务系统"))
        self.setSubTitle(self.tr("第一次使用，需要先设置本镇（站点）的信息和管理员账户。"))
        self.create_new = QRadioButton(self.tr("新建：为本镇或本村便民服务站建立数据库（正式使用）"))
        self.use_demo = QRadioButton(self.tr("试用：载入演示数据（打通镇，含示例账户和人员，均为虚构）"))
        self.create_new.setChecked(True)
        layout = QVBoxLayout(self)
        layout.addWidget(hint(self.tr("一窗受理、矛盾调解、网格巡查的记录都保存在本机的数据库文件中，无需联网。")))
        layout.addSpacing(12)
        layout.addWidget(self.create_new)
        layout.addWidget(self.use_demo)
        layout.addSpacing(12)
        layout.addWidget(hint(self.tr("数据库文件：{0}").format(describe(target))))
        layout.addStretch()

    def nextId(self):  # noqa: N802
        return DEMO if self.use_demo.isChecked() else POST


class PostPage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.setTitle(self.tr("本镇与本站点"))
        self.setSubTitle(self.tr("这些信息会印在回执和文书上。带 * 的必须填写。"))
        self.town = QLineEdit()
        self.town.setPlaceholderText(self.tr("如：打通镇"))
        self.district = QLineEdit()
        self.district.setPlaceholderText(self.tr("如：綦江区"))
        self.post_name = QLineEdit()
        self.post_name.setPlaceholderText(self.tr("如：打通镇便民服务中心、石龙村便民服务站"))
        self.post_code = QLineEdit()
        self.post_code.setMaxLength(8)
        self.post_code.setPlaceholderText(self.tr("如：DT00（镇便民服务中心）、DT01（村便民服务站）"))
        self.hall_phone = QLineEdit()
        self.hall_phone.setPlaceholderText(self.tr("如：023-48612345"))
        form = QFormLayout(self)
        form.addRow(self.tr("镇（街道）名称 *"), self.town)
        form.addRow(self.tr("所属区县"), self.district)
        form.addRow(self.tr("本站点名称 *"), self.post_name)
        form.addRow(self.tr("站点代码 *"), self.post_code)
        form.addRow("", hint(self.tr("2到8位大写字母或数字。它会写进本站点的每一条记录和编号，设置后不能修改。")))
        form.addRow(self.tr("服务大厅电话"), self.hall_phone)
        self.error = QLabel()
        form.addRow(self.error)
        self.errors = FieldErrors(self.error, {
            settings.LABELS["town_name"]: self.town, settings.LABELS["district"]: self.district,
            settings.LABELS["post_name"]: self.post_name, settings.LABELS["post_code"]: self.post_code,
            settings.LABELS["hall_phone"]: self.hall_phone,
        })

    def values(self) -> dict:
        return {"town_name": self.town.text(), "district": self.district.text(), "post_name": self.post_name.text(),
                "post_code": self.post_code.text(), "hall_phone": self.hall_phone.text()}

    def validatePage(self):  # noqa: N802
        try:
            cleaned = settings.clean(self.values())
        except ValidationError as exc:
            self.errors.show(exc)
            return False
        self.errors.clear()
        self.post_code.setText(cleaned["post_code"])
        self.hall_phone.setText(cleaned["hall_phone"])
        return True


class AdminPage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.setTitle(self.tr("管理员账户"))
        self.setSubTitle(self.tr("管理员负责设置、用户和备份。其他工作人员的账户由管理员在“系统设置”里添加。"))
        self.username = QLineEdit()
        self.username.setPlaceholderText(self.tr("建议用姓名拼音，如 wangjianguo"))
        self.display_name = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.Password)
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.Password)
        form = QFormLayout(self)
        form.addRow(self.tr("用户名 *"), self.username)
        form.addRow(self.tr("姓名 *"), self.display_name)
        form.addRow(self.tr("密码 *"), self.password)
        form.addRow(self.tr("确认密码 *"), self.confirm)
        form.addRow("", hint(self.tr("密码至少8位，需同时包含字母和数字。请牢记：忘记后只能由其他管理员重置。")))
        self.error = QLabel()
        form.addRow(self.error)
        self.errors = FieldErrors(self.error, {"用户名": self.username, "姓名": self.display_name,
                                               "密码": self.password, "确认密码": self.confirm})

    def validatePage(self):  # noqa: N802
        try:
            accounts.clean_user_fields(self.username.text(), self.display_name.text(), ["admin"], "")
            accounts.check_password_strength(self.password.text())
            if self.password.text() != self.confirm.text():
                raise ValidationError("确认密码", "与密码不一致，请重新输入。")
        except ValidationError as exc:
            self.errors.show(exc)
            return False
        self.errors.clear()
        return True

    def nextId(self):  # noqa: N802
        return -1


class DemoPage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.setTitle(self.tr("演示数据"))
        self.setSubTitle(self.tr("将建立“打通镇便民服务中心（DT00）”和下列示例账户，密码都是 {0}。")
                         .format(demo.DEMO_PASSWORD))
        layout = QVBoxLayout(self)
        rows = "\n".join(f"{username}\t{name}（{'、'.join(accounts.ROLES[r] for r in roles)}）"
                         for username, name, roles in demo.DEMO_USERS)
        accounts_label = QLabel(rows)
        accounts_label.setTextInteractionFlags(accounts_label.textInteractionFlags())
        layout.addWidget(accounts_label)
        layout.addWidget(hint(self.tr("演示数据中的人员、号码均为虚构，仅供熟悉操作。正式使用请另建数据库。")))
        layout.addStretch()

    def nextId(self):  # noqa: N802
        return -1


class SetupWizard(QWizard):
    """On finish, creates the database (only now, so cancelling leaves no file) and initialises it."""

    def __init__(self, target: str, parent=None):
        super().__init__(parent)
        self.target = target
        self.admin = None
        self.setWindowTitle(self.tr("TownDesk 初始设置"))
        self.setWizardStyle(QWizard.ModernStyle)
        self.setOption(QWizard.NoBackButtonOnStartPage)
        self.intro = IntroPage(target)
        self.post = PostPage()
        self.admin_page = AdminPage()
        self.demo = DemoPage()
        for page_id, page in ((INTRO, self.intro), (POST, self.post), (ADMIN, self.admin_page), (DEMO, self.demo)):
            self.setPage(page_id, page)
        self.setStartId(INTRO)
        self.resize(720, 520)

    def accept(self):
        try:
            if db.obj is None or db.obj.is_closed():
                setup.open_app_database(self.target, create=True)
            if self.intro.use_demo.isChecked():
                self.admin = demo.load_demo()
            else:
                values = self.post.values()
                self.admin = setup.initialise(
                    values["town_name"], values["post_name"], values["post_code"],
                    self.admin_page.username.text(), self.admin_page.password.text(),
                    district=values["district"], hall_phone=values["hall_phone"],
                    admin_display_name=self.admin_page.display_name.text())
        except TownDeskError as exc:
            show_problem(self, exc, self.tr("无法完成初始设置"))
            return
        super().accept()
