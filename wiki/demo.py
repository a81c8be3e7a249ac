"""The wiki's demo data (registered with ``maillage.demo`` at 50, after the forums')."""


def load_demo_wiki():
    return 0
