"""Errors the application reports to a person. Every message is Chinese and says what to do."""


class TownDeskError(Exception):
    """Base of every error the application reports to a person (message in Chinese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationError(TownDeskError):
    """Bad input in one field; `field` is the Chinese field label shown to the user."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}：{message}")
        self.field = field
        self.reason = message


class PermissionDenied(TownDeskError):
    """The signed-in user's roles do not allow the operation."""


class LoginFailed(TownDeskError):
    """Wrong user name or password, or the account is locked or disabled."""


class DatabaseProblem(TownDeskError):
    """The database file cannot be used as it is: missing, not a database, damaged, too new, read-only."""


class DatabaseMissing(DatabaseProblem):
    pass


class NotADatabase(DatabaseProblem):
    pass


class DatabaseDamaged(DatabaseProblem):
    pass


class DatabaseTooNew(DatabaseProblem):
    pass


class DatabaseReadOnly(DatabaseProblem):
    pass


class NotInitialised(DatabaseProblem):
    """The file is a TownDesk database whose first-run set-up was never finished."""
