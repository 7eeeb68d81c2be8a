"""TownDesk's core: tables, migrations, validation and domain operations. Imports nothing from Qt."""

__version__ = "0.1.0"
