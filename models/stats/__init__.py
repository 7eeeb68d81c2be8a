"""统计报表: periods and 同比 (periods.py), the hall's day summary (summary.py), the figures (figures.py)."""
