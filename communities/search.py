"""What the communities make searchable over everything (``search.registry``), and who reads it.

- The types: ``community`` (its card: name, description, objective, themes, charter) and
  ``announcement`` (the blog's posts, annonces and articles alike; drafts never).
- The keys (``search.documents``): a community's content is read by its active members
  (``c<id>``), by every State agent when the community is open (``internal``), and by the
  platform administrators (``admin``: they read and moderate every community, but not the
  private conversations of the chat, so they get that key rather than ``EVERYTHING``). The card
  of a community that is not secret is seen by every State agent.
- The viewer's keys: ``internal`` unless an external partner, ``c<id>`` for each community they
  are an active member of, ``admin`` for the platform administrators; the communities they are
  banned from are denied whatever the keys say.
- An agent's profile gets ``c<id>`` for each of their active memberships
  (``directory.search.register_agent_keys``): an external partner finds the members of their
  communities only. A membership saved or deleted indexes its agent again.
- A community whose visibility or tools change indexes all its documents again
  (``search.indexing.queue_community``).

The tools import ``content_access`` and ``content_fields`` for their own types.
"""

from django.db.models import Prefetch
from django.db.models.signals import post_save, pre_save

from communities.models import Announcement, Community, Membership
from communities.permissions import communities_visible_to, is_platform_admin
from directory.search import AUTHOR_RELATED, author_fields, register_agent_keys
from maillage.markup import plain_text
from search import registry
from search.documents import Document, text_of

V = Community.Visibility
S = Membership.State
ADMIN_KEY = "admin"
# What changes who may read a community's documents.
ACCESS_FIELDS = ("visibility", *(f"tool_{tool}" for tool in Community.TOOLS))


def content_access(community, *, open_to_all=True):
    """The keys of a piece of ``community``'s content: its members, the administrators, and
    every State agent when the community is open (``open_to_all=False``: members only, as the
    chat's rooms)."""
    keys = {f"c{community.pk}", ADMIN_KEY}
    if open_to_all and community.visibility == V.OPEN:
        keys.add("internal")
    return frozenset(keys)


def content_fields(community, author):
    """The fields every content document shares: its community, its keys, its author."""
    return {
        "community_id": community.pk,
        "access": content_access(community),
        **author_fields(author),
    }


# --- the community's card --------------------------------------------------------------------


def communities():
    return Community.objects.select_related("current_charter").prefetch_related("themes")


def community_document(community):
    access = {f"c{community.pk}", ADMIN_KEY}
    if not community.is_secret:
        access.add("internal")
    charter = community.current_charter
    body = text_of(
        community.description,
        community.objective,
        ", ".join(theme.name for theme in community.themes.all()),
        plain_text(charter.text, 1000) if charter is not None else "",
    )
    return Document(
        type="community",
        id=community.pk,
        title=community.name,
        body=body,
        url=community.get_absolute_url(),
        access=frozenset(access),
        date=community.created_at,
        community_id=community.pk,
        **author_fields(None),
    )


# --- the blog ---------------------------------------------------------------------------------


def announcements():
    return Announcement.objects.filter(
        is_hidden=False, published_at__isnull=False, community__tool_announcements=True
    ).select_related("community", f"author__{AUTHOR_RELATED}")


def announcement_document(post):
    return Document(
        type="announcement",
        id=post.pk,
        title=post.title,
        body=plain_text(post.body),
        url=post.get_absolute_url(),
        date=post.published_at,
        **content_fields(post.community, post.author),
    )


# --- the viewer's keys ------------------------------------------------------------------------


def viewer_keys(agent):
    keys = {f"c{pk}" for pk in active_community_ids(agent)}
    if is_platform_admin(agent):
        keys.add(ADMIN_KEY)
    if not agent.is_external:
        keys.add("internal")
    return keys


def active_community_ids(agent):
    return Membership.objects.filter(agent=agent, state=S.ACTIVE).values_list(
        "community_id", flat=True
    )


def banned_community_ids(agent):
    return Membership.objects.filter(agent=agent, state=S.BANNED).values_list(
        "community_id", flat=True
    )


def community_labels(ids):
    names = Community.objects.filter(pk__in=[int(pk) for pk in ids if str(pk).isdigit()])
    return {str(pk): name for pk, name in names.values_list("pk", "name")}


# --- an agent's profile -----------------------------------------------------------------------

MEMBERSHIPS = "search_active_memberships"


def agent_keys(agent):
    memberships = getattr(agent, MEMBERSHIPS, None)
    if memberships is None:
        ids = active_community_ids(agent)
    else:
        ids = [membership.community_id for membership in memberships]
    return {f"c{pk}" for pk in ids}


# --- a community whose readers change ---------------------------------------------------------


def remember_access(sender, instance, raw=False, **kwargs):
    """pre_save of Community: what decides its readers, before the save."""
    if raw or instance.pk is None:
        return
    instance._search_access_before = (
        Community.objects.filter(pk=instance.pk).values_list(*ACCESS_FIELDS).first()
    )


def access_changed(sender, instance, created=False, raw=False, **kwargs):
    """post_save of Community: its visibility or a tool changed → its documents again."""
    if raw or created:
        return
    before = instance.__dict__.pop("_search_access_before", None)
    after = tuple(getattr(instance, field) for field in ACCESS_FIELDS)
    if before is not None and tuple(before) != after:
        from maillage import effects
        from search.indexing import queue_community

        community_id = instance.pk
        effects.on_commit(
            lambda: queue_community(community_id), name="search: a community's readers"
        )


def register():
    """Called by ``CommunitiesConfig.ready()``."""
    registry.register_type(
        "community",
        label="Communauté",
        plural="Communautés",
        model=Community,
        queryset=communities,
        document=community_document,
        order=20,
        community="pk",
        named=True,
        # The card of a community that is not secret is seen by every State agent, its content
        # by its readers only (the policy's ``readable_by``).
        readable=communities_visible_to,
    )
    registry.register_type(
        "announcement",
        label="Billet du blog",
        plural="Billets du blog",
        model=Announcement,
        queryset=announcements,
        document=announcement_document,
        order=30,
        community="community_id",
    )
    registry.register_access(viewer_keys, denied=banned_community_ids)
    registry.register_labels("community", community_labels)
    register_agent_keys(
        agent_keys,
        prefetch=[
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(state=S.ACTIVE).only("agent_id", "community_id"),
                to_attr=MEMBERSHIPS,
            )
        ],
        watch={Membership: lambda membership: [membership.agent_id]},
    )
    pre_save.connect(remember_access, sender=Community, dispatch_uid="search_access")
    post_save.connect(access_changed, sender=Community, dispatch_uid="search_access")
