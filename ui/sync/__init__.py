"""数据交换 (issue 7): the page where a village post and the town hall exchange bundle files."""

from ui.sync.page import SyncPage

__all__ = ["SyncPage"]
