"""Everything the calls for projects register with the platform's floor, called once from
``CallsConfig``."""


def register():
    pass
