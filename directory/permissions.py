"""Who may do what on agents' profiles. Communities will extend the policy with their own rules."""


def can_view_profile(viewer, agent):
    if not viewer.is_authenticated or not viewer.is_active:
        return False
    return not agent.is_closed or viewer.is_platform_admin


def can_edit_profile(viewer, agent):
    if not viewer.is_authenticated or not viewer.is_active or agent.is_closed:
        return False
    return viewer.pk == agent.pk or viewer.is_platform_admin
