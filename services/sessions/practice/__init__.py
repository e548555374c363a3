"""Tables of peer-support practice in sessions: participants' concerns and facilitators'
reflections (``models``); the rules are in ``domain/concerns.py`` and ``domain/reflections.py``,
the queries in ``repository/``."""
