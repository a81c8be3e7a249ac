"""(To be written.)"""


def region_section(viewer, region):
    return None
