"""Signal receivers of the communities (imported by CommunitiesConfig.ready)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from communities import services
from directory.signals import agent_closed


@receiver(user_logged_in, dispatch_uid="communities_claim_invitations")
def claim_invitations_on_sign_in(sender, request, user, **kwargs):
    """E-mail invitations wait for the invited address's first sign-in (or sign-up
    confirmation, which signs the agent in): they become invitations to answer."""
    services.claim_invitations(agent=user)


@receiver(agent_closed, dispatch_uid="communities_close_memberships")
def end_memberships_of_closed_account(sender, agent, **kwargs):
    """A closed account belongs to no community any more (its contributions stay)."""
    services.memberships_end_for_closed_account(agent=agent)
