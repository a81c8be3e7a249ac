"""Keep endorsements consistent with skills, whatever path removes a skill from a profile (the
profile form, the back-office, a script, closing the account).

This is not a side effect for the outside world: the rows go in the same transaction as the skill,
so nothing needs ``on_commit``.
"""

from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from taggit.models import TaggedItem


@receiver(m2m_changed, sender=TaggedItem, dispatch_uid="directory_prune_endorsements")
def prune_endorsements(sender, instance, action, pk_set, **kwargs):
    from directory.models import Agent, Endorsement

    # Skills use taggit's default (generic) through model, shared with any other tagged model.
    if not isinstance(instance, Agent):
        return
    if action == "post_remove" and pk_set:
        Endorsement.objects.filter(agent=instance, tag_id__in=pk_set).delete()
    elif action == "post_clear":
        Endorsement.objects.filter(agent=instance).delete()
