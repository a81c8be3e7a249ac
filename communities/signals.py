"""Signal receivers of the communities (imported by CommunitiesConfig.ready)."""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from communities import services
from communities.models import Membership
from communities.permissions import membership_key
from directory.signals import agent_closed
from maillage import policy


@receiver(user_logged_in, dispatch_uid="communities_claim_invitations")
def claim_invitations_on_sign_in(sender, request, user, **kwargs):
    """E-mail invitations wait for the invited address's first sign-in (or sign-up
    confirmation, which signs the agent in): they become invitations to answer."""
    services.claim_invitations(agent=user)


@receiver(agent_closed, dispatch_uid="communities_close_memberships")
def end_memberships_of_closed_account(sender, agent, **kwargs):
    """A closed account belongs to no community any more (its contributions stay)."""
    services.memberships_end_for_closed_account(agent=agent)


@receiver(post_save, sender=Membership, dispatch_uid="communities_membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="communities_membership_deleted")
def forget_membership(sender, instance, **kwargs):
    """The policy's scope forgets a membership that changed: the next question in the same
    request or event reads it again (``maillage.policy``)."""
    policy.forget(membership_key(instance.agent_id, instance.community_id))
