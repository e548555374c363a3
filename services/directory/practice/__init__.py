"""Peer-support practice: supporters' training, certification and supervision, and each centre's
kind, code of conduct and supervision interval.

Kept apart from the directory's listing code (``domain``, ``repository``): ``models`` holds the
tables (imported by ``services.directory.models`` so tortoise finds them), ``records`` the plain
values, ``repository`` every query, ``rules`` who may facilitate and who needs attention, and
``editing`` the mutations' checks.
"""
