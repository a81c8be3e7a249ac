"""What is indexed and what a search over everything returns, whatever the backend.

A ``Document`` is one searchable thing — an agent, a community, an announcement, a forum topic
or reply, a wiki page, a library file, an idea, a chat message — as its app describes it
(``search.registry.register_type``). It carries its **access keys**: short words that say who may
read it (``internal``: every State agent — the content of an open community, a listed community, an
agent's profile; ``c12``: the active members of community 12 — the content of a private one;
``r55``: the members of chat room 55). A viewer's keys come from the permission policy at query
time (``search.registry.access_for``): a removed member loses access at once. What changes who
may read a whole community (its visibility, a tool switched off) indexes its documents again
(``search.indexing.queue_community``); a banned agent's communities are ``denied`` whatever the
keys say.

Keys are letters and digits only, so every backend stores them as plain tokens.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

# A viewer who reads everything (a platform administrator): no access filter at all.
EVERYTHING = "*"
KEY_PATTERN = re.compile(r"^[a-z0-9]{1,40}$")

# The date facet: (value, label, days back). A value filters « newer than that many days ».
PERIODS = (
    ("semaine", "Depuis 7 jours", 7),
    ("mois", "Depuis 30 jours", 30),
    ("annee", "Depuis un an", 365),
)
SORTS = {"relevance": "Pertinence", "date": "Date"}
FACETS = {
    "type": "Type",
    "community": "Communauté",
    "region": "Région de l’auteur",
    "period": "Date",
}


def text_of(*parts, separator="\n"):
    """A document's text from its parts, the empty ones left out."""
    return separator.join(part for part in parts if part)


@dataclass(frozen=True)
class Document:
    type: str
    id: int
    title: str
    body: str
    url: str
    access: frozenset
    date: datetime
    community_id: int | None = None
    author_id: int | None = None
    author_name: str = ""
    # The author's region (its code) when the document was indexed.
    region: str = ""
    # Generic facets of a type's own search (the directory's faceted list of agents), ignored by
    # the search over everything and by the database backend: "facet:value" strings ...
    tags: frozenset = frozenset()
    # ... ``(key, integer)`` pairs a list may rank by (the sum over the keys it names) ...
    ranks: tuple = ()
    # ... and the normalised text a list sorts by name on.
    sort_key: str = ""

    def __post_init__(self):
        for key in self.access:
            if not KEY_PATTERN.match(key):
                raise ValueError(f"Access key {key!r} is not letters and digits.")

    @property
    def key(self):
        return f"{self.type}:{self.id}"


@dataclass(frozen=True)
class Query:
    """A query as the agent wrote it, parsed (``search.query.parse``): words every result must
    hold, « phrases between quotes », words excluded with « - »; each in its normalised form
    (lower case, no accents, no elision) — the backends stem them their own way."""

    text: str
    words: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[str, ...] = ()
    # The last word is being typed: match it as a prefix (suggestions).
    prefix: bool = False

    def __bool__(self):
        return bool(self.words or self.phrases)


@dataclass(frozen=True)
class SearchRequest:
    query: Query
    # The viewer's access keys, or EVERYTHING.
    access: frozenset | str
    # Communities (ids) whose documents the viewer may not read whatever the keys say (banned).
    denied: frozenset = frozenset()
    # facet name -> the values kept (OR within a facet, AND between facets); "community" values
    # are ids as strings; "period" one of PERIODS' values.
    filters: dict = field(default_factory=dict)
    sort: str = "relevance"
    # 0-based offset and size of the page.
    offset: int = 0
    limit: int = 20
    # Count the facets (the page does; suggestions do not).
    facets: bool = True
    # "now" for the date facet, given so that every backend and the tests agree.
    now: datetime | None = None

    @property
    def browses_communities(self):
        """No words, and communities chosen: the agent reads those communities' content (« dans
        cette communauté »). The community filter then narrows the whole search, its facet
        included: counting every other community's content over the whole index would cost a
        scan of everything the agent may read, for a facet nobody asked about."""
        return not self.query and bool(self.filters.get("community"))


@dataclass
class Hit:
    type: str
    id: int
    title: str
    url: str
    date: datetime
    community_id: int | None
    author_id: int | None
    author_name: str
    region: str
    # Safe HTML: the excerpt with the matched words in <mark>, everything else escaped.
    excerpt: str = ""
    title_html: str = ""
    score: float = 0.0

    @property
    def key(self):
        return f"{self.type}:{self.id}"


@dataclass
class Results:
    total: int
    hits: list
    # facet name -> [(value, count)], values as strings (a community's id, a region's code),
    # each facet counted with the other facets' filters applied; "period" counts each period.
    facets: dict = field(default_factory=dict)
