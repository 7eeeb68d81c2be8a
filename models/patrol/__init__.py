"""网格巡查: grids, patrol logs and their findings (events, hazards, help requests, disputes handed to the
mediation centre), premises inspections, and the care and key-person registers."""
