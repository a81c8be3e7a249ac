"""The community's blog: its posts are annonces (the animators', notified to the members,
pinnable) and articles (any member who may contribute). A post is written as a draft, seen by its
author only, then published; the members rate (1 to 5) and comment the published ones; the
animators unpublish, delete and feature (« mise en avant ») any of them.

Services (writes, checked with ``communities.permissions.post_abilities``) and selectors (reads,
at a fixed number of queries) of the blog.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.content import activity, audit
from communities.content import services as content_services
from communities.errors import CommunityError
from communities.models import Activity, Announcement, AnnouncementComment, AnnouncementRating
from communities.permissions import abilities, content_visible_to, post_abilities
from notifications.services import notify, withdraw_on_commit

K = Announcement.Kind
FEATURED_ON_HOME = 3
SORTS = ("date", "note")


def _check(allowed, message):
    if not allowed:
        raise CommunityError(message)


def _check_text(kind, title, body):
    if kind == K.ARTICLE:
        _check(bool((title or "").strip()), _("Donnez un titre à l'article."))
        _check(bool((body or "").strip()), _("L'article est vide."))
    else:
        _check(bool((title or "").strip()), _("Donnez un titre à l'annonce."))
        _check(bool((body or "").strip()), _("L'annonce est vide."))


def _check_archived(community):
    _check(not community.is_archived, _("Cette communauté est archivée : plus rien n'y change."))


# --- writing ------------------------------------------------------------------------------------


def post_create(
    *, community, actor, title, body, kind=K.ANNOUNCEMENT, pinned=False, publish=True,
    attachment=None,
):  # fmt: skip
    """Write a post: an annonce (the animators) or an article (any member who may contribute),
    published at once or kept as a draft (``publish=False``) its author alone sees."""
    _check_archived(community)
    ab = abilities(actor, community)
    if kind == K.ARTICLE:
        if ab.must_accept_charter:
            raise CommunityError(_("Acceptez la charte de la communauté avant de contribuer."))
        _check(ab.can_write_article, _("Seuls les membres de la communauté écrivent des articles."))
        pinned = False  # pinning is the animators' for their annonces
    elif kind == K.ANNOUNCEMENT:
        _check(ab.can_post_announcement, _("Seule l'animation publie des annonces."))
    else:
        raise CommunityError(_("Choisissez une annonce ou un article."))
    _check_text(kind, title, body)
    with transaction.atomic():
        post = Announcement.objects.create(
            community=community,
            author=actor,
            kind=kind,
            title=title.strip(),
            body=body,
            pinned=bool(pinned),
            published_at=None,
        )
        if attachment is not None:
            content_services.attach(target=post, upload=attachment, uploaded_by=actor)
        # Its author hears of the comments (``communities.content`` followers).
        content_services.follow(agent=actor, target=post)
        if publish:
            _publish(post, actor)
    return post


def _publish(post, actor):
    """Publish in the caller's transaction: the date, the activity line, the annonce's
    notification to the members."""
    community = post.community
    post.published_at = timezone.now()
    post.save(update_fields=["published_at"])
    if post.is_article:
        summary = _("Article : %(title)s") % {"title": post.title}
    else:
        summary = _("Annonce : %(title)s") % {"title": post.title}
    activity.record(
        community=community,
        actor=actor,
        verb="article" if post.is_article else "announcement",
        target=post,
        summary=summary,
    )
    # The comments' lines come back with the post (unless the moderation hid the comment).
    _comment_lines(post).filter(
        object_id__in=post.comments.filter(is_hidden=False).values("pk")
    ).update(is_hidden=False)
    if not post.is_article:
        from communities.services import _member_ids

        notify(
            "announcement",
            _member_ids(community),
            target=post,
            community=community,
            actor=actor,
            summary=_("Nouvelle annonce dans « %(community)s » : %(title)s")
            % {"community": community.name, "title": post.title},
            url=post.get_absolute_url(),
        )


def _post_lines(post):
    return Activity.objects.filter(
        content_type=ContentType.objects.get_for_model(Announcement), object_id=post.pk
    )


def _comment_lines(post):
    return Activity.objects.filter(
        content_type=ContentType.objects.get_for_model(AnnouncementComment),
        object_id__in=post.comments.values("pk"),
    )


def post_publish(*, post, actor):
    """Its author publishes a draft: it is listed, notified (an annonce), rated and commented."""
    _check_archived(post.community)
    ab = post_abilities(actor, post)
    _check(post.is_draft, _("Ce billet est déjà publié."))
    if ab.community_abilities.must_accept_charter:
        raise CommunityError(_("Acceptez la charte de la communauté avant de contribuer."))
    _check(ab.can_publish, _("Seul l'auteur ou l'autrice du brouillon le publie."))
    with transaction.atomic():
        _publish(post, actor)
    return post


def post_update(*, post, actor, title, body, pinned=None, attachment=None, remove_attachments=()):
    """Its author edits a post; a published one keeps its date and says « modifié »."""
    _check_archived(post.community)
    ab = post_abilities(actor, post)
    if ab.community_abilities.must_accept_charter and ab.is_author:
        raise CommunityError(_("Acceptez la charte de la communauté avant de contribuer."))
    if post.is_article:
        _check(ab.can_edit, _("Vous ne modifiez que vos propres articles."))
    else:
        _check(ab.can_edit, _("Seule l'animation modifie les annonces, chacune les siennes."))
    _check_text(post.kind, title, body)
    with transaction.atomic():
        post.title, post.body = title.strip(), body
        fields = ["title", "body", "updated_at"]
        if pinned is not None and not post.is_article:
            post.pinned = bool(pinned)
            fields.append("pinned")
        if not post.is_draft:
            post.edited_at = timezone.now()
            fields.append("edited_at")
        # Only the fields of the edit: a stale copy never undoes a moderation (is_hidden).
        post.save(update_fields=fields)
        removed = {int(pk) for pk in remove_attachments}
        for existing in content_services.attachments_of(post):
            if existing.pk in removed:
                content_services.attachment_delete(attachment=existing)
        if attachment is not None:
            content_services.attach(target=post, upload=attachment, uploaded_by=actor)
    return post


def post_unpublish(*, post, actor):
    """An animator takes a published post back to its author's drafts: it leaves the lists, the
    home, the activity and the notifications; its ratings and comments wait for it."""
    _check_archived(post.community)
    ab = post_abilities(actor, post)
    _check(not post.is_draft, _("Ce billet n'est pas publié."))
    _check(ab.can_unpublish, _("Seule l'animation dépublie un billet."))
    with transaction.atomic():
        post.published_at = None
        post.featured_at, post.featured_by = None, None
        post.save(update_fields=["published_at", "featured_at", "featured_by"])
        _post_lines(post).delete()
        _comment_lines(post).update(is_hidden=True)
        audit.record(
            community=post.community,
            actor=actor,
            action="post_unpublished",
            target=post,
            target_agent=post.author,
        )
        withdraw_on_commit(community=post.community, targets=[post])
    return post


def post_delete(*, post, actor):
    """Its author or an animator deletes a post, with its comments, ratings and files."""
    _check_archived(post.community)
    ab = post_abilities(actor, post)
    _check(ab.can_delete, _("Vous ne pouvez pas supprimer ce billet."))
    community = post.community
    with transaction.atomic():
        if actor.pk != post.author_id:
            audit.record(
                community=community,
                actor=actor,
                action="post_deleted",
                target=post,
                target_agent=post.author,
                reason=post.title,
            )
        _comment_lines(post).delete()
        _post_lines(post).delete()
        for attachment in content_services.attachments_of(post):
            content_services.attachment_delete(attachment=attachment)
        from communities.content.models import Subscription

        Subscription.objects.filter(
            content_type=ContentType.objects.get_for_model(Announcement), object_id=post.pk
        ).delete()
        # Stand-ins keep the ids the withdrawal needs once the rows are gone.
        gone = [Announcement(pk=post.pk)] + [
            AnnouncementComment(pk=pk) for pk in post.comments.values_list("pk", flat=True)
        ]
        withdraw_on_commit(community=community, targets=gone)
        post.delete()


def post_feature(*, post, actor, featured=True):
    """An animator puts a published post forward on the community's home (or takes it off)."""
    _check_archived(post.community)
    ab = post_abilities(actor, post)
    _check(ab.can_feature, _("Seule l'animation met en avant un billet publié."))
    if featured == post.is_featured:
        return post
    with transaction.atomic():
        post.featured_at = timezone.now() if featured else None
        post.featured_by = actor if featured else None
        post.save(update_fields=["featured_at", "featured_by"])
        audit.record(
            community=post.community,
            actor=actor,
            action="post_featured" if featured else "post_unfeatured",
            target=post,
            target_agent=post.author,
        )
    return post


def parse_stars(value):
    """A rating typed in a form: 1 to 5 stars, or a French refusal."""
    try:
        stars = int(str(value).strip())
    except (TypeError, ValueError):
        stars = None
    if stars is None or not 1 <= stars <= 5:
        raise CommunityError(_("Choisissez une note de 1 à 5 étoiles."))
    return stars


def post_rate(*, post, agent, stars, withdraw=False):
    """The agent's rating of someone else's published post, 1 to 5 stars (``withdraw``: take it
    back); the post's average and count are kept on it for the lists. Returns
    ``(average, count)``."""
    _check_archived(post.community)
    stars = 0 if withdraw else parse_stars(stars)
    ab = post_abilities(agent, post)
    _check(not ab.is_author, _("Vous ne notez pas vos propres billets."))
    if ab.community_abilities.must_accept_charter:
        raise CommunityError(_("Acceptez la charte de la communauté avant de contribuer."))
    _check(ab.can_rate, _("Seuls les membres notent les billets publiés de la communauté."))
    with transaction.atomic():
        # One writer at a time per post: the average is computed from what is committed.
        Announcement.objects.select_for_update().filter(pk=post.pk).first()
        average, count = content_services.rating_set(
            AnnouncementRating, agent=agent, stars=stars, announcement=post
        )
        if average is not None:
            average = Decimal(str(average)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        post.rating_average, post.rating_count = average, count
        post.save(update_fields=["rating_average", "rating_count"])
    return average, count


def rating_of(agent, post):
    """The agent's stars on the post, or 0."""
    if not agent.is_authenticated:
        return 0
    row = AnnouncementRating.objects.filter(announcement=post, agent=agent).first()
    return row.stars if row else 0


# --- reading ------------------------------------------------------------------------------------


def posts_for(agent, community, *, include_hidden=False, kind=None, sort="date"):
    """The published posts of the community the agent may read (hidden ones too for those who
    moderate), newest first (pinned annonces first) or best rated first; one query per page."""
    qs = Announcement.objects.filter(community=community, published_at__isnull=False)
    if not include_hidden:
        qs = content_visible_to(agent, qs)
    if kind in (K.ANNOUNCEMENT, K.ARTICLE):
        qs = qs.filter(kind=kind)
    qs = qs.select_related("author").annotate(
        comment_count=Count("comments", filter=Q(comments__is_hidden=False))
    )
    # Explicit order: Meta.ordering is dropped from the GROUP BY query the count makes.
    if sort == "note":
        return qs.order_by(
            F("rating_average").desc(nulls_last=True), "-rating_count", "-published_at", "-pk"
        )
    return qs.order_by("-pinned", "-published_at", "-pk")


def drafts_of(agent, community):
    """The agent's own drafts in the community (« Mes brouillons »)."""
    if not agent.is_authenticated:
        return Announcement.objects.none()
    return Announcement.objects.filter(
        community=community, author=agent, published_at__isnull=True
    ).order_by("-updated_at", "-pk")


def featured_for(agent, community, limit=FEATURED_ON_HOME):
    """The featured posts of the community's home, latest featured first."""
    return (
        content_visible_to(
            agent, Announcement.objects.filter(community=community, featured_at__isnull=False)
        )
        .select_related("author")
        .order_by("-featured_at", "-pk")[:limit]
    )
