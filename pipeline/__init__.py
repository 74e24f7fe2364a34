"""newsev: technology news turned into sourced evidence (library; no Prefect imports)."""

__version__ = "0.1.0"
