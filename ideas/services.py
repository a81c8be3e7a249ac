"""The idea box's writes: boxes and their settings, the platform box, ideas submitted and edited,
supports, statuses with their answers, merges, and the trending counts.

Each service checks the policy (``ideas.permissions``), raises ``IdeaError`` with a French message
when it refuses, writes in one transaction and sends the signals of ``ideas.signals`` inside it
(receivers write with the change; their pushes and mails wait for the commit) — but the status
change, whose signal the workflow sends once it has committed.

The counters the lists sort on are kept exact under concurrency: a support is a row under the
unique (idea, agent) constraint, and the idea's ``support_count`` moves by ``F()`` in the same
transaction only when a row was really inserted or deleted (a double click inserts once, counts
once). A merge locks both ideas and recounts.
"""

import re
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.content import activity, audit
from communities.content import services as content_services
from communities.content.models import Subscription
from communities.models import Community, Theme
from ideas import signals
from ideas.models import (
    ANSWER_MAX,
    BODY_MAX,
    INTRO_MAX,
    TITLE_MAX,
    TRENDING_DAYS,
    Idea,
    IdeaBox,
    IdeaComment,
    IdeaStatusChange,
    IdeaSupport,
    IdeaTitleWord,
)
from ideas.permissions import box_key, contribution_refusal, idea_abilities
from ideas.workflow import IDEA
from maillage import policy, ratelimit
from maillage.http import Refused
from maillage.workflow import TransitionRefused
from search.text import normalize

S = Idea.Status

# The platform box « Améliorer Maillage » (docs/adr/0009).
PLATFORM_SLUG = "ameliorer-maillage"
PLATFORM_NAME = "Améliorer Maillage"
# Its themes, created with it (a Theme is the platform's list of policy areas).
PLATFORM_THEMES = [
    ("maillage-ergonomie", "Maillage : ergonomie et navigation"),
    ("maillage-fonctionnalites", "Maillage : nouvelles fonctionnalités"),
    ("maillage-accessibilite", "Maillage : accessibilité"),
    ("maillage-performances", "Maillage : rapidité et fiabilité"),
]

# Rate limits: (limit, window in seconds).
SUBMIT_LIMIT = (5, 600)
SUPPORT_LIMIT = (60, 60)
# Significant words of a title (« similar ideas »): at most this many, each cut to 40 characters.
TITLE_WORDS_MAX = 12
# French words too common to tell two ideas apart (accents removed, as ``normalize`` does).
_STOP_WORDS = """
    les des une aux par pour dans sur avec sans sous entre vers chez mais donc car que qui quoi
    dont elle elles ils nous vous leur leurs son sa ses mon ma mes ton ta tes notre nos votre vos
    est sont etre avoir ont fait faire peut pouvoir plus moins tres tout tous toute toutes cette
    ces cet comme aussi encore bien ainsi afin lors idee idees
    """
STOP_WORDS = set(_STOP_WORDS.split())
_WORD = re.compile(r"[a-z0-9]+")


class IdeaError(Refused):
    """A refused write in an idea box, with its French message."""


def _check(allowed, message, code="forbidden"):
    if not allowed:
        raise IdeaError(message, code)


# --- boxes ----------------------------------------------------------------------------------


def box_for(community):
    """The community's box, created (with the defaults) on first use."""
    box = IdeaBox.objects.filter(community=community).first()
    if box is None:
        try:
            with transaction.atomic():
                box = IdeaBox.objects.create(community=community)
        except IntegrityError:  # created meanwhile
            box = IdeaBox.objects.get(community=community)
    box.community = community
    policy.remember(box_key(community.pk), box)
    return box


def platform_box():
    """The platform box « Améliorer Maillage »: the idea box of an open, national platform
    community (every other tool off, no charter), created with its themes on first use."""
    box = IdeaBox.objects.filter(is_platform=True).select_related("community").first()
    if box is not None:
        return box
    try:
        with transaction.atomic():
            community = Community.objects.filter(slug=PLATFORM_SLUG).first()
            if community is None:
                community = Community.objects.create(
                    name=PLATFORM_NAME,
                    slug=PLATFORM_SLUG,
                    description=(
                        "Vos idées pour améliorer Maillage : ce qui vous manque, ce qui vous "
                        "gêne, ce qui vous ferait gagner du temps. L'équipe de la plateforme "
                        "répond à chaque idée."
                    ),
                    objective="Faire évoluer Maillage avec celles et ceux qui l'utilisent.",
                    kind=Community.Kind.USAGE,
                    visibility=Community.Visibility.OPEN,
                    scope=Community.Scope.NATIONAL,
                    tool_announcements=False,
                    tool_forum=False,
                    tool_wiki=False,
                    tool_ideas=True,
                    tool_chat=False,
                    tool_documents=False,
                )
            themes = []
            for slug, name in PLATFORM_THEMES:
                theme = (
                    Theme.objects.filter(slug=slug).first()
                    or Theme.objects.filter(name=name).first()
                )
                themes.append(theme or Theme.objects.create(slug=slug, name=name))
            community.themes.add(*themes)
            box, _created = IdeaBox.objects.get_or_create(community=community)
            if not box.is_platform:
                box.is_platform = True
                box.save(update_fields=["is_platform"])
    except IntegrityError:  # created meanwhile by another request
        box = IdeaBox.objects.select_related("community").get(is_platform=True)
    policy.remember(box_key(box.community_id), box)
    return box


def box_settings_save(*, community, actor, intro="", who_may_submit=IdeaBox.Submitters.MEMBERS):
    """The animators present the box (Markdown) and say who may submit ideas."""
    box = box_for(community)
    ia = idea_abilities(actor, community, box=box)
    _check(ia.can_read, _("Cette boîte à idées n'est pas accessible."), "not_found")
    _check(
        not ia.ab.archived, _("Cette communauté est archivée : plus rien n'y change."), "archived"
    )
    _check(ia.can_manage_settings, _("Seule l'animation règle la boîte à idées."))
    intro = (intro or "").strip()
    _check(
        len(intro) <= INTRO_MAX,
        _("La présentation tient en %(max)s caractères au plus.") % {"max": _number(INTRO_MAX)},
        "invalid",
    )
    _check(
        who_may_submit in IdeaBox.Submitters.values,
        _("Choisissez qui peut proposer une idée."),
        "invalid",
    )
    if box.intro == intro and box.who_may_submit == who_may_submit:
        return box
    with transaction.atomic():
        box.intro = intro
        box.who_may_submit = who_may_submit
        box.save(update_fields=["intro", "who_may_submit"])
        audit.record(community=community, actor=actor, action="idea_box_settings")
    return box


# --- checks and cleaning --------------------------------------------------------------------


def _number(value):
    return f"{value:,}".replace(",", "\u202f")


def _check_contribute(ia):
    """The common refusals (``ideas.permissions.contribution_refusal``), then the members'."""
    refusal = contribution_refusal(ia)
    if refusal is not None:
        raise IdeaError(*refusal)
    _check(
        ia.can_contribute, _("Seuls les membres de la communauté participent à la boîte à idées.")
    )


def _clean_title(title):
    title = " ".join((title or "").split())
    _check(bool(title), _("Donnez un titre à votre idée."), "invalid")
    _check(
        len(title) <= TITLE_MAX,
        _("Le titre tient en %(max)s caractères au plus (il en compte %(count)s).")
        % {"max": TITLE_MAX, "count": _number(len(title))},
        "invalid",
    )
    return title


def _clean_body(body):
    body = (body or "").strip()
    _check(bool(body), _("Décrivez votre idée."), "invalid")
    _check(
        len(body) <= BODY_MAX,
        _("La description tient en %(max)s caractères au plus (elle en compte %(count)s).")
        % {"max": _number(BODY_MAX), "count": _number(len(body))},
        "invalid",
    )
    return body


def _clean_answer(answer):
    answer = (answer or "").strip()
    _check(
        len(answer) <= ANSWER_MAX,
        _("La réponse tient en %(max)s caractères au plus (elle en compte %(count)s).")
        % {"max": _number(ANSWER_MAX), "count": _number(len(answer))},
        "invalid",
    )
    return answer


def _clean_themes(community, themes):
    """The themes chosen (objects or ids), each among the community's own; anything else is
    refused (a forged id)."""
    ids = set()
    for theme in themes or ():
        value = getattr(theme, "pk", theme)
        try:
            ids.add(int(value))
        except (TypeError, ValueError):
            raise IdeaError(_("Choisissez des thématiques de la communauté."), "invalid") from None
    if not ids:
        return []
    found = list(community.themes.filter(pk__in=ids))
    _check(len(found) == len(ids), _("Choisissez des thématiques de la communauté."), "invalid")
    return found


def _attach_all(idea, agent, attachments):
    for upload in attachments or ():
        try:
            content_services.attach(target=idea, upload=upload, uploaded_by=agent)
        except content_services.ContentError as error:
            raise IdeaError(str(error), "invalid") from None


def _join_platform(ia):
    """The platform box: a State agent's first contribution makes them a member of its open
    community (the page said so)."""
    if not ia.will_join:
        return
    from communities.services import CommunityError, community_join

    try:
        community_join(community=ia.community, agent=ia.agent)
    except CommunityError as error:
        raise IdeaError(str(error), "forbidden") from None


# --- title words (similar ideas) ------------------------------------------------------------


def title_words(title):
    """The significant normalised words of a title: at least three characters, not a common
    French word, each once, at most ``TITLE_WORDS_MAX`` (« Télétravail des agents » →
    ``["teletravail", "agents"]``). The generator of the benchmark uses it too."""
    words = []
    for word in _WORD.findall(normalize(title)):
        word = word[:40]
        if len(word) < 3 or word in STOP_WORDS or word in words:
            continue
        words.append(word)
        if len(words) == TITLE_WORDS_MAX:
            break
    return words


def _index_title(idea):
    IdeaTitleWord.objects.filter(idea=idea).delete()
    IdeaTitleWord.objects.bulk_create(
        [
            IdeaTitleWord(community_id=idea.community_id, idea=idea, word=word)
            for word in title_words(idea.title)
        ]
    )


# --- ideas ----------------------------------------------------------------------------------


def idea_submit(*, community, agent, title, body, themes=(), attachments=()):
    """Submit an idea to the community's box (« nouvelle »). In the platform box, a State agent
    who is not a member yet joins its community with it."""
    box = box_for(community)
    ia = idea_abilities(agent, community, box=box)
    _check_contribute(ia)
    _check(ia.can_submit, _("Dans cette boîte, seule l'animation propose des idées."))
    title = _clean_title(title)
    body = _clean_body(body)
    themes = _clean_themes(community, themes)
    limit, window = SUBMIT_LIMIT
    ratelimit.check(
        f"ideas:submit:{agent.pk}",
        limit=limit,
        window=window,
        message=_(
            "Vous avez proposé beaucoup d'idées en peu de temps : patientez quelques minutes "
            "avant la suivante (votre texte est conservé)."
        ),
    )
    now = timezone.now()
    with transaction.atomic():
        _join_platform(ia)
        idea = Idea.objects.create(
            community=community,
            author=agent,
            title=title,
            body=body,
            created_at=now,
            last_activity_at=now,
        )
        if themes:
            idea.themes.set(themes)
        _index_title(idea)
        _attach_all(idea, agent, attachments)
        activity.record(
            community=community,
            actor=agent,
            verb="idea_submitted",
            target=idea,
            summary=_("%(agent)s a proposé l'idée « %(title)s »")
            % {"agent": agent.display_name, "title": title},
        )
        signals.idea_submitted.send(sender=Idea, idea=idea)
    return idea


def idea_edit(*, idea, agent, title, body, themes=None, attachments=()):
    """The author changes their idea while it is « nouvelle »; the animators any time (their
    edit of someone else's idea is audited). ``themes`` None keeps them."""
    ia = idea_abilities(agent, idea.community)
    _check(ia.can_read_idea(idea), _("Cette idée n'est pas accessible."), "not_found")
    _check(
        not ia.ab.archived, _("Cette communauté est archivée : plus rien n'y change."), "archived"
    )
    _check(not idea.is_merged, _("Cette idée a été fusionnée avec une autre."), "invalid")
    _check(
        ia.can_edit(idea),
        _("Une idée ne se modifie plus une fois à l'étude : commentez-la plutôt.")
        if ia.signed_in and idea.author_id == agent.pk
        else _("Seule l'animation modifie l'idée d'une autre personne."),
    )
    title = _clean_title(title)
    body = _clean_body(body)
    new_themes = None if themes is None else _clean_themes(idea.community, themes)
    with transaction.atomic():
        title_changed = title != idea.title
        idea.title = title
        idea.body = body
        idea.edited_at = timezone.now()
        idea.save(update_fields=["title", "body", "edited_at"])
        if new_themes is not None:
            idea.themes.set(new_themes)
        if title_changed:
            _index_title(idea)
        _attach_all(idea, agent, attachments)
        if idea.author_id != agent.pk:
            audit.record(
                community=idea.community,
                actor=agent,
                action="idea_edited",
                target=idea,
                target_agent=idea.author,
                reason=title,
            )
    return idea


# --- supports -------------------------------------------------------------------------------


def _recent_cutoff(now=None):
    return (now or timezone.now()) - timedelta(days=TRENDING_DAYS)


def support_toggle(*, idea, agent, support=None):
    """« Je soutiens » or its withdrawal (``support`` True / False; None: the opposite of the
    current state). Returns whether the agent supports the idea now; ``idea``'s counters are
    read again. The author may not support their own idea."""
    ia = idea_abilities(agent, idea.community)
    _check_contribute(ia)
    _check(ia.can_read_idea(idea), _("Cette idée n'est pas accessible."), "not_found")
    _check(
        not (ia.signed_in and idea.author_id == agent.pk),
        _("Vous ne pouvez pas soutenir votre propre idée."),
        "invalid",
    )
    _check(
        not idea.is_merged,
        _("Cette idée a été fusionnée : soutenez celle qui la reprend."),
        "invalid",
    )
    _check(
        ia.can_support(idea),
        _("Cette idée est close (« %(status)s ») : son nombre de soutiens ne change plus.")
        % {"status": idea.get_status_display()},
        "invalid",
    )
    limit, window = SUPPORT_LIMIT
    ratelimit.check(
        f"ideas:support:{agent.pk}",
        limit=limit,
        window=window,
        message=_("Trop de soutiens donnés ou retirés d'affilée : réessayez dans une minute."),
    )
    now = timezone.now()
    with transaction.atomic():
        existing = IdeaSupport.objects.filter(idea=idea, agent=agent).first()
        if support is None:
            support = existing is None
        if support and existing is None:
            _join_platform(ia)
            try:
                with transaction.atomic():
                    IdeaSupport.objects.create(idea=idea, agent=agent, created_at=now)
            except IntegrityError:  # a double click: the first one counted
                pass
            else:
                Idea.objects.filter(pk=idea.pk).update(
                    support_count=F("support_count") + 1,
                    recent_support_count=F("recent_support_count") + 1,
                    last_activity_at=now,
                )
                signals.idea_supported.send(sender=Idea, idea=idea, agent=agent)
        elif not support and existing is not None:
            deleted, _rows = IdeaSupport.objects.filter(pk=existing.pk).delete()
            if deleted:  # not withdrawn meanwhile by another request
                changes = {"support_count": Greatest(F("support_count") - 1, 0)}
                if existing.created_at >= _recent_cutoff(now):
                    changes["recent_support_count"] = Greatest(F("recent_support_count") - 1, 0)
                Idea.objects.filter(pk=idea.pk).update(**changes)
        idea.refresh_from_db(fields=["support_count", "recent_support_count", "last_activity_at"])
    return support


def refresh_trending(community=None, now=None):
    """Recount the supports of the last ``TRENDING_DAYS`` days of the ideas that have some
    (those whose old supports aged out drop): one UPDATE over the ideas with a recent count,
    each counted on the (idea, created_at) index, rewriting only the rows whose count changed
    (most have not: rewriting them all cost the biggest box 1.35 s and its nine indexes). Queued
    by the trending list at most once an hour per box (``selectors``, ``ideas.tasks``), and run
    for every box by ``manage.py ideas_refresh_trending``. Returns the number of ideas changed."""
    cutoff = _recent_cutoff(now)
    recent = (
        IdeaSupport.objects.filter(idea=OuterRef("pk"), created_at__gte=cutoff)
        .order_by()
        .values("idea")
        .annotate(n=Count("pk"))
        .values("n")
    )
    ideas = Idea.objects.filter(recent_support_count__gt=0)
    if community is not None:
        ideas = ideas.filter(community=community)
    fresh = Coalesce(Subquery(recent), 0)
    return ideas.exclude(recent_support_count=fresh).update(recent_support_count=fresh)


# --- statuses -------------------------------------------------------------------------------


def idea_set_status(*, idea, actor, status, answer=""):
    """Move the idea's status through the workflow (``ideas.workflow``), with the public answer
    (required for « retenue », « non retenue » and « Réexaminer »). Returns the
    ``IdeaStatusChange`` written; the notifications follow once it has committed."""
    ia = idea_abilities(actor, idea.community)
    _check(ia.can_read_idea(idea), _("Cette idée n'est pas accessible."), "not_found")
    _check(
        not ia.ab.archived, _("Cette communauté est archivée : plus rien n'y change."), "archived"
    )
    _check(
        ia.can_moderate,
        _("Seule l'équipe de Maillage répond aux idées de cette boîte.")
        if ia.is_platform
        else _("Seule l'animation change le statut d'une idée."),
    )
    _check(not idea.is_merged, _("Cette idée a été fusionnée avec une autre."), "invalid")
    _check(
        status in S.values and status != S.MERGED,
        _("Ce statut n'existe pas."),
        "invalid",
    )
    answer = _clean_answer(answer)
    move = IDEA.find(idea, status)
    _check(
        move is not None,
        _("Une idée « %(old)s » ne passe pas à « %(new)s ».")
        % {"old": idea.get_status_display(), "new": S(status).label},
        "invalid",
    )
    _check(
        not move.reason_required or answer,
        _("Écrivez la réponse publique : elle est obligatoire pour passer une idée à « %(new)s ».")
        % {"new": S(status).label if status != S.STUDYING else _("Réexaminer")},
        "invalid",
    )
    try:
        IDEA.transition(idea, status, actor=actor, reason=answer)
    except TransitionRefused as error:
        raise IdeaError(str(error), error.code) from None
    return idea._status_change


# --- merges ---------------------------------------------------------------------------------


def idea_merge(*, idea, target, actor, answer=""):
    """Merge ``idea`` (a duplicate) into ``target`` of the same box: its supports move to the
    target without counting anyone twice (nor the target's author), its comments move, its
    followers follow the target once; it becomes « fusionnée » with ``merged_into``, a status
    change line says « Fusionnée avec … », and the ideas merged into it earlier now point to
    the target. Returns the target, its counters recounted."""
    ia = idea_abilities(actor, idea.community)
    _check(ia.can_read_idea(idea), _("Cette idée n'est pas accessible."), "not_found")
    _check(
        not ia.ab.archived, _("Cette communauté est archivée : plus rien n'y change."), "archived"
    )
    _check(ia.can_moderate, _("Seule l'animation fusionne les idées."))
    _check(
        target is not None and target.community_id == idea.community_id,
        _("Une idée se fusionne seulement avec une idée de la même boîte."),
        "invalid",
    )
    _check(target.pk != idea.pk, _("Une idée ne se fusionne pas avec elle-même."), "invalid")
    _check(not idea.is_merged, _("Cette idée a déjà été fusionnée."), "invalid")
    _check(
        not target.is_merged,
        _("L'idée choisie a elle-même été fusionnée : choisissez celle qui la reprend."),
        "invalid",
    )
    _check(not target.is_hidden, _("L'idée choisie est masquée."), "invalid")
    answer = _clean_answer(answer)
    now = timezone.now()
    with transaction.atomic():
        locked = {
            row.pk: row
            for row in Idea.objects.select_for_update()
            .filter(pk__in=[idea.pk, target.pk])
            .order_by("pk")
        }
        _check(len(locked) == 2, _("Cette idée n'existe plus."), "not_found")
        _check(
            not locked[idea.pk].is_merged and not locked[target.pk].is_merged,
            _("Une de ces idées vient d'être fusionnée : rechargez la page."),
            "conflict",
        )
        old_status = locked[idea.pk].status
        # Who supported the duplicate hears where it went (ideas.following), whatever moves.
        supporters = list(IdeaSupport.objects.filter(idea=idea).values_list("agent_id", flat=True))
        # Supports: those of agents who do not support the target yet (and are not its author).
        already = IdeaSupport.objects.filter(idea=target).values("agent_id")
        IdeaSupport.objects.filter(idea=idea).exclude(agent_id__in=already).exclude(
            agent_id=target.author_id
        ).update(idea=target)
        IdeaSupport.objects.filter(idea=idea).delete()
        # Comments and the followers.
        IdeaComment.objects.filter(idea=idea).update(idea=target, community=target.community_id)
        idea_type = ContentType.objects.get_for_model(Idea)
        following = Subscription.objects.filter(content_type=idea_type, object_id=target.pk).values(
            "agent_id"
        )
        Subscription.objects.filter(content_type=idea_type, object_id=idea.pk).exclude(
            agent_id__in=following
        ).update(object_id=target.pk)
        Subscription.objects.filter(content_type=idea_type, object_id=idea.pk).delete()
        IdeaTitleWord.objects.filter(idea=idea).delete()
        Idea.objects.filter(merged_into=idea).update(merged_into=target)
        # The merged idea, then the target's counters recounted.
        Idea.objects.filter(pk=idea.pk).update(
            status=S.MERGED,
            merged_into=target,
            status_changed_at=now,
            support_count=0,
            recent_support_count=0,
            comment_count=0,
        )
        _recount(target, now)
        change = IdeaStatusChange.objects.create(
            idea=idea,
            old=old_status,
            new=S.MERGED,
            answer=answer,
            target=target,
            actor=actor,
            created_at=now,
        )
        audit.record(
            community=idea.community,
            actor=actor,
            action="idea_merged",
            target=idea,
            reason=_("Fusionnée avec « %(title)s »") % {"title": target.title},
        )
        idea.refresh_from_db()
        target.refresh_from_db()
        idea._status_change = change
        signals.idea_merged.send(
            sender=Idea, idea=idea, target=target, actor=actor, supporters=supporters
        )
    return target


def _recount(idea, now):
    """Count again an idea's supports, recent supports and comments shown (after a merge)."""
    supports = IdeaSupport.objects.filter(idea=idea)
    Idea.objects.filter(pk=idea.pk).update(
        support_count=supports.count(),
        recent_support_count=supports.filter(created_at__gte=_recent_cutoff(now)).count(),
        comment_count=IdeaComment.objects.filter(
            idea=idea, is_hidden=False, deleted_at__isnull=True
        ).count(),
        last_activity_at=now,
    )


def comment_count_refresh(idea):
    """Count again the comments an idea shows (neither hidden nor deleted): for ideas.social's
    comment services and the moderation's hide and restore."""
    Idea.objects.filter(pk=idea.pk).update(
        comment_count=IdeaComment.objects.filter(
            idea_id=idea.pk, is_hidden=False, deleted_at__isnull=True
        ).count()
    )
