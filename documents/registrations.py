"""Everything the documents app registers with the platform's floor, called once from ``DocumentsConfig``."""


def register():
    pass
