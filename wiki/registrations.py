"""Everything the wiki app registers with the platform's floor, called once from ``WikiConfig``."""


def register():
    pass
