"""« Qui rencontrer ? » (mise en relation): agents who work on the same skills or themes as someone,
in another service, with the reason shown.

The score is computed by the database, whatever the size of the directory:

- shared skills: rows of taggit's ``TaggedItem`` for the candidate whose tag is one of the
  subject's skill tags;
- shared themes: counted by the affinity providers other apps register (``register_affinity``).
  The communities register theirs: themes of the communities the candidate is an active member of
  that are also themes of the subject's communities, only communities the *viewer* may see in the
  list counting on either side, so a suggestion never hints at a secret community;
- score = shared skills × 2 + shared themes.

Each count is one grouped pass (``GROUP BY`` agent) over the matching rows only; the eligible
agents are joined to them, sorted and cut at ``limit`` by the database (``_rank``); then the few
kept are loaded with their service. Five queries (the subject and their service included; the
communities' provider reads the subject's themes in one), and nothing iterates over the directory
in Python.

Who is suggested: active, not closed, State agents (partners invited into a community are not
broadcast to the whole directory), visible to the viewer (``directory.relations``), neither the
viewer nor the subject, not hidden by the viewer, and not in the subject's own service (those are
colleagues already). At equal score, someone whose territory does not overlap the subject's
(« autre département ») comes before someone in the same territory, then by name.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from taggit.models import TaggedItem

from directory.models import Agent, HiddenSuggestion
from directory.relations import visible_agents

# How far the candidate's territory is from the subject's (``elsewhere`` annotation).
UNKNOWN, OTHER_SERVICE, OTHER_DEPARTMENT = 0, 1, 2

_affinities = {}


def register_affinity(key, provider):
    """Count shared themes with another app's data: ``provider(viewer, subject)`` returns a
    queryset grouped by candidate, with the columns ``candidate_id`` (an agent id) and ``n`` (the
    themes they share with ``subject`` that ``viewer`` may know of), or None when there is nothing
    to share. Registered from the app's ``AppConfig.ready()`` (the communities do); the counts of
    every provider add up to ``shared_themes``."""
    _affinities[key] = provider


def suggestions_for(agent, limit=5):
    """The dashboard's « Qui rencontrer ? »: agents similar to ``agent``, for ``agent``.

    Returns at most ``limit`` agents, best first, each with ``score``, ``shared_skills``,
    ``shared_themes`` and ``reason`` (French, e.g. « 3 compétences en commun »).
    """
    return _suggestions(viewer=agent, subject=agent, limit=limit)


def profile_suggestions(viewer, agent, limit=3):
    """On a profile: agents similar to ``agent`` that ``viewer`` may see, without the viewer, the
    agent and the agents the viewer hid. Nothing when the viewer may not open the agent's profile.
    Territories in the reasons (« autre département ») are relative to ``agent``."""
    from directory.permissions import can_view_profile

    if not can_view_profile(viewer, agent):
        return []
    return _suggestions(viewer=viewer, subject=agent, limit=limit)


def suggestion_hide(*, agent, hidden):
    """``agent`` no longer wants ``hidden`` suggested. Idempotent."""
    if agent.pk == hidden.pk:
        raise ValueError("An agent cannot hide themselves from their own suggestions.")
    try:
        with transaction.atomic():
            HiddenSuggestion.objects.get_or_create(agent=agent, hidden=hidden)
    except IntegrityError:
        # Two clicks at once: the other request created the row, which is what we want.
        pass


def hideable_agent(viewer, pk):
    """The agent ``viewer`` may hide from their suggestions, or None (unknown, invisible, self)."""
    if not viewer.is_authenticated or viewer.pk == pk:
        return None
    return visible_agents(viewer, Agent.objects.filter(pk=pk, closed_at__isnull=True)).first()


def _reason(candidate):
    parts = []
    if candidate.shared_skills:
        parts.append(
            ngettext(
                "%(count)d compétence en commun",
                "%(count)d compétences en commun",
                candidate.shared_skills,
            )
            % {"count": candidate.shared_skills}
        )
    if candidate.shared_themes:
        parts.append(
            {
                OTHER_DEPARTMENT: _("même thématique, autre département"),
                OTHER_SERVICE: _("même thématique, autre service"),
            }.get(candidate.elsewhere, _("même thématique"))
        )
    return " · ".join(parts)


def _elsewhere(subject):
    """SQL: how far a candidate works from the subject. Territories "overlap" when they are the
    same department, or when one is a regional service of the region the other is in."""
    if not subject.service_id:
        return Value(UNKNOWN)
    service = subject.service  # one query, or none when the caller selected it
    if service.department_id:
        same_territory = Q(service__department_id=service.department_id) | Q(
            service__department__isnull=True, service__region_id=service.region_id
        )
    else:
        same_territory = Q(service__region_id=service.region_id)
    return Case(
        When(service__isnull=True, then=Value(UNKNOWN)),
        When(same_territory, then=Value(OTHER_SERVICE)),
        default=Value(OTHER_DEPARTMENT),
        output_field=IntegerField(),
    )


def _suggestions(*, viewer, subject, limit):
    if (
        not viewer.is_authenticated
        or not viewer.is_active
        or subject is None
        or subject.pk is None
        or limit <= 0
    ):
        return []
    agent_type = ContentType.objects.get_for_model(Agent)
    agent_tags = TaggedItem.objects.filter(content_type=agent_type)
    skill_ids = agent_tags.filter(object_id=subject.pk).values("tag_id")
    affinities = [provider(viewer, subject) for _key, provider in sorted(_affinities.items())]

    # Who may be suggested: the permission policy and the exclusions, with the territory rank.
    eligible = (
        Agent.objects.filter(is_active=True, closed_at__isnull=True, is_external=False)
        .exclude(pk__in={viewer.pk, subject.pk})
        .exclude(pk__in=HiddenSuggestion.objects.filter(agent=viewer).values("hidden_id"))
    )
    if subject.service_id:
        eligible = eligible.exclude(service_id=subject.service_id)
    # Explicit column names: ``_rank`` refers to them.
    eligible = (
        visible_agents(viewer, eligible)
        .order_by()
        .values(
            candidate_id=F("pk"),
            elsewhere=_elsewhere(subject),
            sort_last=F("last_name"),
            sort_first=F("first_name"),
        )
    )
    # Per agent, in one grouped pass each: shared skill tags, and the providers' shared themes.
    skills = (
        agent_tags.filter(tag_id__in=skill_ids)
        .order_by()
        .values(candidate_id=F("object_id"))
        .annotate(n=Count("tag_id", distinct=True))
    )
    ranking = _rank(eligible, skills, [qs for qs in affinities if qs is not None], limit)
    if not ranking:
        return []
    agents = Agent.objects.select_related("service__department", "service__region").in_bulk(
        [row[0] for row in ranking]
    )
    suggestions = []
    for pk, shared_skills, shared_themes, score, elsewhere in ranking:
        candidate = agents.get(pk)
        if candidate is None:  # deleted between the two queries
            continue
        candidate.shared_skills, candidate.shared_themes = shared_skills, shared_themes
        candidate.score, candidate.elsewhere = score, elsewhere
        candidate.reason = _reason(candidate)
        suggestions.append(candidate)
    return suggestions


def _rank(eligible, skills, themes, limit):
    """Join the eligible agents to their grouped counts, score, sort and cut, in the database.

    The ORM cannot join a query to a grouped sub-query (only correlate one per row, which costs
    a sub-query per candidate: hundreds of milliseconds on PostgreSQL at 20,000 agents), so the
    ORM-built queries (the eligible agents, the shared skills, each provider's shared themes) are
    glued here. Only aliases are written by hand; every value is a query parameter.
    """
    eligible_sql, eligible_params = eligible.query.sql_with_params()
    skills_sql, skills_params = skills.query.sql_with_params()
    params = [*eligible_params, *skills_params]
    themes_join, theme_counts = "", []
    for n, grouped in enumerate(themes):
        themes_sql, themes_params = grouped.query.sql_with_params()
        themes_join += f"LEFT JOIN ({themes_sql}) th{n} ON th{n}.candidate_id = e.candidate_id "
        theme_counts.append(f"COALESCE(th{n}.n, 0)")
        params += themes_params
    theme_count = " + ".join(theme_counts) if theme_counts else "0"
    # S608: only aliases and ORM-compiled SQL are pasted here; the values are parameters.
    sql = (
        f"SELECT e.candidate_id, COALESCE(sk.n, 0) AS shared_skills, {theme_count} AS shared_themes, "  # noqa: S608
        f"COALESCE(sk.n, 0) * 2 + {theme_count} AS score, e.elsewhere "
        f"FROM ({eligible_sql}) e "
        f"LEFT JOIN ({skills_sql}) sk ON sk.candidate_id = e.candidate_id "
        f"{themes_join}"
        f"WHERE COALESCE(sk.n, 0) * 2 + {theme_count} > 0 "
        "ORDER BY score DESC, e.elsewhere DESC, e.sort_last, e.sort_first, e.candidate_id "
        "LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        return cursor.fetchall()
