"""Everything the idea box registers with the platform's floor, called once from ``IdeasConfig``."""


def register():
    pass
