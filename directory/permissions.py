"""Who may do what on agents' profiles. Which agents a viewer may see at all is the communities'
policy (``communities.permissions.agents_visible_to``): an external user only sees the members of
their communities."""


def can_view_profile(viewer, agent):
    if not viewer.is_authenticated or not viewer.is_active:
        return False
    if agent.is_closed and not viewer.is_platform_admin:
        return False
    if viewer.pk == agent.pk:
        return True
    # Imported here: communities depends on directory, not the other way round at import time.
    from communities.permissions import agents_visible_to

    return agents_visible_to(viewer, type(agent).objects.filter(pk=agent.pk)).exists()


def can_edit_profile(viewer, agent):
    if not viewer.is_authenticated or not viewer.is_active or agent.is_closed:
        return False
    return viewer.pk == agent.pk or viewer.is_platform_admin
