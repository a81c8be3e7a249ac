"""The forums' part of the permission policy: who reads a community's forum, starts a topic,
replies, edits, deletes, votes, marks a solution and animates.

The community's own abilities (``communities.permissions``) decide; this module composes them, as
every community tool does:

- read: the community's content is readable and its forum tool is on (hidden topics and posts
  only for those who moderate);
- start a topic: contribute (active member, current charter accepted, community not archived) in a
  category open to the members, or moderate;
- reply: contribute, the topic not locked (the animators still reply in a locked topic);
- edit a post: its author while they contribute, the post neither deleted nor hidden;
- delete a post: its author (still a member) or the animators, the community not archived;
- mark a solution: the question's author (while they contribute) or the animators, only on a
  question, only a reply of that topic;
- vote « utile »: contribute, never on one's own post;
- animate (pin, lock, move, merge, manage the categories): moderate.
"""

from dataclasses import dataclass

from communities.permissions import (
    UNSET,
    CommunityAbilities,
    abilities,
    content_visible_to,
)
from forums.models import Category, Post, Topic


@dataclass
class ForumAbilities:
    """What one agent may do in one community's forum (``ab``: the community's abilities)."""

    agent: object
    community: object
    ab: CommunityAbilities

    @property
    def signed_in(self):
        return self.ab.signed_in

    @property
    def tool_on(self):
        return self.ab.tool("forum")

    @property
    def can_read(self):
        return self.tool_on and self.ab.can_read

    @property
    def can_contribute(self):
        return self.can_read and self.ab.can_contribute

    @property
    def must_accept_charter(self):
        return self.can_read and self.ab.must_accept_charter

    @property
    def can_moderate(self):
        """Animate the forum: pin, lock, move, merge, hide, manage the categories."""
        return self.can_read and self.ab.can_moderate

    @property
    def can_manage_categories(self):
        return self.can_moderate

    @property
    def can_report(self):
        return self.can_read and self.ab.can_report

    @property
    def can_mark_read(self):
        return self.can_read and self.signed_in

    # --- on objects --------------------------------------------------------------------------
    def can_read_topic(self, topic):
        return self.can_read and (not topic.is_hidden or self.can_moderate)

    def can_read_post(self, post, topic=None):
        topic = topic or post.topic
        return self.can_read_topic(topic) and (not post.is_hidden or self.can_moderate)

    def can_start(self, category):
        if not self.can_contribute:
            return False
        return category.who_may_start == Category.Starters.MEMBERS or self.can_moderate

    def can_reply(self, topic):
        if not self.can_contribute or not self.can_read_topic(topic):
            return False
        if topic.merged_into_id is not None:
            return False
        return not topic.is_locked or self.can_moderate

    def _is_author(self, obj):
        return self.signed_in and obj.author_id == self.agent.pk

    def can_edit(self, post, topic=None):
        return (
            self._is_author(post)
            and self.can_contribute
            and not post.is_deleted
            and not post.is_hidden
            and self.can_read_post(post, topic)
        )

    def can_delete(self, post, topic=None):
        if post.is_deleted or not self.can_read_post(post, topic) or self.ab.archived:
            return False
        if self.can_moderate:
            return True
        return self._is_author(post) and self.ab.is_member

    def can_see_history(self, post):
        """The previous texts of a post: its author and the animators."""
        return self.can_read and (self.can_moderate or self._is_author(post))

    def can_vote(self, post):
        return (
            self.can_contribute
            and not self._is_author(post)
            and not post.is_deleted
            and not post.is_hidden
        )

    def can_react(self, post):
        return self.can_contribute and not post.is_deleted and not post.is_hidden

    def can_mark_solution(self, topic):
        """Mark (or unmark) a reply of this topic as its solution."""
        if not topic.is_question or not self.can_read_topic(topic) or self.ab.archived:
            return False
        if self.can_moderate:
            return True
        return self._is_author(topic) and self.can_contribute

    def can_be_solution(self, topic, post):
        return (
            post.topic_id == topic.pk
            and post.number > 1
            and not post.is_deleted
            and not post.is_hidden
        )

    def can_animate(self, topic=None):
        return self.can_moderate


def forum_abilities(agent, community, membership=UNSET):
    """The abilities of ``agent`` in the forum of ``community`` (the membership read once per
    request or event through the policy's scope)."""
    return ForumAbilities(
        agent=agent, community=community, ab=abilities(agent, community, membership)
    )


@dataclass
class ForumObjectAbilities:
    """The policy's answer for one category, topic or post (``can_read`` at least), for what
    reads across the apps (downloads of attachments, notifications, search, the leak tests)."""

    forum: ForumAbilities
    obj: object

    @property
    def can_read(self):
        if isinstance(self.obj, Topic):
            return self.forum.can_read_topic(self.obj)
        if isinstance(self.obj, Post):
            return self.forum.can_read_post(self.obj)
        return self.forum.can_read

    @property
    def can_moderate(self):
        return self.forum.can_moderate

    @property
    def can_report(self):
        return self.can_read and self.forum.can_report

    def __getattr__(self, name):
        return getattr(self.forum, name)


def object_abilities(agent, obj):
    return ForumObjectAbilities(forum=forum_abilities(agent, obj.community), obj=obj)


def categories_readable_by(agent):
    """The categories of the forums the agent reads (tool on, community readable)."""
    from communities.permissions import communities_readable_by

    return Category.objects.filter(
        community__in=communities_readable_by(agent), community__tool_forum=True
    )


def topics_readable_by(agent):
    """The topics the agent reads (not hidden; the forum tool on)."""
    return content_visible_to(agent, Topic.objects.all())


def posts_readable_by(agent):
    """The posts the agent reads (neither they nor their topic hidden; the forum tool on)."""
    return content_visible_to(agent, Post.objects.all())
