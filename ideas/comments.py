"""The comments of an idea: write, edit (the earlier text kept in ``IdeaCommentRevision``),
delete (shown as « Commentaire supprimé »), react (the content contract's reactions, one per
agent and emoji, withdrawable), mention members (« @Prénom Nom »), and read a page of them.

The shapes of the blog's comments (``communities.services.comment_*``) and the forums' posts
(``forums.services``): each service checks ``ideas.permissions``, raises ``CommentError`` (a
``Refused``) with a French message, writes in one transaction and sends ``ideas.signals`` inside
it (``idea_commented``; ``comment_mentioned`` for the agents newly named), whose receivers
(``ideas.following``) follow and notify. Writing is rate-limited per agent
(``maillage.ratelimit``). In the platform box a State agent who is not a member yet joins with
their first comment, as with their first idea or support.

``Idea.comment_count`` counts the comments shown to everyone (neither hidden nor deleted): kept
here with ``F()`` updates, and by ``ideas.moderation`` when the moderation hides or restores one.
"""

import re
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, F, Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.content import audit
from communities.content import services as content_services
from communities.models import Membership
from ideas import signals
from ideas.models import Idea, IdeaComment, IdeaCommentReaction, IdeaCommentRevision
from ideas.permissions import contribution_refusal, idea_abilities
from maillage import ratelimit
from maillage.http import Refused
from search.text import normalize

BODY_MAX = IdeaComment._meta.get_field("body").max_length
COMMENTS_PER_PAGE = 20
# A page number past this is the last page (an address can not make the database skip rows
# without end).
MAX_COMMENT_PAGE = 1000
# Per agent: comments (and edits), and reactions, in a window of seconds.
COMMENT_LIMIT, COMMENT_WINDOW = 10, 300
REACTION_LIMIT, REACTION_WINDOW = 60, 60

# The reactions offered under a comment (the content contract accepts any emoji).
REACTIONS = [
    ("👍", "D'accord"),
    ("❤️", "J'aime"),
    ("🎉", "Bravo"),
    ("💡", "Bonne idée"),
    ("🤔", "À creuser"),
]

# agents, comment: the agents newly mentioned in ``comment`` (sent inside the transaction).
comment_mentioned = Signal()


class CommentError(Refused):
    """A refused write on an idea's comments, with its French message."""


def _check(allowed, message, code="forbidden"):
    if not allowed:
        raise CommentError(message, code)


def _check_contribute(ia):
    """The common refusals (``ideas.permissions.contribution_refusal``), then the members'."""
    refusal = contribution_refusal(ia)
    if refusal is not None:
        raise CommentError(*refusal)
    _check(ia.can_contribute, _("Seuls les membres de la communauté commentent les idées."))


def _clean_body(body):
    body = (body or "").replace("\r\n", "\n").strip()
    _check(bool(body), _("Le commentaire est vide."), "invalid")
    _check(
        len(body) <= BODY_MAX,
        _("Le commentaire tient en %(max)s caractères au plus (vous en avez saisi %(n)s).")
        % {"max": BODY_MAX, "n": len(body)},
        "invalid",
    )
    return body


def _rate(agent, action, limit, window):
    ratelimit.check(
        f"ideas:{action}:{agent.pk}",
        limit=limit,
        window=window,
        message=_(
            "Vous avez beaucoup écrit en peu de temps : patientez quelques minutes avant de "
            "recommencer (votre texte est conservé ci-dessous)."
        )
        if action == "comment"
        else _("Trop de réactions d'affilée : patientez une minute."),
    )


def _join_platform_box(ia, agent):
    """The platform box: a State agent who is not a member yet joins the community with their
    first contribution (``IdeaAbilities.will_join``)."""
    if not ia.will_join:
        return
    from communities.services import CommunityError, community_join

    try:
        community_join(community=ia.community, agent=agent)
    except CommunityError as error:
        raise CommentError(str(error), "forbidden") from None


# --- mentions ---------------------------------------------------------------------------------

_MENTION = re.compile(r"@\w")


def mentioned_in(community, body, exclude=None):
    """The active members of the community whose « @Prénom Nom » appears in ``body``."""
    if not _MENTION.search(body or ""):
        return []
    text = normalize(body)
    members = (
        Membership.objects.filter(community=community, state=Membership.State.ACTIVE)
        .select_related("agent")
        .only("agent__id", "agent__first_name", "agent__last_name")
    )
    found = []
    for membership in members.iterator(chunk_size=2000):
        agent = membership.agent
        if exclude is not None and agent.pk == exclude.pk:
            continue
        name = normalize(f"{agent.first_name} {agent.last_name}")
        if name.strip() and f"@{name}" in text:
            found.append(agent)
    return found


def _set_mentions(comment, agent, before=()):
    mentioned = mentioned_in(comment.community, comment.body, exclude=agent)
    comment.mentions.set(mentioned)
    before = set(before)
    new = [person for person in mentioned if person.pk not in before]
    if new:
        comment_mentioned.send(sender=IdeaComment, agents=new, comment=comment)
    return mentioned


# --- writes -------------------------------------------------------------------------------------


def comment_create(*, idea, agent, body):
    """Comment an idea (neither hidden nor merged); its followers hear of it, the agents named
    in it of the mention, and its author follows the idea from now on."""
    ia = idea_abilities(agent, idea.community)
    _check_contribute(ia)
    _check(ia.can_read_idea(idea), _("Cette idée n'est pas accessible."), "not_found")
    _check(not idea.is_merged, _("Cette idée a été fusionnée avec une autre."), "invalid")
    _check(ia.can_comment(idea), _("Cette idée ne reçoit pas de commentaire."), "invalid")
    body = _clean_body(body)
    _rate(agent, "comment", COMMENT_LIMIT, COMMENT_WINDOW)
    now = timezone.now()
    with transaction.atomic():
        _join_platform_box(ia, agent)
        comment = IdeaComment.objects.create(
            idea=idea, community=idea.community, author=agent, body=body, created_at=now
        )
        Idea.objects.filter(pk=idea.pk).update(
            comment_count=F("comment_count") + 1, last_activity_at=now
        )
        idea.comment_count += 1
        idea.last_activity_at = now
        comment.idea = idea
        signals.idea_commented.send(sender=Idea, idea=idea, comment=comment)
        _set_mentions(comment, agent)
    return comment


def comment_edit(*, comment, agent, body):
    """The author changes their comment (« modifié » with its date); the previous text is kept
    for the animators and the author."""
    ia = idea_abilities(agent, comment.community)
    _check(ia.can_read_comment(comment), _("Ce commentaire n'est pas accessible."), "not_found")
    _check(not comment.is_deleted, _("Ce commentaire a été supprimé."), "invalid")
    _check(not comment.is_hidden, _("Ce commentaire a été masqué par l'animation."), "invalid")
    _check_contribute(ia)
    _check(
        ia.can_edit_comment(comment),
        _("Vous ne modifiez que vos propres commentaires."),
        "forbidden",
    )
    body = _clean_body(body)
    if body == comment.body:
        return comment
    _rate(agent, "comment", COMMENT_LIMIT, COMMENT_WINDOW)
    with transaction.atomic():
        before = list(comment.mentions.values_list("pk", flat=True))
        IdeaCommentRevision.objects.create(comment=comment, body=comment.body, replaced_by=agent)
        comment.body = body
        comment.edited_at = timezone.now()
        # Only the fields of the edit: a stale copy never undoes a moderation (is_hidden).
        comment.save(update_fields=["body", "edited_at"])
        _set_mentions(comment, agent, before)
    return comment


def comment_delete(*, comment, agent):
    """Its author or the animators delete a comment: it shows as « Commentaire supprimé », its
    text kept in the history the animators read; an animator's deletion is audited."""
    ia = idea_abilities(agent, comment.community)
    _check(ia.can_read_comment(comment), _("Ce commentaire n'est pas accessible."), "not_found")
    _check(not comment.is_deleted, _("Ce commentaire est déjà supprimé."), "invalid")
    _check(
        not ia.ab.archived, _("Cette communauté est archivée : plus rien n'y change."), "archived"
    )
    _check(
        ia.can_delete_comment(comment),
        _("Seuls son auteur et l'animation suppriment ce commentaire."),
    )
    with transaction.atomic():
        if comment.body:
            IdeaCommentRevision.objects.create(
                comment=comment, body=comment.body, replaced_by=agent
            )
        comment.body = ""
        comment.deleted_at = timezone.now()
        comment.deleted_by = agent
        comment.save(update_fields=["body", "deleted_at", "deleted_by"])
        comment.mentions.clear()
        if not comment.is_hidden:  # a hidden one was already out of the count
            Idea.objects.filter(pk=comment.idea_id, comment_count__gt=0).update(
                comment_count=F("comment_count") - 1
            )
        if agent.pk != comment.author_id:
            audit.record(
                community=comment.community,
                actor=agent,
                action="idea_comment_deleted",
                target=comment,
                target_agent=comment.author,
            )
        from notifications.services import withdraw_on_commit

        withdraw_on_commit(community=comment.community, targets=[comment])
    return comment


def comment_react(*, comment, agent, emoji):
    """Add or take back the agent's emoji on a comment. True when added."""
    ia = idea_abilities(agent, comment.community)
    _check(ia.can_read_comment(comment), _("Ce commentaire n'est pas accessible."), "not_found")
    _check_contribute(ia)
    _check(ia.can_react(comment), _("Ce commentaire ne reçoit pas de réaction."), "invalid")
    _rate(agent, "react", REACTION_LIMIT, REACTION_WINDOW)
    with transaction.atomic():
        _join_platform_box(ia, agent)
        try:
            return content_services.reaction_toggle(
                IdeaCommentReaction, agent=agent, emoji=emoji, comment=comment
            )
        except content_services.ContentError as error:
            raise CommentError(str(error), "invalid") from None


# --- reads --------------------------------------------------------------------------------------


def _comments_of(idea, ia):
    """The comments of an idea the agent reads (hidden ones for those who moderate)."""
    comments = IdeaComment.objects.filter(idea=idea)
    if not ia.can_moderate:
        comments = comments.filter(is_hidden=False)
    return comments


def page_number(value):
    """The page of comments an address asks for: a garbage or missing value is page 1, a
    number past the last allowed one is that one."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_COMMENT_PAGE)


class CommentPage:
    """One page of an idea's comments, oldest first, each decorated with its reactions and what
    the viewer may do with it."""

    def __init__(self, *, comments, number, count):
        self.comments = comments
        self.number = number
        self.count = count
        self.num_pages = max(1, -(-count // COMMENTS_PER_PAGE))

    @property
    def has_other_pages(self):
        return self.num_pages > 1

    @property
    def page_range(self):
        return range(1, self.num_pages + 1)


def comment_page(agent, idea, ia, number=1):
    """Page ``number`` of the idea's comments (20 rows on the (idea, created_at, id) index, one
    count, the reactions and the viewer's own in two grouped queries, the earlier texts for
    those who moderate): the same number of queries whatever the idea's size."""
    comments = _comments_of(idea, ia)
    count = comments.count()
    last = max(1, -(-count // COMMENTS_PER_PAGE))
    number = min(max(number, 1), last)
    start = (number - 1) * COMMENTS_PER_PAGE
    rows = comments.select_related("author").order_by("created_at", "pk")[
        start : start + COMMENTS_PER_PAGE
    ]
    if ia.can_moderate:
        rows = rows.prefetch_related("revisions")
    rows = list(rows)
    decorate(agent, idea, ia, rows)
    return CommentPage(comments=rows, number=number, count=count)


def decorate(agent, idea, ia, comments):
    """Hang on each comment its reactions (``reaction_list``: emoji, count, mine) and the
    viewer's abilities on it (``can_edit``, ``can_delete``, ``can_react``)."""
    ids = [comment.pk for comment in comments]
    grouped = defaultdict(list)
    if ids:
        mine = set()
        if agent.is_authenticated:
            mine = set(
                IdeaCommentReaction.objects.filter(comment_id__in=ids, agent=agent).values_list(
                    "comment_id", "emoji"
                )
            )
        rows = (
            IdeaCommentReaction.objects.filter(comment_id__in=ids)
            .values("comment_id", "emoji")
            .annotate(n=Count("pk"))
            .order_by("comment_id", "emoji")
        )
        for row in rows:
            grouped[row["comment_id"]].append(
                {
                    "emoji": row["emoji"],
                    "n": row["n"],
                    "mine": (row["comment_id"], row["emoji"]) in mine,
                }
            )
    for comment in comments:
        comment.idea = idea
        comment.community = idea.community
        comment.reaction_list = grouped.get(comment.pk, [])
        comment.can_edit = ia.can_edit_comment(comment, idea)
        comment.can_delete = ia.can_delete_comment(comment, idea)
        comment.can_react = ia.can_react(comment) and not idea.is_hidden and not idea.is_merged


def page_of(comment, ia):
    """The page of its idea's comments where ``comment`` is, for the viewer."""
    before = (
        _comments_of(comment.idea, ia)
        .filter(
            Q(created_at__lt=comment.created_at)
            | Q(created_at=comment.created_at, pk__lt=comment.pk)
        )
        .count()
    )
    return min(before // COMMENTS_PER_PAGE + 1, MAX_COMMENT_PAGE)


def comment_url(comment, ia):
    """The address of a comment on its idea's page: its page of comments and its anchor."""
    page = page_of(comment, ia)
    query = f"?commentaires={page}" if page > 1 else ""
    return f"{comment.idea.get_absolute_url()}{query}#commentaire-{comment.pk}"
