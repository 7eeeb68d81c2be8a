"""TownDesk's Qt widgets. Screens lay out widgets and call models/; they never build a query."""
