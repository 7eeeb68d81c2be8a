"""一窗受理 screens."""

from ui.hall.page import HallPage

__all__ = ["HallPage"]
