"""(To be written.)"""


def purge_tick(now):
    return 0
