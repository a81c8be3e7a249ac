"""A million documents for the search over everything: ``bench.search`` feeds them to a backend.

``corpus(1_000_000)`` plans the platform the index would hold — 82,000 agents, 2,000
communities, and the content of the communities and of the chat in the proportions of a
platform that has lived two years: chat messages first (45 %), then forum replies (25 %),
library files (6 %), ideas, forum topics, wiki pages and announcements — and ``batches()``
streams their ``search.documents.Document``\\ s, a batch at a time (never the million in memory),
straight into a backend's ``rebuild(batches)``. The documents are not ORM objects: the benchmark
measures the index (``backend.search(SearchRequest)``), not the page that reads it.

The text is the French of State agents, from the other generators' vocabularies: the forums'
questions, answers and contexts by domain (bench/forum_vocabulary.py), the wiki's headings,
the library's file names, the idea boxes' proposals, the directory's names, positions and
skills (bench/generator_vocabulary.py), chat lines written here. Dates spread over two years,
more of them recent (the platform grew); authors live in the 13 metropolitan regions.

Access keys follow the design (search.documents, /work/tools/search-design.md):

- the 2,000 communities: about 40 % open, their content ``internal`` + ``c<id>``; the others'
  content (on request, private listed, secret) ``c<id>`` only; the community's own document
  ``internal`` + ``c<id>`` unless it is secret (``c<id>`` only);
- agents: ``internal`` + ``c<id>`` for each community they are an active member of;
- chat: a message of a community's room takes its community's keys; a message of a direct or
  group room outside communities ``r<id>`` (no community).

Content spreads over the communities Zipf-like (the national networks are busy, most
departmental ones quiet); the viewer the benchmark searches as (``Corpus.viewer``) is an agent
in 20 communities — four of the ten busiest, sixteen others — and 30 chat rooms, banned from
one open community (``denied``).

Deterministic: the same ``(documents, seed, now)`` gives the same documents, batch after batch.
"""

import bisect
import json
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import accumulate
from pathlib import Path

from bench import forum_vocabulary as vocab
from bench import generator_vocabulary as people
from bench.documents_generator import NAMES as FILE_NAMES
from bench.forum_generator import _Text
from bench.ideas_generator import _Writer as _IdeaWriter
from bench.wiki_generator import HEADINGS, PREFIXES, SECTIONS
from search.documents import Document

DEFAULT_DOCUMENTS = 1_000_000
# How many of each type in a million documents; other sizes scale these.
SHARES = {
    "agent": 82_000,
    "community": 2_000,
    "announcement": 30_000,
    "forum_topic": 40_000,
    "forum_reply": 250_000,
    "wiki_page": 40_000,
    "document": 60_000,
    "idea": 46_000,
    "chat_message": 450_000,
}
TYPES = tuple(SHARES)
# A viewer in 20 communities needs a few more than that, whatever the size.
MIN_COMMUNITIES = 30
VIEWER_COMMUNITIES = 20
VIEWER_BUSY = 4  # of the viewer's communities, among the ten busiest
VIEWER_ROOMS = 30
ROOMS_PER_MILLION = 20_000  # direct and group rooms outside communities
COMMUNITY_ROOM_SHARE = 0.45  # of the chat messages, in a community's room
# Visibilities of the communities and what they give (search-design.md « Access »).
VISIBILITIES = (("open", 40), ("on_request", 25), ("private_listed", 25), ("secret", 10))
CONTENT_EXPONENT = 1.0  # the communities' share of the content, Zipf-like by rank
ROOM_EXPONENT = 0.8  # the rooms' share of the chat
SPAN_DAYS = 2 * 365
GROWTH = 1.3  # ages drawn as SPAN_DAYS * random() ** GROWTH: more recent documents
# How many communities an agent is an active member of (0 to 12), in a hundred.
MEMBERSHIPS = ([0, 1, 2, 3, 4, 5, 6, 8, 12], [14, 25, 20, 15, 10, 7, 4, 3, 2])
# Of the library's files: long extracted texts (a PDF report), tens of kilobytes.
LONG_FILES = 0.04
DAY = 86400.0
REFERENCE = Path(__file__).resolve().parent.parent / "directory" / "reference"

CHAT_LINES = [
    "Tu as vu la note de la {service} sur le sujet ?",
    "Je suis en réunion jusqu'à 15 h, je te rappelle après.",
    "Le dossier {dep} est arrivé ce matin, je regarde.",
    "Quelqu'un a le modèle de courrier pour les relances ?",
    "Merci, c'est noté !",
    "La visio de {mois} est décalée d'une semaine.",
    "Je t'envoie le tableau de suivi par mail.",
    "Le préfet veut un point de situation avant jeudi.",
    "On fait comment pour les astreintes du week-end ?",
    "Bonne nouvelle : le marché est notifié.",
    "Le lien vers le compte rendu ne marche pas chez moi.",
    "Je serai en télétravail demain, joignable sur la messagerie.",
    "Tu peux relire la fiche réflexe avant diffusion ?",
    "Le comité de pilotage valide la proposition.",
    "Attention, le délai d'instruction court depuis lundi.",
    "Je passe à la {service} cet après-midi pour la signature.",
    "Est-ce que le webinaire est enregistré ?",
    "Les chiffres de {dep} sont à jour dans le tableau.",
]  # fmt: skip
ANNOUNCEMENTS = [
    "Webinaire du réseau le {n} {mois} : inscriptions ouvertes",
    "Nouvelle note de service de la {service}",
    "Rencontre régionale en {dep} : le programme",
    "Compte rendu de la réunion de réseau de {mois}",
    "Bienvenue aux nouveaux membres de la communauté",
    "Appel à contributions : retours d'expérience sur la réforme",
    "Parution du guide national : ce qui change pour les services",
    "Enquête auprès des services : {n} minutes pour répondre",
    "Formation des nouveaux arrivants : session de {mois}",
    "Le réseau recrute des référents départementaux",
]  # fmt: skip
COMMUNITY_PREFIXES = ("", "Réseau des référents ")
# Words too common to make a query of their own.
STOP_WORDS = {
    "alors", "avant", "avec", "avez", "avoir", "cette", "comme", "dans", "depuis", "elle",
    "elles", "entre", "etre", "fait", "faut", "leur", "leurs", "mais", "meme", "nous", "notre",
    "peut", "plus", "pour", "quel", "quelle", "quels", "sans", "selon", "sont", "sous", "tous",
    "tout", "toute", "toutes", "tres", "vous", "votre", "chez", "deja", "encore", "aussi",
    "bien", "apres",
}  # fmt: skip


@dataclass
class Community:
    id: int
    name: str
    domain: str
    visibility: str
    region: str

    @property
    def content_keys(self):
        """The keys of everything in the community (its rooms' messages too)."""
        own = f"c{self.id}"
        return frozenset({"internal", own}) if self.visibility == "open" else frozenset({own})

    @property
    def card_keys(self):
        """The keys of the community's own document: listed unless secret."""
        own = f"c{self.id}"
        return frozenset({own}) if self.visibility == "secret" else frozenset({"internal", own})


@dataclass
class Viewer:
    """The agent the benchmark searches as, and the request's ``access``/``denied``."""

    agent_id: int
    communities: tuple
    rooms: tuple
    denied: frozenset
    keys: frozenset = field(default=frozenset())


def counts_for(documents):
    """How many documents of each type make ``documents`` in all (SHARES, scaled; at least
    MIN_COMMUNITIES communities, taken from the chat)."""
    if documents < 10 * MIN_COMMUNITIES:
        raise ValueError(f"Au moins {10 * MIN_COMMUNITIES} documents.")
    exact = {kind: share * documents / DEFAULT_DOCUMENTS for kind, share in SHARES.items()}
    counts = {kind: int(value) for kind, value in exact.items()}
    # The largest remainders get the documents rounding left over.
    left = documents - sum(counts.values())
    for kind in sorted(exact, key=lambda kind: exact[kind] - counts[kind], reverse=True)[:left]:
        counts[kind] += 1
    if counts["community"] < MIN_COMMUNITIES:
        counts["chat_message"] -= MIN_COMMUNITIES - counts["community"]
        counts["community"] = MIN_COMMUNITIES
    return counts


def _cumulative(count, exponent):
    return list(accumulate(1 / (rank + 1) ** exponent for rank in range(count)))


def _metropolitan():
    """The metropolitan departments (code, name, region code) and the 13 regions' codes."""
    regions = json.loads((REFERENCE / "regions.json").read_text())
    metropolitan = {region["code"] for region in regions if not region["overseas"]}
    departments = [
        (department["code"], department["name"], department["region"])
        for department in json.loads((REFERENCE / "departments.json").read_text())
        if department["region"] in metropolitan
    ]
    names = {region["code"]: region["name"] for region in regions}
    return departments, sorted(metropolitan), names


def _gendered(template, female):
    return re.sub(r"\{([^|}]*)\|([^}]*)\}", lambda m: m.group(2 if female else 1), template)


class Corpus:
    """The plan of ``documents`` documents: communities, agents, rooms and the viewer, made in
    the constructor (a few megabytes); the documents themselves by ``batches()``."""

    def __init__(self, documents=DEFAULT_DOCUMENTS, *, seed=1, now=None):
        self.documents = documents
        self.seed = seed
        self.now = now or datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        self.counts = counts_for(documents)
        rng = random.Random(f"search-plan-{seed}")  # noqa: S311 - test data
        self.departments, self.regions, self.region_names = _metropolitan()
        self.communities = self._plan_communities(rng)
        self.rooms = max(5, round(ROOMS_PER_MILLION * documents / DEFAULT_DOCUMENTS))
        self._plan_agents(rng)
        self.viewer = self._plan_viewer(rng)
        self.words = _query_words(rng)

    # --- the plan ----------------------------------------------------------------------------

    def _plan_communities(self, rng):
        count = self.counts["community"]
        subjects = list(vocab.SUBJECTS)
        names = []
        for prefix in COMMUNITY_PREFIXES:
            national, local = [], []
            for domain, subject in subjects:
                national.append((f"{prefix}{subject} (réseau national)", domain, None))
                for code in self.regions:
                    name = self.region_names[code]
                    local.append((f"{prefix}{subject} — {name}", domain, code))
                for code, name, region in self.departments:
                    local.append((f"{prefix}{subject} — {name} ({code})", domain, region))
            rng.shuffle(national)
            rng.shuffle(local)
            names.extend(national + local)
        # More communities than names: numbered again.
        names = [
            (name if lap == 0 else f"{name} ({lap + 1})", domain, region)
            for lap in range(-(-count // len(names)))
            for name, domain, region in names
        ][:count]
        # The national networks come first: the busiest, by rank.
        visibilities = [value for value, _ in VISIBILITIES]
        weights = [weight for _, weight in VISIBILITIES]
        return [
            Community(
                id=rank + 1,
                name=name,
                domain=domain,
                visibility=rng.choices(visibilities, weights)[0],
                region=region or rng.choice(self.regions),
            )
            for rank, (name, domain, region) in enumerate(names)
        ]

    def _plan_agents(self, rng):
        """The agents' names, departments and domains as small parallel lists (authors)."""
        count = self.counts["agent"]
        self.agent_female = [rng.random() < 0.55 for _ in range(count)]
        self.agent_first = [
            rng.choice(people.FIRST_NAMES_F if female else people.FIRST_NAMES_M)
            for female in self.agent_female
        ]
        self.agent_last = [rng.choice(people.LAST_NAMES) for _ in range(count)]
        self.agent_department = [rng.randrange(len(self.departments)) for _ in range(count)]
        domains = list(people.POSITIONS)
        self.agent_domain = [rng.choice(domains) for _ in range(count)]
        self.community_cumulative = _cumulative(len(self.communities), CONTENT_EXPONENT)
        self.room_cumulative = _cumulative(self.rooms, ROOM_EXPONENT)

    def _plan_viewer(self, rng):
        communities = self.communities
        busy = rng.sample(communities[:10], VIEWER_BUSY)
        taken = {community.id for community in busy}
        others = [community for community in communities[10:] if community.id not in taken]
        chosen = busy + rng.sample(others, VIEWER_COMMUNITIES - VIEWER_BUSY)
        rooms = tuple(sorted(rng.sample(range(1, self.rooms + 1), min(VIEWER_ROOMS, self.rooms))))
        ids = tuple(sorted(community.id for community in chosen))
        outside = [c for c in communities if c.visibility == "open" and c.id not in ids]
        denied = frozenset({rng.choice(outside).id}) if outside else frozenset()
        keys = frozenset({"internal", *(f"c{pk}" for pk in ids), *(f"r{pk}" for pk in rooms)})
        return Viewer(agent_id=1, communities=ids, rooms=rooms, denied=denied, keys=keys)

    @property
    def busiest_viewer_community(self):
        """The viewer's community with the most content (« dans cette communauté »)."""
        return min(self.viewer.communities)

    def community(self, community_id):
        return self.communities[community_id - 1]

    # --- the documents -----------------------------------------------------------------------

    def batches(self, size=2000):
        """The documents, ``size`` at a time (lists), in the same order at every call."""
        batch = []
        for document in self.documents_():
            batch.append(document)
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch

    def documents_(self):
        """Every document, one at a time."""
        make = _Maker(self)
        for kind in TYPES:
            build = getattr(make, kind)
            for number in range(1, self.counts[kind] + 1):
                yield build(number)


class _Maker:
    """Builds the documents of a corpus, type after type, from one seeded generator."""

    def __init__(self, corpus):
        self.corpus = corpus
        self.rng = rng = random.Random(f"search-documents-{corpus.seed}")  # noqa: S311
        self.text = _Text(rng)
        self.ideas = _IdeaWriter(rng)
        self.sentences = {
            domain: words["context"] + words["answers"]
            for domain, words in self.text.domains.items()
        }
        self.all_sentences = [s for sentences in self.sentences.values() for s in sentences]
        fill = self.text._fill
        self.chat_lines = [fill(line) for line in CHAT_LINES for _ in range(3)]
        self.announcements = [fill(line) for line in ANNOUNCEMENTS for _ in range(3)]
        self.now_ts = corpus.now.timestamp()
        self.topics = []  # (community id, title) of every topic, for their replies
        self.memberships = {corpus.viewer.agent_id: corpus.viewer.communities}

    # helpers

    def date(self):
        age = SPAN_DAYS * self.rng.random() ** GROWTH
        return datetime.fromtimestamp(self.now_ts - age * DAY, tz=UTC)

    def place(self):
        corpus = self.corpus
        index = bisect.bisect_left(
            corpus.community_cumulative, self.rng.random() * corpus.community_cumulative[-1]
        )
        return corpus.communities[min(index, len(corpus.communities) - 1)]

    def author(self):
        """(id, name, region) of a random agent."""
        corpus = self.corpus
        index = self.rng.randrange(corpus.counts["agent"])
        region = corpus.departments[corpus.agent_department[index]][2]
        return index + 1, f"{corpus.agent_first[index]} {corpus.agent_last[index]}", region

    def paragraph(self, domain, sentences=(2, 4)):
        pool = self.sentences[domain] if self.rng.random() < 0.8 else self.all_sentences
        return " ".join(self.rng.sample(pool, min(len(pool), self.rng.randint(*sentences))))

    def content(self, kind, number, place, title, body, url, date=None):
        author_id, author_name, region = self.author()
        return Document(
            type=kind,
            id=number,
            title=title,
            body=body,
            url=url,
            access=place.content_keys,
            date=date or self.date(),
            community_id=place.id,
            author_id=author_id,
            author_name=author_name,
            region=region,
        )

    # the types

    def agent(self, number):
        corpus, rng = self.corpus, self.rng
        index = number - 1
        female = corpus.agent_female[index]
        code, department, region = corpus.departments[corpus.agent_department[index]]
        domain = corpus.agent_domain[index]
        position = _gendered(rng.choice(people.POSITIONS[domain]), female)
        skills = rng.sample(people.SKILLS[domain], min(len(people.SKILLS[domain]), 3))
        transversal = rng.choice(people.TRANSVERSAL_DOMAINS)
        skills.append(rng.choice(people.SKILLS[transversal]))
        service = f"{rng.choice(vocab.SLOTS['service'])} {department}"
        communities = self.memberships.get(number)
        if communities is None:
            how_many = rng.choices(*MEMBERSHIPS)[0]
            communities = {self.place().id for _ in range(how_many)}
        name = f"{corpus.agent_first[index]} {corpus.agent_last[index]}"
        return Document(
            type="agent",
            id=number,
            title=name,
            body=f"{position} — {service} ({code}). Compétences : {', '.join(skills)}.",
            url=f"/annuaire/agents/{number}/",
            access=frozenset({"internal", *(f"c{pk}" for pk in communities)}),
            date=self.date(),
            author_id=number,
            author_name=name,
            region=region,
        )

    def community(self, number):
        place = self.corpus.community(number)
        subject = dict(vocab.SUBJECTS)[place.domain]
        topics = ", ".join(
            self.rng.sample(self.text.domains[place.domain]["discussions"], 2)
        ).lower()
        author_id, author_name, _ = self.author()
        return Document(
            type="community",
            id=number,
            title=place.name,
            body=f"La communauté des agents de l'État sur {subject.lower()} : {topics}. "
            f"{self.paragraph(place.domain, (1, 2))}",
            url=f"/communautes/c{number}/",
            access=place.card_keys,
            date=self.date(),
            community_id=number,
            author_id=author_id,
            author_name=author_name,
            region=place.region,
        )

    def announcement(self, number):
        place = self.place()
        body = "\n\n".join(self.paragraph(place.domain) for _ in range(self.rng.randint(2, 4)))
        url = f"/communautes/c{place.id}/annonces/{number}/"
        return self.content(
            "announcement", number, place, self.rng.choice(self.announcements), body, url
        )

    def forum_topic(self, number):
        rng, place = self.rng, self.place()
        question = rng.random() < 0.7
        title = self.text.title(place.domain, question)
        self.topics.append((place.id, title))
        url = f"/communautes/c{place.id}/forums/sujets/{number}/"
        body = self.text.opening(place.domain, question)
        return self.content("forum_topic", number, place, title, body, url)

    def forum_reply(self, number):
        rng = self.rng
        if self.topics:
            # The busy topics get most replies.
            topic = int(len(self.topics) * rng.random() ** 2)
            community_id, title = self.topics[topic]
            place = self.corpus.community(community_id)
        else:
            place = self.place()
            topic, title = 0, self.text.title(place.domain, True)
        body = self.text.reply(place.domain, by_asker=rng.random() < 0.15, quote=rng.random() < 0.1)
        url = f"/communautes/c{place.id}/forums/sujets/{topic + 1}/#message-{number}"
        return self.content("forum_reply", number, place, title, body, url)

    def wiki_page(self, number):
        rng, place = self.rng, self.place()
        subject = rng.choice(self.text.domains[place.domain]["questions"]).split(" : ")[0]
        title = f"{rng.choice(PREFIXES)} — {subject.rstrip(' ?')}"
        parts = [self.paragraph(place.domain, (1, 2))]
        for heading in rng.sample(HEADINGS, rng.randint(1, 4)):
            parts.append(heading)
            parts.extend(self.paragraph(place.domain) for _ in range(rng.randint(1, 3)))
        parts.append(f"Rubrique : {rng.choice(SECTIONS)}.")
        url = f"/communautes/c{place.id}/wiki/{number}/"
        return self.content("wiki_page", number, place, title, "\n\n".join(parts), url)

    def document(self, number):
        rng, place = self.rng, self.place()
        template, kind = rng.choice(FILE_NAMES)
        date = self.date()
        name = self.text._fill(
            template.replace("{n:05d}", f"{number:05d}")
            .replace("{n:04d}", f"{number % 10000:04d}")
            .replace("{y}", str(date.year))
            .replace("{d}", str(date.day))
        ).replace("{n}", str(number))
        if kind == "png":
            body = ""
        elif kind in ("csv", "ods"):
            body = " ".join(
                f"{rng.choice(vocab.SLOTS['dep'])} {rng.randint(1, 500)} {rng.choice(vocab.SLOTS['mois'])}"
                for _ in range(rng.randint(5, 40))
            )
        else:
            paragraphs = rng.randint(20, 120) if rng.random() < LONG_FILES else rng.randint(2, 8)
            body = "\n\n".join(self.paragraph(place.domain, (3, 6)) for _ in range(paragraphs))
        url = f"/communautes/c{place.id}/documents/{number}/"
        return self.content("document", number, place, f"{name}.{kind}", body, url, date)

    def idea(self, number):
        place = self.place()
        url = f"/communautes/c{place.id}/idees/{number}/"
        return self.content(
            "idea",
            number,
            place,
            self.ideas.title(place.domain),
            self.ideas.body(place.domain),
            url,
        )

    def chat_message(self, number):
        rng, corpus = self.rng, self.corpus
        # Mostly the chat's own lines, some the forums' sentences.
        line = rng.choice(self.all_sentences if rng.random() < 0.3 else self.chat_lines)
        if rng.random() < COMMUNITY_ROOM_SHARE:
            place = self.place()
            room = f"c{place.id}-general"
            return self.content(
                "chat_message",
                number,
                place,
                f"Salon « Général » de {place.name}",
                line,
                f"/messagerie/{room}/#message-{number}",
            )
        room = 1 + bisect.bisect_left(
            corpus.room_cumulative, rng.random() * corpus.room_cumulative[-1]
        )
        room = min(room, corpus.rooms)
        author_id, author_name, region = self.author()
        return Document(
            type="chat_message",
            id=number,
            title=f"Conversation avec {author_name}",
            body=line,
            url=f"/messagerie/{room}/#message-{number}",
            access=frozenset({f"r{room}"}),
            date=self.date(),
            author_id=author_id,
            author_name=author_name,
            region=region,
        )


# --- what the benchmark types ----------------------------------------------------------------


@dataclass
class Words:
    """Queries an agent would type, drawn from the corpus's own text, so they find documents."""

    single: list
    pairs: list
    phrases: list


def _tokens(sentence):
    return [token.strip(".,;:!?()«»\"'") for token in sentence.split()]


def _query_words(rng):
    from search.query import words_of

    text = _Text(random.Random(0))  # noqa: S311 - the pools' sentences, slots filled
    sentences = [
        sentence
        for words in text.domains.values()
        for part in ("questions", "context", "answers")
        for sentence in words[part]
    ]
    rng.shuffle(sentences)

    def good(token):
        plain = words_of(token)
        return len(plain) == 1 and len(plain[0]) >= 5 and plain[0] not in STOP_WORDS

    single, pairs, phrases, seen = [], [], [], set()
    for sentence in sentences:
        tokens = [token for token in _tokens(sentence) if token]
        kept = [token.lower() for token in tokens if good(token) and "'" not in token]
        for token in kept[:2]:
            if token not in seen:
                seen.add(token)
                single.append(token)
        if len(kept) >= 2:
            pairs.append(" ".join(rng.sample(kept, 2)))
        for start in range(len(tokens) - 1):
            first, second = tokens[start], tokens[start + 1]
            if good(first) and good(second) and "'" not in first + second:
                phrases.append(f"« {first.lower()} {second.lower()} »")
                break
    return Words(single=single[:60], pairs=pairs[:60], phrases=phrases[:60])


def corpus(documents=DEFAULT_DOCUMENTS, *, seed=1, now=None):
    """The plan of ``documents`` documents (``Corpus``)."""
    return Corpus(documents, seed=seed, now=now)
