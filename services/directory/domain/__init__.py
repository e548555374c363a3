"""The directory's rules, split by concept, with the records every layer passes (``records``).

Only ``repository`` below this touches the database; ``api`` above it speaks GraphQL.
"""
