"""Concerns raised by participants: the table (``models``); the rules are in
``domain/concerns.py``, the queries in ``repository/concerns.py``."""
