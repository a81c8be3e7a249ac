"""Large idea boxes for benchmarks: ``python -m bench.generate_ideas``.

500 communities (their members and charters, as the forums' generator makes them: a few
national networks very busy, most departmental ones quiet), each with its idea box switched on
and a few of the platform's themes; 100,000 ideas spread unevenly over them, one box (the
busiest community's) holding a fifth of them, about 20,000, the worst case the benchmark reads;
2,000,000 supports spread over two years, most of an idea's in the weeks after it was submitted,
a few ideas coming back into favour, so that « tendance » (the supports of the last 30 days) is
a real subset; statuses in the proportions of a box animated for two years (half still « Nouvelle
», a few merged into an older idea), each move in the history with its answer; 300,000 comments,
one idea of the busiest box with 400 of them, a few edited, deleted or hidden, some reactions;
the authors and commenters following their ideas. The titles and bodies are the French of State
agents (the forums' sentences, bench/forum_vocabulary.py, and proposals written here).

Speed: everything is planned in memory, then written once per table (``COPY`` on PostgreSQL,
``executemany`` elsewhere: ``bench.forum_generator._write``). Ideas, supports and comments get
their primary keys here in the order they were written (their ``created_at``), so that an idea's
supports lie scattered over the table as on a live server. The supports are held in flat arrays
(about 50 MB for two million), never as objects.

The counters are those ``ideas.services`` keep (``check_invariants`` says which does not hold):
``support_count`` is the idea's supports, ``recent_support_count`` those of the last
``TRENDING_DAYS`` days, ``comment_count`` its comments neither deleted nor hidden; a merged
idea has none of them nor title words and points at a live idea of its box; an idea's status,
answer and ``status_changed_at`` are its last status change's; ``last_activity_at`` is its
latest support, comment or status change (its creation when none); no author supports their
own idea; themes are the community's; the title words are ``ideas.services.title_words`` of
the title.

Never run under production settings (``DEMO_DATA_ALLOWED``).
"""

import bisect
import random
import time
from array import array
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from bench import forum_vocabulary as vocab
from bench.forum_generator import (
    _animators,
    _create_communities,
    _generated_agents,
    _moment,
    _Text,
    _write,
    _zipf_cumulative,
)
from communities.content.models import Subscription
from communities.models import Community, Theme
from ideas.models import (
    TITLE_MAX,
    TRENDING_DAYS,
    Idea,
    IdeaBox,
    IdeaComment,
    IdeaCommentReaction,
    IdeaCommentRevision,
    IdeaStatusChange,
    IdeaSupport,
    IdeaTitleWord,
)

DAY = 86400.0
SPAN_DAYS = 2 * 365  # the boxes' age: ideas and supports over two years
BIG_SHARE = 0.2  # of the ideas, in the busiest community's box
IDEAS_EXPONENT = 0.9  # the other boxes' sizes, Zipf-like by rank
SUPPORT_EXPONENT = 1.1  # Pareto shape of an idea's share of the supports
REVIVED = 0.03  # ideas whose supports keep coming (a part of them in the last weeks)
DELETED, EDITED, HIDDEN = 0.005, 0.02, 0.003  # of the comments
UNFOLLOWED = 0.05  # of the supporters and commenters, who stopped following the idea
EMOJIS = ("👍", "❤️", "🎉", "🤔", "👀", "🙏", "✅")
S = Idea.Status
# (status, weight) of the ideas older than a fortnight; younger ones are all « Nouvelle ».
STATUSES = [
    (S.NEW, 48), (S.STUDYING, 14), (S.ADOPTED, 9), (S.IMPLEMENTED, 6), (S.REJECTED, 15),
    (S.MERGED, 8),
]  # fmt: skip
# The moves that lead to each status from « Nouvelle » (ideas.workflow's transitions).
PATHS = {
    S.NEW: [],
    S.STUDYING: [S.STUDYING],
    S.ADOPTED: [S.STUDYING, S.ADOPTED],
    S.IMPLEMENTED: [S.STUDYING, S.ADOPTED, S.IMPLEMENTED],
    S.REJECTED: [S.REJECTED],
    S.MERGED: [S.MERGED],
}
# The themes a box may have, besides those of its subject.
COMMON_THEMES = [
    "Simplification administrative", "Numérique et innovation", "Travail à distance et nomadisme",
    "Vie de site", "Covoiturage et mobilité",
]  # fmt: skip
DOMAIN_THEMES = {
    "marches": ["Fonctions de contrôle"],
    "urbanisme": ["Urbanisme et droit des sols", "Logement et hébergement", "Littoral et mer"],
    "eau": ["Eau et milieux aquatiques", "Biodiversité", "Fonctions de contrôle"],
    "rh": ["Cohésion sociale", "Emploi et insertion"],
    "numerique": [],
    "icpe": ["Risques naturels", "Fonctions de contrôle"],
    "finances": ["Fonds européens"],
    "etrangers": ["Cohésion sociale", "Politique de la ville"],
    "agriculture": ["Agriculture", "Forêt", "Sécurité alimentaire"],
    "crise": ["Gestion de crise", "Risques naturels"],
}

# --- text ------------------------------------------------------------------------------------

# What an idea proposes to do, and on what: « Créer un modèle partagé pour les avenants ».
VERBS = [
    "Créer un modèle partagé pour {objet}",
    "Mettre en place une foire aux questions sur {objet}",
    "Dématérialiser entièrement {objet}",
    "Organiser un webinaire trimestriel sur {objet}",
    "Constituer un réseau de référents pour {objet}",
    "Simplifier le circuit de validation pour {objet}",
    "Mutualiser entre départements le suivi de {objet}",
    "Publier un tableau de bord régional sur {objet}",
    "Former les nouveaux arrivants à {objet}",
    "Rédiger une fiche réflexe sur {objet}",
    "Harmoniser les pratiques régionales pour {objet}",
    "Automatiser les relances pour {objet}",
    "Proposer une permanence téléphonique commune sur {objet}",
    "Ouvrir un espace de dépôt unique pour {objet}",
]
OBJECTS = {
    "marches": [
        "les avenants", "les MAPA", "l'analyse des offres", "les clauses environnementales",
        "les pénalités de retard", "les achats groupés", "la sous-traitance",
    ],
    "urbanisme": [
        "l'instruction des permis", "les certificats d'urbanisme", "les recours gracieux",
        "les consultations des ABF", "la saisine par voie électronique", "le contrôle de conformité",
    ],
    "eau": [
        "les déclarations loi sur l'eau", "les contrôles de terrain", "les arrêtés sécheresse",
        "les zones humides", "les procès-verbaux", "la continuité écologique",
    ],
    "rh": [
        "l'accueil des nouveaux agents", "les entretiens professionnels", "le télétravail",
        "les mobilités", "la formation continue", "les lignes directrices de gestion",
    ],
    "numerique": [
        "la visioconférence", "les mots de passe", "les outils collaboratifs",
        "l'assistance informatique", "les logiciels libres", "les postes nomades",
    ],
    "icpe": [
        "les inspections", "les arrêtés de mise en demeure", "les dossiers d'enregistrement",
        "les plaintes de riverains", "les sites pollués", "les études de dangers",
    ],
    "finances": [
        "les demandes de paiement", "la clôture de gestion", "le contrôle interne comptable",
        "les régies d'avances", "les frais de déplacement", "le suivi budgétaire",
    ],
    "etrangers": [
        "les rendez-vous en préfecture", "les titres de séjour", "l'accueil des usagers",
        "les naturalisations", "les dossiers incomplets", "les files d'attente",
    ],
    "agriculture": [
        "les dossiers PAC", "les contrôles sur place", "les aides à l'installation",
        "les déclarations de surfaces", "les aléas climatiques", "les calamités agricoles",
    ],
    "crise": [
        "les exercices de crise", "les astreintes", "les alertes météo",
        "les plans communaux de sauvegarde", "les retours d'expérience", "la main courante",
    ],
}  # fmt: skip
# Ideas about the platform and the work itself, in every box.
GENERAL_TITLES = [
    "Un agenda partagé des réunions de réseau",
    "Des covoiturages entre sites pour les réunions régionales",
    "Un annuaire des référents à jour en {dep}",
    "Des rencontres entre pairs une fois par trimestre",
    "Un espace de partage des trames de courriers",
    "Des binômes pour accueillir les nouveaux arrivants",
    "Un glossaire des sigles du réseau",
    "Des notes de service résumées en une page",
    "Une lettre d'information mensuelle du réseau",
    "Un calendrier commun des échéances de {mois}",
]
PROPOSALS = [
    "Je propose que le réseau s'en charge collectivement, avec un référent par département.",
    "L'idée serait de partir de ce que fait déjà la {service} et de l'étendre à tous.",
    "Un premier essai sur {n} mois permettrait de mesurer le gain.",
    "Il suffirait d'un modèle commun, relu une fois par an par l'animation.",
    "La {service} du {dep} a déjà un outil qui pourrait servir de base.",
    "On pourrait commencer petit, avec trois services volontaires.",
]
BENEFITS = [
    "Un gain de temps réel pour les agents et des réponses plus homogènes aux usagers.",
    "Moins de ressaisies, moins d'erreurs, et des délais tenus.",
    "Les nouveaux arrivants seraient opérationnels beaucoup plus vite.",
    "Cela éviterait que chaque service refasse le même travail dans son coin.",
    "Nous gagnerions en sécurité juridique.",
]
ANSWERS = {
    S.ADOPTED: [
        "Merci pour cette proposition, retenue par le comité de pilotage de {mois} : un groupe "
        "de travail est constitué, les volontaires peuvent se signaler.",
        "Idée retenue. La {service} pilote sa mise en œuvre, un premier point sera fait dans "
        "{n} mois.",
        "Retenue : c'est l'une des idées les plus soutenues du réseau, nous l'inscrivons au "
        "programme de l'année.",
    ],
    S.IMPLEMENTED: [
        "C'est en place depuis {mois} : le modèle est dans la bibliothèque de la communauté.",
        "Mise en œuvre : le premier webinaire a réuni {n}0 participants, merci à tous.",
        "Réalisé avec l'aide de la {service}. N'hésitez pas à faire vos retours en commentaire.",
    ],
    S.REJECTED: [
        "Merci pour l'idée. Elle n'est pas retenue : le sujet relève du niveau national et une "
        "instruction est attendue pour {mois}.",
        "Non retenue pour l'instant : les moyens de la {service} ne le permettent pas cette "
        "année. Nous la réexaminerons.",
        "Une solution existe déjà : voir la fiche de la bibliothèque de la communauté.",
    ],
    S.STUDYING: [
        "",
        "",
        "Nous regardons la faisabilité avec la {service}.",
    ],
}
COMMENTS = [
    "Tout à fait d'accord, ce serait un vrai gain de temps.",
    "+1, nous avons exactement le même besoin à la {service}.",
    "Nous l'avons testé en {dep} : ça marche, à condition d'avoir un référent.",
    "Attention toutefois à la charge pour les petits services.",
    "Bonne idée. Qui serait volontaire pour porter le sujet ?",
    "Je soutiens, et je peux partager notre trame.",
    "Est-ce que cela ne fait pas doublon avec ce que prépare le national ?",
    "Excellente proposition, à étendre à toute la région.",
]
ANSWERED_COMMENTS = ["Merci pour la réponse détaillée.", "Hâte de voir la suite !"]


class _Writer:
    """French titles, bodies, answers and comments, from the forums' sentences and the
    proposals above, their slots filled once into pools."""

    def __init__(self, rng):
        self.rng = rng
        self.text = _Text(rng)
        fill = self.text._fill
        self.titles = {
            domain: [
                fill(verb.replace("{objet}", thing))
                for verb in VERBS
                for thing in OBJECTS[domain]
                for _ in range(2 if "{" in verb.replace("{objet}", "") else 1)
            ]
            for domain in OBJECTS
        }
        self.general = [fill(title) for title in GENERAL_TITLES for _ in range(3)]
        self.proposals = [fill(p) for p in PROPOSALS for _ in range(3)]
        self.benefits = BENEFITS
        self.answers = {
            status: [fill(answer) for answer in answers for _ in range(3)]
            for status, answers in ANSWERS.items()
        }
        self.comments = [fill(comment) for comment in COMMENTS for _ in range(3)]

    def title(self, domain):
        rng = self.rng
        title = rng.choice(self.general if rng.random() < 0.15 else self.titles[domain])
        return title[:TITLE_MAX]

    def body(self, domain):
        rng, words = self.rng, self.text.domains[domain]
        context = " ".join(rng.sample(words["context"], min(2, len(words["context"]))))
        parts = [
            f"**Constat** : {context}",
            f"**Proposition** : {rng.choice(self.proposals)} {rng.choice(words['answers'])}",
        ]
        if rng.random() < 0.7:
            parts.append(f"**Bénéfices attendus** : {rng.choice(self.benefits)}")
        return "\n\n".join(parts)

    def answer(self, status):
        return self.rng.choice(self.answers.get(status, [""]))

    def comment(self, domain, answered):
        rng = self.rng
        if answered and rng.random() < 0.1:
            return rng.choice(ANSWERED_COMMENTS)
        if rng.random() < 0.3:
            return f"{rng.choice(self.comments)} {rng.choice(self.text.domains[domain]['answers'])}"
        return rng.choice(self.comments)


# --- the plan --------------------------------------------------------------------------------


@dataclass(eq=False)
class _Idea:
    place: object
    created: float
    index: int = 0
    author: int = 0
    title: str = ""
    status: str = S.NEW
    changes: list = field(default_factory=list)  # (time, old, new, answer)
    merged_into: int = None  # the target's index
    supports: int = 0
    recent: int = 0
    comments: int = 0  # planned comments
    shown_comments: int = 0
    last_activity: float = 0.0
    themes: tuple = ()


def _plan_ideas(rng, places, ideas, now_ts):
    """Every idea's community, author and time, oldest first; the busiest box holds a fifth."""
    big = min(ideas, max(1, round(ideas * BIG_SHARE))) if len(places) > 1 else ideas
    counts = [0] * len(places)
    counts[0] = big
    others = places[1:]
    if others:
        cumulative = _zipf_cumulative(len(others), IDEAS_EXPONENT)
        for index in rng.choices(range(len(others)), cum_weights=cumulative, k=ideas - big):
            counts[index + 1] += 1
        # The busiest box stays the biggest, even with few communities: what another box has
        # beyond it goes to it.
        for index in range(1, len(counts)):
            excess = counts[index] - (big - 1)
            if excess > 0:
                counts[index] -= excess
                counts[0] += excess
    planned = []
    for place, count in zip(places, counts, strict=True):
        for _ in range(count):
            # A little more submitted lately than two years ago, never in the last ten minutes.
            age = SPAN_DAYS * DAY * rng.random() ** 1.3 + 600
            planned.append(_Idea(place=place, created=now_ts - age, author=place.poster(rng)))
    planned.sort(key=lambda idea: idea.created)
    for index, idea in enumerate(planned):
        idea.index = index
    return planned


def _plan_statuses(rng, writer, planned, now_ts):
    """Statuses with their history; merged ideas point at an older live idea of their box."""
    live_by_place = {}
    for idea in planned:
        place = idea.place
        idea.title = writer.title(place.domain)
        age_days = (now_ts - idea.created) / DAY
        status = S.NEW
        if age_days > 14:
            status = rng.choices([s for s, _w in STATUSES], [w for _s, w in STATUSES])[0]
        targets = live_by_place.setdefault(id(place), [])
        if status == S.MERGED and not targets:
            status = S.NEW
        moment = idea.created
        old = S.NEW
        for new in PATHS[status]:
            moment += rng.uniform(1, 0.3 * (now_ts - moment) / DAY) * DAY
            moment = min(moment, now_ts - 60)
            answer = writer.answer(new) if new != S.MERGED else ""
            idea.changes.append((moment, old, new, answer))
            old = new
        if status == S.REJECTED and rng.random() < 0.1:
            # Re-examined, then rejected for good.
            for new in (S.STUDYING, S.REJECTED):
                moment = min(now_ts - 60, moment + rng.uniform(1, 30) * DAY)
                idea.changes.append((moment, old, new, writer.answer(S.REJECTED)))
                old = new
        idea.status = status
        if status == S.MERGED:
            target = rng.choice(targets[-200:])
            idea.merged_into = target.index
            # The merge recounts the target, which counts as its activity (services._recount).
            target.last_activity = max(target.last_activity, moment)
        else:
            targets.append(idea)
    return planned


def _plan_support_counts(rng, planned, supports):
    """How many supports each idea has: heavy-tailed, none for a merged idea, never more than
    its community's members but its author; ``supports`` in all."""
    live = [idea for idea in planned if idea.status != S.MERGED]
    caps = [len(idea.place.members) - 1 for idea in live]
    if sum(caps) < supports:
        raise ValueError(
            f"{supports} soutiens sont impossibles : les membres des communautés n'en permettent "
            f"que {sum(caps)}."
        )
    weights = [min(200.0, rng.paretovariate(SUPPORT_EXPONENT)) for _ in live]
    remaining = supports
    open_ = list(range(len(live)))
    while remaining > 0 and open_:
        total = sum(weights[i] for i in open_)
        given = 0
        for i in open_:
            share = min(caps[i] - live[i].supports, int(remaining * weights[i] / total))
            live[i].supports += share
            given += share
        remaining -= given
        open_ = [i for i in open_ if live[i].supports < caps[i]]
        if given == 0:
            # The remainder is smaller than every share: one by one, at random.
            while remaining > 0 and open_:
                i = rng.choice(open_)
                live[i].supports += 1
                remaining -= 1
                if live[i].supports >= caps[i]:
                    open_.remove(i)


def _supporters(rng, place, author, count):
    """``count`` distinct members of ``place`` but ``author``, the most active more often."""
    members = place.members
    if count * 3 > len(members):
        pool = [member for member in members if member != author]
        return rng.sample(pool, count)
    chosen = set()
    cumulative = place.support_cumulative
    top = cumulative[-1]
    while len(chosen) < count:
        member = members[bisect.bisect(cumulative, rng.random() * top)]
        if member != author:
            chosen.add(member)
    return chosen


def _plan_supports(rng, planned, now_ts, recent_since):
    """Every support as three flat arrays (idea index, agent, time), in no order; the ideas'
    recent counts and last activity."""
    ideas, agents, times = array("q"), array("q"), array("d")
    for idea in planned:
        if not idea.supports:
            continue
        span = now_ts - 60 - idea.created
        revived = rng.random() < REVIVED
        for agent in _supporters(rng, idea.place, idea.author, idea.supports):
            # Most supports come in the weeks after the idea; a revived idea's keep coming.
            if revived and rng.random() < 0.5:
                at = now_ts - 60 - span * rng.random() * min(1.0, 60 * DAY / max(span, 1))
            else:
                at = idea.created + 60 + (span - 60) * rng.random() ** 4
            ideas.append(idea.index)
            agents.append(agent)
            times.append(at)
            if at >= recent_since:
                idea.recent += 1
            idea.last_activity = max(idea.last_activity, at)
    return ideas, agents, times


def _plan_comments(rng, writer, planned, comments, long_comments, now_ts):
    """Every comment as (time, idea index, author, state, body, emojis); ``state`` 0 shown, 1
    deleted, 2 edited, 3 hidden. The busiest box's most supported adopted idea has
    ``long_comments`` of them (the idea page the benchmark reads)."""
    live = [idea for idea in planned if idea.status != S.MERGED]
    long_idea = None
    busiest = [idea for idea in live if idea.place.rank == 0]
    if long_comments and busiest:
        adopted = [idea for idea in busiest if idea.status == S.ADOPTED] or busiest
        long_idea = max(adopted, key=lambda idea: idea.supports)
        long_idea.comments = long_comments
    rest = max(0, comments - (long_idea.comments if long_idea else 0))
    weights = [(1 + idea.supports) ** 0.7 if idea is not long_idea else 0 for idea in live]
    if rest and sum(weights):
        for index in rng.choices(range(len(live)), weights=weights, k=rest):
            live[index].comments += 1
    rows = []
    for idea in live:
        place = idea.place
        answered = bool(idea.changes)
        span = now_ts - 60 - idea.created
        for _ in range(idea.comments):
            at = idea.created + 30 + (span - 30) * rng.random() ** 2
            draw = rng.random()
            state = (
                1
                if draw < DELETED
                else 2
                if draw < DELETED + EDITED
                else 3
                if draw < DELETED + EDITED + HIDDEN
                else 0
            )
            emojis = ()
            if state in (0, 2) and rng.random() < 0.05:
                emojis = tuple(rng.sample(EMOJIS, rng.randint(1, 2)))
            body = writer.comment(place.domain, answered)
            rows.append((at, idea.index, place.poster(rng), state, body, emojis))
            if state in (0, 2):
                idea.shown_comments += 1
            idea.last_activity = max(idea.last_activity, at)
    rows.sort(key=lambda row: row[0])
    return rows, long_idea


# --- the community side ----------------------------------------------------------------------


def _boxes_and_themes(rng, places, now):
    """Switch the idea box on in every generated community, give each a few themes, create its
    box; return each community's theme ids (by place)."""
    Community.objects.filter(pk__in=[p.community.pk for p in places]).update(tool_ideas=True)
    by_name = dict(Theme.objects.values_list("name", "pk"))
    through = Community.themes.through
    rows = []
    for place in places:
        names = [n for n in DOMAIN_THEMES.get(place.domain, []) if n in by_name]
        names += rng.sample(COMMON_THEMES, rng.randint(2, 3))
        place.themes = sorted({by_name[n] for n in names if n in by_name})
        rows += [through(community_id=place.community.pk, theme_id=t) for t in place.themes]
    through.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    IdeaBox.objects.bulk_create(
        [
            IdeaBox(
                community=place.community,
                intro="Proposez vos idées pour améliorer notre travail en réseau ; soutenez "
                "celles des autres. L'animation répond à chacune.",
                created_at=place.community.created_at,
            )
            for place in places
        ],
        batch_size=2000,
    )


# --- generation ------------------------------------------------------------------------------


def generate_ideas(
    *,
    communities=500,
    ideas=100_000,
    supports=2_000_000,
    comments=300_000,
    long_comments=400,
    agents=3000,
    seed=1,
    log=None,
):
    """Create the communities, their boxes, ideas, supports and comments; return what was made.

    ``agents`` new agents are generated first (bench/generator.py) and become the members;
    ``agents=0`` uses the generated agents already there.
    """
    from ideas.services import title_words

    if not settings.DEMO_DATA_ALLOWED:
        raise ImproperlyConfigured("Generated idea boxes are not allowed under these settings.")
    log = log or (lambda message: None)
    if communities < 1 or ideas < 1 or min(supports, comments, long_comments) < 0:
        raise ValueError("Il faut au moins une communauté et une idée.")
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not a secret
    now = timezone.now()
    now_ts = now.timestamp()
    recent_since = (now - timedelta(days=TRENDING_DAYS)).timestamp()
    with transaction.atomic():
        agent_ids = _generated_agents(agents, seed, log)
        places, memberships = _create_communities(rng, communities, agent_ids, now)
        for place in places:
            place.support_cumulative = _zipf_cumulative(len(place.members), 0.8)
        _boxes_and_themes(rng, places, now)
        log(f"{len(places)} communities, {memberships} members, their boxes and themes")

        writer = _Writer(rng)
        planned = _plan_ideas(rng, places, ideas, now_ts)
        _plan_statuses(rng, writer, planned, now_ts)
        _plan_support_counts(rng, planned, supports)
        support_ideas, support_agents, support_times = _plan_supports(
            rng, planned, now_ts, recent_since
        )
        comment_rows, long_idea = _plan_comments(
            rng, writer, planned, comments, long_comments, now_ts
        )
        log(f"{len(planned)} ideas, {len(support_ideas)} supports, {len(comment_rows)} comments")

        idea_base = (Idea.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        for idea in planned:
            if idea.status != S.MERGED:  # a merge leaves the merged idea's activity alone
                for moment, *_rest in idea.changes:
                    idea.last_activity = max(idea.last_activity, moment)
            idea.last_activity = max(idea.last_activity, idea.created)
            if idea.place.themes and rng.random() < 0.8:
                idea.themes = tuple(
                    rng.sample(idea.place.themes, min(len(idea.place.themes), rng.randint(1, 2)))
                )

        def idea_rows():
            for idea in planned:
                last = idea.changes[-1] if idea.changes else None
                answer = next((c[3] for c in reversed(idea.changes) if c[3]), "")
                merged = idea.status == S.MERGED
                yield (
                    idea_base + idea.index, False, idea.place.community.pk, idea.author,
                    idea.title, writer.body(idea.place.domain), idea.status, answer,
                    idea.place.members[0] if answer else None,
                    _moment(last[0]) if last else None,
                    idea_base + idea.merged_into if merged else None,
                    idea.supports, idea.recent, idea.shown_comments,
                    _moment(idea.created), None, _moment(idea.last_activity),
                )  # fmt: skip

        idea_fields = [
            "id", "is_hidden", "community", "author", "title", "body", "status", "answer",
            "answered_by", "status_changed_at", "merged_into", "support_count",
            "recent_support_count", "comment_count", "created_at", "edited_at",
            "last_activity_at",
        ]  # fmt: skip
        written_ideas = _write(Idea, idea_fields, idea_rows())
        _write(
            Idea.themes.through,
            ["idea", "theme"],
            ((idea_base + i.index, theme) for i in planned for theme in i.themes),
        )
        _write(
            IdeaTitleWord,
            ["community", "idea", "word"],
            (
                (i.place.community.pk, idea_base + i.index, word)
                for i in planned
                if i.status != S.MERGED  # a merge drops the duplicate's words
                for word in title_words(i.title)
            ),
        )
        _write(
            IdeaStatusChange,
            ["idea", "old", "new", "answer", "target", "actor", "created_at"],
            (
                (
                    idea_base + i.index,
                    old,
                    new,
                    answer,
                    idea_base + i.merged_into if new == S.MERGED else None,
                    i.place.members[0],
                    _moment(at),
                )  # fmt: skip
                for i in planned
                for at, old, new, answer in i.changes
            ),
        )
        log(f"{written_ideas} ideas with their themes, title words and status changes")

        order = sorted(range(len(support_times)), key=support_times.__getitem__)
        written_supports = _write(
            IdeaSupport,
            ["idea", "agent", "created_at"],
            (
                (idea_base + support_ideas[k], support_agents[k], _moment(support_times[k]))
                for k in order
            ),
        )
        del order
        log(f"{written_supports} supports")

        comment_base = (IdeaComment.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        revisions, reactions = [], []
        # Who follows an idea (ideas.following): its author, then whoever comments or supports
        # it, unless they stopped (UNFOLLOWED of them).
        follows = {(idea.author, idea.index): idea.created for idea in planned}

        def comment_rows_():
            for offset, (at, index, author, state, body, emojis) in enumerate(comment_rows):
                comment_id = comment_base + offset
                idea = planned[index]
                moment = _moment(at)
                edited_at = deleted_at = deleted_by = None
                if state == 1:
                    deleted_at, deleted_by = _moment(at + 600), author
                    revisions.append((comment_id, body, deleted_at, author))
                    body = ""
                elif state == 2:
                    edited_at = _moment(at + rng.uniform(60, DAY))
                    revisions.append((comment_id, body, edited_at, author))
                    body = f"{body} (précision : voir la note de {rng.choice(vocab.SLOTS['mois'])})"
                for emoji in emojis:
                    reactions.append((comment_id, idea.place.poster(rng), emoji, moment))
                if rng.random() >= UNFOLLOWED:
                    follows.setdefault((author, idea.index), at)
                yield (
                    comment_id, state == 3, idea.place.community.pk, idea_base + index, author,
                    body, moment, edited_at, deleted_at, deleted_by,
                )  # fmt: skip

        comment_fields = [
            "id", "is_hidden", "community", "idea", "author", "body", "created_at", "edited_at",
            "deleted_at", "deleted_by",
        ]  # fmt: skip
        written_comments = _write(IdeaComment, comment_fields, comment_rows_())
        _write(IdeaCommentRevision, ["comment", "body", "replaced_at", "replaced_by"], revisions)
        _write(IdeaCommentReaction, ["comment", "agent", "emoji", "created_at"], reactions)
        idea_type = ContentType.objects.get_for_model(Idea)

        def follow_rows():
            for (agent, index), at in follows.items():
                yield agent, idea_type.pk, idea_base + index, _moment(at)
            for index, agent, at in zip(support_ideas, support_agents, support_times, strict=True):
                if (agent, index) not in follows and rng.random() >= UNFOLLOWED:
                    yield agent, idea_type.pk, idea_base + index, _moment(at)

        written_follows = _write(
            Subscription, ["agent", "content_type", "object_id", "created_at"], follow_rows()
        )
        log(f"{written_comments} comments, {len(reactions)} reactions, {written_follows} follows")

        if connection.vendor == "postgresql":
            models = [Idea, IdeaComment, IdeaStatusChange, IdeaSupport, IdeaTitleWord]
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(sql)

    if connection.vendor == "postgresql":
        models = [Community, IdeaBox, Idea, Idea.themes.through, IdeaTitleWord, IdeaStatusChange]
        models += [IdeaSupport, IdeaComment, IdeaCommentRevision, IdeaCommentReaction]
        models += [Subscription]
        tables = [connection.ops.quote_name(model._meta.db_table) for model in models]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(tables))

    busiest = places[0]
    # The measured agent: the busiest box's most active member who is not an animator.
    viewer = busiest.members[_animators(busiest)]
    by_status = {}
    for idea in planned:
        by_status[idea.status] = by_status.get(idea.status, 0) + 1
    return {
        "communities": len(places),
        "memberships": memberships,
        "ideas": written_ideas,
        "supports": written_supports,
        "recent_supports": sum(idea.recent for idea in planned),
        "comments": written_comments,
        "reactions": len(reactions),
        "follows": written_follows,
        "by_status": by_status,
        "big_box_ideas": sum(1 for idea in planned if idea.place is busiest),
        "community": busiest.community.slug,
        "community_id": busiest.community.pk,
        "themes": busiest.themes,
        "viewer": viewer,
        "long_idea": idea_base + long_idea.index if long_idea else None,
        "now": now,
        "seconds": time.perf_counter() - started,
    }


# --- invariants ------------------------------------------------------------------------------


def check_invariants(communities=None, now=None):
    """What breaks the idea boxes' invariants in ``communities`` (all by default): a list of
    French sentences, empty when everything holds. ``now``: the moment the trending counts
    were taken (the generation's, ``made["now"]``; by default, now)."""
    from ideas.services import title_words

    now = now or timezone.now()
    since = now - timedelta(days=TRENDING_DAYS)
    ideas = Idea.objects.all()
    if communities is not None:
        ideas = ideas.filter(community__in=communities)
    problems = []
    supports = IdeaSupport.objects.filter(idea=OuterRef("pk")).order_by()
    counted = ideas.annotate(
        supports_n=Count("supports", distinct=True),
        recent_n=Count("supports", filter=Q(supports__created_at__gte=since), distinct=True),
    )
    wrong = counted.exclude(support_count=F("supports_n"), recent_support_count=F("recent_n"))
    for pk in wrong.values_list("pk", flat=True)[:5]:
        problems.append(f"idée {pk} : support_count ou recent_support_count faux")
    shown = ideas.annotate(
        shown_n=Count("comments", filter=Q(comments__deleted_at=None, comments__is_hidden=False))
    ).exclude(comment_count=F("shown_n"))
    for pk in shown.values_list("pk", flat=True)[:5]:
        problems.append(f"idée {pk} : comment_count différent des commentaires affichés")
    own = IdeaSupport.objects.filter(idea__in=ideas, agent=F("idea__author"))
    for pk in own.values_list("idea", flat=True)[:5]:
        problems.append(f"idée {pk} : soutenue par son auteur")
    merged = ideas.filter(status=S.MERGED)
    for pk in merged.filter(
        Q(merged_into=None)
        | ~Q(merged_into__community=F("community"))
        | Q(merged_into__status=S.MERGED)
        | ~Q(support_count=0)
        | ~Q(comment_count=0)
    ).values_list("pk", flat=True)[:5]:
        problems.append(f"idée {pk} : fusion incohérente (cible, soutiens ou commentaires)")
    for pk in (
        ideas.exclude(status=S.MERGED).exclude(merged_into=None).values_list("pk", flat=True)[:5]
    ):
        problems.append(f"idée {pk} : merged_into sans le statut « Fusionnée »")
    last_change = IdeaStatusChange.objects.filter(idea=OuterRef("pk")).order_by(
        "-created_at", "-pk"
    )
    changed = ideas.annotate(
        last_new=Subquery(last_change.values("new")[:1]),
        last_at=Subquery(last_change.values("created_at")[:1]),
    )
    stale = changed.exclude(
        Q(last_new=None, status=S.NEW, status_changed_at=None)
        | Q(last_new=F("status"), last_at=F("status_changed_at"))
    )
    for pk in stale.values_list("pk", flat=True)[:5]:
        problems.append(f"idée {pk} : statut différent de son dernier changement de statut")
    latest = Subquery(
        supports.order_by("-created_at").values("created_at")[:1]
    )  # the latest support
    late = ideas.annotate(latest_support=latest).filter(last_activity_at__lt=F("latest_support"))
    for pk in late.values_list("pk", flat=True)[:5]:
        problems.append(f"idée {pk} : last_activity_at avant son dernier soutien")
    through = Idea.themes.through
    community_themes = Community.themes.through.objects.filter(
        community=OuterRef("idea__community"), theme=OuterRef("theme")
    )
    foreign = (
        through.objects.filter(idea__in=ideas)
        .annotate(allowed=Subquery(community_themes.values("pk")[:1]))
        .filter(allowed=None)
    )
    for pk in foreign.values_list("idea", flat=True)[:5]:
        problems.append(f"idée {pk} : thème qui n'est pas celui de sa communauté")
    words = {}
    for idea_id, word in IdeaTitleWord.objects.filter(idea__in=ideas).values_list("idea", "word"):
        words.setdefault(idea_id, set()).add(word)
    rows = ideas.values_list("pk", "title", "status").iterator(chunk_size=5000)
    for pk, title, status in rows:
        # A merged idea is no longer offered as similar: the merge dropped its words.
        expected = set() if status == S.MERGED else set(title_words(title))
        if expected != words.get(pk, set()):
            problems.append(f"idée {pk} : mots du titre différents de ceux de son titre")
            if len(problems) > 20:
                break
    return problems
