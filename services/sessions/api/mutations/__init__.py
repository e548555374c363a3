"""One module a mutation; ``schema`` gathers their fields into ``Mutation``."""
