"""The sessions service's rules: timetables, seats and waitlists, availability.

Split by concept: ``records`` (the values every layer passes), ``timetable`` (RRULE
materialisation), ``bookings`` (booking, cancelling, promotion), ``availability`` (which groups
have open sessions). Only ``repository`` below this touches the database.
"""
