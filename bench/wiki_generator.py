"""A large community wiki for benchmarks: ``python -m bench.generate_wiki``.

One community (its members and charter, as the forums' generator makes them) whose wiki has
20,000 pages in a tree (the home page, sections, their pages and sub-pages) and about 100,000
revisions spread over them Zipf-like (most pages have one to three revisions, a few dozens), in
the French of State agents' notes (bench/forum_vocabulary.py: procedures, marchés publics, police
de l'eau, RH…), with ``[[links]]`` between pages and to missing pages. One page, « Guide de la
commande publique », has 1,000 revisions of about 50 KB each, written last: each revision
changes a few paragraphs of the one before, the last two differ in a few paragraphs (the diff the
benchmark measures).

Speed: everything is planned in memory, then written once per table (``COPY`` on PostgreSQL,
``executemany`` elsewhere: ``bench.forum_generator._write``). Pages and revisions get their
primary keys here, revisions in the order they were written (``created_at``), so a page's
revisions lie scattered over the table as on a live server. Revision bodies are made while they
are written, never all held in memory.

The models' invariants hold (``check_invariants`` says which does not): a page's revisions are
numbered 1..``last_number`` without gaps; the page's ``title``, ``body``, ``updated_at`` and
``updated_by`` are its last revision's; a revision's ``length`` is its body's and ``delta`` the
change from the revision before; revisions and links are in their page's community; a link's
``target`` is the page of its ``target_key`` (None when no page has that title).

Never run under production settings (``DEMO_DATA_ALLOWED``).
"""

import bisect
import random
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, OuterRef, Subquery
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.text import slugify

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
from communities.models import Community
from wiki.markup import wiki_links
from wiki.models import SLUG_MAX, TITLE_MAX, Page, PageLink, Revision, normalise_title

DAY = 86400.0
LONG_TITLE = "Guide de la commande publique"
# The wiki's top sections (under the home page's level), then the kinds of page under them.
SECTIONS = [
    "Procédures", "Fiches réflexes", "Modèles de courriers", "Textes de référence",
    "Organisation du réseau", "Outils numériques", "Formations", "Retours d'expérience",
    "Calendrier et échéances", "Contacts utiles", "Glossaire", "Notes de service",
    "Contrôles et inspections", "Budget et finances", "Ressources humaines", "Communication",
    "Partenaires", "Archives", "Projets en cours", "Comptes rendus",
]  # fmt: skip
PREFIXES = [
    "Fiche pratique", "Procédure", "Modèle", "Guide", "Retour d'expérience", "Note de synthèse",
    "Liste de contrôle", "Mémo", "Point juridique", "Tutoriel", "Calendrier", "Bonnes pratiques",
    "Questions-réponses", "Cas pratique", "Check-list", "Vade-mecum", "Compte rendu",
    "Synthèse", "Foire aux questions", "Circuit de validation",
]  # fmt: skip
HEADINGS = [
    "Contexte", "Textes de référence", "Procédure pas à pas", "Points de vigilance",
    "Modèles et outils", "Contacts", "Calendrier", "Questions fréquentes", "Exemples",
    "Pour aller plus loin", "Délais", "Pièces à fournir", "Rôle de chacun", "Historique",
]  # fmt: skip
SUMMARIES = [
    "", "", "", "Correction de coquilles", "Mise à jour après la note de service de {mois}",
    "Ajout d'un exemple de la {service}", "Reformulation de l'introduction",
    "Mise à jour des contacts", "Ajout des textes de référence", "Précisions sur les délais",
    "Lien vers le modèle ajouté", "Mise en forme", "Compléments après la réunion de réseau",
    "Actualisation des seuils", "Suppression d'un paragraphe obsolète",
]  # fmt: skip
MISSING = [
    "Annuaire des référents {dep}",
    "Modèle de courrier de relance",
    "Foire aux questions {mois}",
    "Contacts de la {service} {dep}",
    "Glossaire des sigles",
]
# Share of pages that are sub-pages of a page rather than of a section; of restore revisions.
NESTED, RESTORED = 0.3, 0.01
LONG_PARAGRAPH_CHARS = 500
REVISION_EXPONENT = 1.1


@dataclass(eq=False)
class _Page:
    index: int
    title: str
    parent: int = None  # the parent's index
    depth: int = 0
    position: int = 0
    is_home: bool = False
    kind: str = Page.Kind.PAGE
    seed: int = 0
    paragraphs: list = field(default_factory=list)
    revisions: int = 1
    times: list = field(default_factory=list)  # the revisions' timestamps, oldest first
    authors: list = field(default_factory=list)
    restores: dict = field(default_factory=dict)  # number → the number it restores
    long: bool = False


class _Writer:
    """The pages' paragraphs and the bodies of their revisions."""

    def __init__(self, rng):
        self.rng = rng
        text = _Text(rng)
        self.sentences = [
            sentence
            for words in text.domains.values()
            for part in ("context", "answers")
            for sentence in words[part]
        ]
        self.openers = text.openers
        self.months = vocab.SLOTS["mois"]
        self.filled = text._fill

    def paragraph(self, rng, *, sentences=(2, 4), links=()):
        chosen = rng.sample(self.sentences, rng.randint(*sentences))
        if links:
            chosen.append("Voir aussi " + ", ".join(f"[[{title}]]" for title in links) + ".")
        if rng.random() < 0.15:
            return "\n".join(f"- {sentence}" for sentence in chosen)
        return " ".join(chosen)

    def page(self, rng, titles):
        """The paragraphs of an ordinary page (1 to 4 KB), with headings and a few links."""
        paragraphs = [self.paragraph(rng, sentences=(1, 2))]
        for heading in rng.sample(HEADINGS, rng.randint(1, 4)):
            paragraphs.append(f"## {heading}")
            for _ in range(rng.randint(1, 3)):
                links = []
                if titles and rng.random() < 0.3:
                    links = rng.sample(titles, min(len(titles), rng.randint(1, 2)))
                if rng.random() < 0.05:
                    links.append(self.filled(rng.choice(MISSING)))
                paragraphs.append(self.paragraph(rng, links=links))
        return paragraphs

    def long_page(self, rng, size, titles):
        """About ``size`` characters of numbered sections, with links to other pages."""
        paragraphs, length, step = [], 0, 0
        while length < size:
            if len(paragraphs) % 9 == 0:
                step += 1
                line = f"## {step}. {rng.choice(HEADINGS)}"
            else:
                line = self.long_paragraph(rng, titles)
            paragraphs.append(line)
            length += len(line) + 2
        return paragraphs

    def long_paragraph(self, rng, titles=()):
        parts, length = [], 0
        while length < LONG_PARAGRAPH_CHARS:
            sentence = rng.choice(self.sentences)
            parts.append(sentence)
            length += len(sentence) + 1
        if titles and rng.random() < 0.2:
            parts.append(f"Voir [[{rng.choice(titles)}]].")
        return " ".join(parts)

    def summary(self, rng):
        return self.filled(rng.choice(SUMMARIES))


def _body_of(page, number, writer):
    """The body of ``page``'s revision ``number`` (an ordinary page): it grows from its first
    paragraphs to all of them; an older revision has one paragraph in an earlier wording; a
    restore is the body of the revision it restores."""
    while number in page.restores:
        number = page.restores[number]
    count = len(page.paragraphs)
    shown = max(1, -(-count * number // page.revisions))
    paragraphs = page.paragraphs[:shown]
    if number < page.revisions:
        rng = random.Random(page.seed * 100_003 + number)  # noqa: S311 - test data
        at = rng.randrange(len(paragraphs))
        if not paragraphs[at].startswith("##"):
            paragraphs = list(paragraphs)
            paragraphs[at] = writer.paragraph(rng, sentences=(1, 3))
    return "\n\n".join(paragraphs)


def _unique_titles(rng, count):
    """``count`` page titles, each unique once normalised, in French."""
    text = _Text(rng)
    topics = [
        title
        for words in text.domains.values()
        for part in ("questions", "discussions")
        for title in words[part]
    ]
    taken = {normalise_title(LONG_TITLE), normalise_title("Accueil")}
    taken |= {normalise_title(section) for section in SECTIONS}
    titles = []
    while len(titles) < count:
        title = f"{rng.choice(PREFIXES)} : {rng.choice(topics)}"
        key = normalise_title(title)
        if key in taken:
            title = f"{title} ({rng.choice(vocab.SLOTS['dep'])})"
            key = normalise_title(title)
        number = 2
        base = title
        while key in taken:
            title = f"{base} — {number}"
            key = normalise_title(title)
            number += 1
        taken.add(key)
        titles.append(title[:TITLE_MAX])
    return titles


def _plan_pages(rng, writer, pages, revisions, long_revisions, long_size):
    """Every page's place in the tree, paragraphs and number of revisions."""
    plan = [_Page(index=0, title="Accueil", is_home=True, position=1)]
    room = pages - 1 - (1 if long_revisions else 0)  # pages besides the home and the long one
    sections = []
    for title in SECTIONS[: max(1, min(len(SECTIONS), room // 50))][:room]:
        sections.append(_Page(index=len(plan), title=title, position=len(plan) + 1))
        plan.append(sections[-1])
    positions = {}
    for title in _unique_titles(rng, room - len(sections)):
        page = _Page(index=len(plan), title=title)
        if rng.random() < NESTED and len(plan) > len(sections) + 1:
            parent = rng.choice(plan[len(sections) + 1 :])
            if parent.depth >= 4:
                parent = plan[parent.parent]
        else:
            parent = rng.choice(sections)
        page.parent, page.depth = parent.index, parent.depth + 1
        positions[parent.index] = positions.get(parent.index, 0) + 1
        page.position = positions[parent.index]
        if title.startswith(("Foire aux questions", "Questions-réponses")):
            page.kind = Page.Kind.FAQ
        plan.append(page)
    titles = [page.title for page in plan]
    for page in plan:
        page.seed = rng.randrange(1 << 30)
        page_rng = random.Random(page.seed)  # noqa: S311 - test data
        if page.kind == Page.Kind.FAQ:
            page.paragraphs = [writer.paragraph(page_rng, sentences=(1, 2))]
            for question in page_rng.sample(writer.sentences, page_rng.randint(3, 8)):
                page.paragraphs.append(f"## {question.rstrip('.')} ?")
                page.paragraphs.append(writer.paragraph(page_rng))
        else:
            page.paragraphs = writer.page(page_rng, titles)
    if long_revisions:
        # The long page comes last: under the first section when there is one.
        parent = sections[0] if sections else None
        plan.append(
            _Page(
                index=len(plan),
                title=LONG_TITLE,
                parent=parent.index if parent else None,
                depth=1 if parent else 0,
                position=positions.get(1, 0) + 1 if parent else len(plan) + 1,
                long=True,
                revisions=long_revisions,
                seed=rng.randrange(1 << 30),
            )
        )
    # The other revisions spread Zipf-like over the ordinary pages, each page having one.
    ordinary = [page for page in plan if not page.long]
    extra = revisions - len(ordinary) - long_revisions
    if ordinary and extra > 0:
        order = list(ordinary)
        rng.shuffle(order)
        cumulative = _zipf_cumulative(len(order), REVISION_EXPONENT)
        for _ in range(extra):
            pick = bisect.bisect(cumulative, rng.random() * cumulative[-1])
            order[pick].revisions += 1
    return plan


def _plan_times(rng, plan, members, cumulative, now_ts):
    """Each revision's time and author; restores among them; the long page's, the latest."""
    start = now_ts - 3 * 365 * DAY
    for page in plan:
        if page.long:
            first = now_ts - 400 * DAY
            step = (now_ts - 3600 - first) / max(1, page.revisions)
            page.times = [
                first + step * n + rng.uniform(0, step / 2) for n in range(page.revisions)
            ]
        else:
            created = rng.uniform(start, now_ts - 2 * DAY)
            later = sorted(rng.uniform(created, now_ts - 60) for _ in range(page.revisions - 1))
            page.times = [created, *later]
            # Strictly increasing: the revisions' order is their numbers'.
            for n in range(1, len(page.times)):
                page.times[n] = max(page.times[n], page.times[n - 1] + 1)
        page.authors = [
            members[bisect.bisect(cumulative, rng.random() * cumulative[-1])]
            for _ in range(page.revisions)
        ]
        if not page.long:
            for number in range(3, page.revisions + 1):
                if rng.random() < RESTORED:
                    page.restores[number] = rng.randint(1, number - 2)


def _slugs(plan):
    taken, slugs = set(), []
    for page in plan:
        base = slugify(page.title)[: SLUG_MAX - 6].strip("-") or "page"
        slug, number = base, 2
        while slug in taken:
            slug = f"{base}-{number}"
            number += 1
        taken.add(slug)
        slugs.append(slug)
    return slugs


class _LongBodies:
    """The long page's revisions, one after the other: each changes one to three paragraphs of
    the one before (sometimes adds or removes one); the last differs from the one before it in
    three paragraphs."""

    def __init__(self, page, writer, size, titles):
        self.rng = random.Random(page.seed)  # noqa: S311 - test data
        self.writer = writer
        self.titles = titles
        self.paragraphs = writer.long_page(self.rng, size, titles)
        self.size = size
        self.last = page.revisions

    def body(self, number):
        rng, paragraphs = self.rng, self.paragraphs
        if number > 1:
            for _ in range(3 if number == self.last else rng.randint(1, 3)):
                at = rng.randrange(1, len(paragraphs))
                if paragraphs[at].startswith("##"):
                    at = at + 1 if at + 1 < len(paragraphs) else at - 1
                length = sum(len(p) + 2 for p in paragraphs)
                draw = rng.random()
                if draw < 0.1 and length < self.size * 1.05:
                    paragraphs.insert(at, self.writer.long_paragraph(rng, self.titles))
                elif draw < 0.2 and length > self.size * 0.95 and len(paragraphs) > 10:
                    del paragraphs[at]
                else:
                    paragraphs[at] = self.writer.long_paragraph(rng, self.titles)
        return "\n\n".join(paragraphs)


def generate_wiki(
    *,
    pages=20_000,
    revisions=100_000,
    long_revisions=1000,
    long_size=50_000,
    agents=3000,
    seed=1,
    log=None,
):
    """Create a community and its wiki; return what was made.

    ``agents`` new agents are generated first (bench/generator.py) and become the members;
    ``agents=0`` uses the generated agents already there. The last page has ``long_revisions``
    revisions of about ``long_size`` characters (none when ``long_revisions`` is 0).
    """
    if not settings.DEMO_DATA_ALLOWED:
        raise ImproperlyConfigured("Generated wiki data is not allowed under these settings.")
    log = log or (lambda message: None)
    if pages < 2 + (1 if long_revisions else 0) or long_revisions < 0 or long_size < 0:
        raise ValueError("Il faut au moins deux pages en plus de la page de longue histoire.")
    least = pages - 1 + long_revisions if long_revisions else pages
    if revisions < least:
        raise ValueError(
            f"{revisions} révisions ne suffisent pas : {pages} pages dont une de "
            f"{long_revisions} révisions en demandent au moins {least}."
        )
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not a secret
    now = timezone.now()
    now_ts = now.timestamp()
    with transaction.atomic():
        agent_ids = _generated_agents(agents, seed, log)
        places, memberships = _create_communities(rng, 1, agent_ids, now)
        place = places[0]
        community = place.community
        Community.objects.filter(pk=community.pk).update(tool_wiki=True, tool_documents=True)
        # Writers: a fifth of the members, the most active first.
        writers = place.members[: max(3, len(place.members) // 5)]
        cumulative = _zipf_cumulative(len(writers), 1.0)

        writer = _Writer(rng)
        plan = _plan_pages(rng, writer, pages, revisions, long_revisions, long_size)
        _plan_times(rng, plan, writers, cumulative, now_ts)
        slugs = _slugs(plan)
        log(f"{len(plan)} pages planned")

        page_base = (Page.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        revision_base = (Revision.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        titles = [page.title for page in plan]
        long_page = plan[-1] if plan[-1].long else None
        long_bodies = _LongBodies(long_page, writer, long_size, titles[:-1]) if long_page else None

        # The revisions in the order they were written (ids follow created_at).
        order = sorted(
            (page.times[n], page.index, n + 1) for page in plan for n in range(page.revisions)
        )
        finals = {}
        lengths = {}

        def revision_rows():
            for offset, (created, index, number) in enumerate(order):
                page = plan[index]
                body = long_bodies.body(number) if page.long else _body_of(page, number, writer)
                previous = lengths.get(index, 0)
                lengths[index] = len(body)
                if number == page.revisions:
                    finals[index] = body
                restored = page.restores.get(number)
                if number == 1:
                    kind, summary = Revision.Kind.CREATE, ""
                elif restored:
                    kind = Revision.Kind.RESTORE
                    summary = f"Restauration de la révision {restored}"
                else:
                    kind = Revision.Kind.EDIT
                    summary = writer.summary(rng)
                yield (
                    revision_base + offset, page_base + index, community.pk, number,
                    number - 1 if number > 1 else None, kind, page.title, body, summary,
                    len(body), len(body) - previous, restored, page.authors[number - 1],
                    _moment(created),
                )  # fmt: skip

        revision_fields = [
            "id", "page", "community", "number", "base_number", "kind", "title", "body",
            "summary", "length", "delta", "restored_from", "author", "created_at",
        ]  # fmt: skip
        written = _write(Revision, revision_fields, revision_rows())
        log(f"{written} revisions")

        page_fields = [
            "id", "is_hidden", "community", "parent", "title", "title_key", "slug", "kind",
            "position", "protected", "is_home", "author", "created_at", "last_number", "body",
            "updated_at", "updated_by",
        ]  # fmt: skip
        _write(
            Page,
            page_fields,
            (
                (
                    page_base + page.index,
                    False,
                    community.pk,
                    None if page.parent is None else page_base + page.parent,
                    page.title,
                    normalise_title(page.title),
                    slugs[page.index],
                    page.kind,
                    page.position,
                    page.is_home,
                    page.is_home,
                    page.authors[0],
                    _moment(page.times[0]),
                    page.revisions,
                    finals[page.index],
                    _moment(page.times[-1]),
                    page.authors[-1],
                )  # fmt: skip
                for page in plan
            ),
        )
        keys = {normalise_title(page.title): page_base + page.index for page in plan}
        links = []
        for page in plan:
            for key, title in wiki_links(finals[page.index]):
                links.append((community.pk, page_base + page.index, key, title, keys.get(key)))
        _write(PageLink, ["community", "source", "target_key", "target_title", "target"], links)
        log(f"{len(links)} links")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), [Page, Revision]):
                    cursor.execute(sql)

    if connection.vendor == "postgresql":
        tables = [connection.ops.quote_name(m._meta.db_table) for m in (Page, Revision, PageLink)]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(tables))

    viewer = place.members[_animators(place)]
    return {
        "community": community.slug,
        "community_id": community.pk,
        "memberships": memberships,
        "pages": len(plan),
        "revisions": written,
        "links": len(links),
        "long_page": page_base + long_page.index if long_page else None,
        "long_slug": slugs[long_page.index] if long_page else None,
        "long_length": lengths[long_page.index] if long_page else 0,
        "viewer": viewer,
        "seconds": time.perf_counter() - started,
    }


def check_invariants(communities=None):
    """What breaks the wiki's invariants in ``communities`` (all by default): a list of French
    sentences, empty when everything holds."""
    pages = Page.objects.all()
    revisions = Revision.objects.all()
    links = PageLink.objects.all()
    if communities is not None:
        pages = pages.filter(community__in=communities)
        revisions = revisions.filter(community__in=communities)
        links = links.filter(community__in=communities)
    problems = []
    numbered = pages.annotate(
        revisions_n=Count("revisions"),
        first=Min("revisions__number"),
        last=Max("revisions__number"),
    ).exclude(revisions_n=F("last_number"), first=1, last=F("last_number"))
    for row in numbered.values("pk", "last_number", "revisions_n", "first", "last")[:5]:
        problems.append(f"page {row['pk']} : révisions numérotées avec des trous ({row})")
    current = revisions.filter(number=F("page__last_number")).exclude(
        title=F("page__title"),
        body=F("page__body"),
        created_at=F("page__updated_at"),
        author=F("page__updated_by"),
    )
    for pk in current.values_list("page", flat=True)[:5]:
        problems.append(f"page {pk} : titre, texte, date ou auteur différents de sa révision")
    for pk in revisions.exclude(community=F("page__community")).values_list("pk", flat=True)[:5]:
        problems.append(f"révision {pk} : pas dans la communauté de sa page")
    measured = revisions.annotate(chars=Length("body")).exclude(length=F("chars"))
    for pk in measured.values_list("pk", flat=True)[:5]:
        problems.append(f"révision {pk} : longueur différente de celle de son texte")
    previous = Revision.objects.filter(page=OuterRef("page"), number=OuterRef("number") - 1)
    deltas = (
        revisions.filter(number__gt=1)
        .annotate(before=Subquery(previous.values("length")[:1]))
        .exclude(delta=F("length") - F("before"))
    )
    for pk in deltas.values_list("pk", flat=True)[:5]:
        problems.append(f"révision {pk} : écart de longueur faux")
    firsts = revisions.filter(number=1).exclude(delta=F("length"))
    for pk in firsts.values_list("pk", flat=True)[:5]:
        problems.append(f"révision {pk} : écart de longueur faux (première révision)")
    wrong_parent = pages.exclude(parent=None).exclude(community=F("parent__community"))
    for pk in wrong_parent.values_list("pk", flat=True)[:5]:
        problems.append(f"page {pk} : parente dans une autre communauté")
    homes = pages.filter(is_home=True).values("community").annotate(n=Count("pk"))
    for row in homes.exclude(n=1)[:5]:
        problems.append(f"communauté {row['community']} : {row['n']} pages d'accueil")
    for pk in links.exclude(source__community=F("community")).values_list("pk", flat=True)[:5]:
        problems.append(f"lien {pk} : pas dans la communauté de sa page")
    targeted = links.exclude(target=None).exclude(
        target__title_key=F("target_key"), target__community=F("community")
    )
    for pk in targeted.values_list("pk", flat=True)[:5]:
        problems.append(f"lien {pk} : cible qui ne porte pas le titre du lien")
    keys = pages.filter(community=OuterRef("community"), title_key=OuterRef("target_key"))
    orphans = links.filter(target=None).annotate(found=Subquery(keys.values("pk")[:1]))
    for pk in orphans.exclude(found=None).values_list("pk", flat=True)[:5]:
        problems.append(f"lien {pk} : sans cible alors que la page existe")
    return problems
