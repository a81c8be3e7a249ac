"""Everything the forums register with the platform's floor, called once from ``ForumsConfig``."""


def register():
    pass
