"""Keep the open connections right when memberships, communities and moderation change."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from chat import events
from chat.models import Mute
from chat.permissions import mute_key
from communities.models import Community, Membership
from directory.signals import agent_closed
from maillage import policy


@receiver(post_save, sender=Community, dispatch_uid="chat_main_room")
def create_main_room(sender, instance, created, raw=False, **kwargs):
    """Every community has its main room from its creation."""
    if created and not raw:
        from chat.services import room_for_community

        room_for_community(instance)


@receiver(post_save, sender=Community, dispatch_uid="chat_tool_toggled")
def community_changed(sender, instance, created, raw=False, update_fields=None, **kwargs):
    """The chat tool switched off (or the community archived): members' connections re-check
    their rooms. Saves of other fields (the member count) change nothing here."""
    if created or raw:
        return
    if update_fields is not None and not {"tool_chat", "archived_at"} & set(update_fields):
        return
    events.rooms_changed_for_community(instance)


@receiver(post_save, sender=Membership, dispatch_uid="chat_membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="chat_membership_deleted")
def membership_changed(sender, instance, raw=False, **kwargs):
    """Joined, removed, banned, left: the agent's connections subscribe to the community's rooms
    or stop receiving them at once."""
    if not raw:
        events.rooms_changed_for_agents([instance.agent_id])


@receiver(post_save, sender=Mute, dispatch_uid="chat_mute_saved")
@receiver(post_delete, sender=Mute, dispatch_uid="chat_mute_deleted")
def mute_changed(sender, instance, raw=False, **kwargs):
    """A mute saved or lifted: the policy's scope reads it again."""
    policy.forget(mute_key(instance.agent_id, instance.community_id))


@receiver(agent_closed, dispatch_uid="chat_account_closed")
def account_closed(sender, agent, **kwargs):
    """A closed account's open connections (its conversations too) are ended at once."""
    events.rooms_changed_for_agents([agent.pk])
