"""网格巡查: the grid workers' area — patrol logs and findings, events, hazards, help requests, premises,
the care and key-person registers, and the grids."""
