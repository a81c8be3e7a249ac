"""The forums' demo data (registered with ``maillage.demo`` after the communities')."""


def load_demo_forums():
    return None
