"""统计报表: the leaders' dashboard over ``models.stats`` (figures, 同比, charts, the annual report)."""

from ui.stats.dashboard import StatsDashboard

StatsPage = StatsDashboard

__all__ = ["StatsDashboard", "StatsPage"]
