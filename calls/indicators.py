"""(To be written.)"""


def reminders_tick(now):
    return 0
