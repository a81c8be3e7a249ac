"""The engine backend of the search over everything: OpenSearch 2.x or Elasticsearch 8/9.

The mapping and the queries are written once with the Elasticsearch DSL; what differs between
the two engines is the client and the DSL module that builds for it (``opensearchpy`` ships the
DSL as ``opensearchpy``, the Elasticsearch client as ``elasticsearch.dsl``): ``Engine`` below.
``OpenSearchBackend`` and ``ElasticsearchBackend`` only pick one.

- **The index** is an alias (``settings.SEARCH_INDEX``) in front of a real index
  ``<alias>-<UTC timestamp>``: ``rebuild`` fills a new one, refreshes it and moves the alias in
  one ``_aliases`` call, so readers never see an empty or half-built index; the old one is then
  deleted. The first write to a missing alias creates ``<alias>-initial`` behind it.
- **French analysis**: elision (l', d', qu', jusqu'…, either apostrophe), lower case, accents
  folded, French stop words, then the Snowball French stemmer — the one PostgreSQL's ``french``
  configuration and ``search.query.stem`` run — so « l'hôpital » finds « hôpitaux ». ``title`` and
  ``body`` keep their offsets in the postings, so the highlighter never analyses a long body (a
  PDF's text) again; their ``plain`` sub-fields (folded but not stemmed, documents only) serve the
  prefix of the word being typed and the one-typo tolerance, which a stemmer would defeat
  (« urbanisne » is one letter from « urbanisme », not from its stem « urban »).
- **Queries** come from ``search.documents.Query``, never from the raw text: every word on the
  title (×3) or the body, a word of 5 letters or more also found with one typo; every phrase as
  a phrase; excluded words in ``must_not``. The access keys and the denied communities filter;
  the facets' filters are a ``post_filter`` so that each facet is counted (a ``filter``
  aggregation) with the other facets' filters only.
- **Failures**: a refused connection, a timeout (``settings.SEARCH_TIMEOUT``, one retry at most
  on a broken connection, none on a timeout) or a 429/5xx answer raise ``SearchUnavailable``.
"""

import re
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from types import ModuleType

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.html import escape

from search.backends import DocumentBackend, SearchUnavailable
from search.documents import EVERYTHING, PERIODS, Hit, Query, Results, SearchRequest

# French articles and pronouns elided before a vowel (l'école, qu'il, jusqu'à); the filter also
# reads the typographic apostrophe.
ELISIONS = ["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"]
# Title words weigh three times body words.
TITLE_BOOST = 3
# A word this long may carry one typo.
FUZZY_FROM = 5
# Counted exactly up to this many hits (the page shows 50 pages of 20 at most).
TRACK_TOTAL_HITS = 10_000
MAX_WINDOW = 10_000
# How deep ``facet_search`` pages (a directory of 20,000 agents sorted by name is read to its
# last page): the index's ``max_result_window``.
LIST_WINDOW = 100_000
FACET_SIZE = 20
TYPE_FACET_SIZE = 100
EXCERPT = 200
# Documents per bulk request; requests also stop at CHUNK_BYTES (long bodies).
CHUNK = 200
CHUNK_BYTES = 5 * 1024 * 1024
# A rebuild's bulk requests may take longer than a search.
REBUILD_TIMEOUT = 120
# The index behind the alias when the first write finds none (a fixed name: two workers
# racing to create it create one).
INITIAL = "initial"
STAMP = "%Y%m%d%H%M%S%f"
# The mapping's version, in its ``_meta``: an index made by an older version gets the fields
# added since (``_upgrade``, on first use), and ``search_reindex`` fills them.
MAPPING_VERSION = 2
# The largest number of values a facet of ``facet_search`` counts (the caller picks its top
# ones among them, ties and values it may not show included): each pass of the engine keeps
# this many tags per facet asked, of every facet.
TAG_FACET_SIZE = 500
# Facet name -> the field it filters and counts on.
FACET_FIELDS = {"type": "type", "community": "community_id", "region": "region"}


@dataclass(frozen=True)
class FacetPage:
    """What ``facet_search`` answers: the number of matches, the page's object ids in order,
    and per facet name ``[(value, count)]`` (most first, then by value)."""

    total: int
    ids: list
    facets: dict


@dataclass(frozen=True)
class Engine:
    """What differs between OpenSearch and Elasticsearch: the client and its DSL module."""

    label: str
    dsl: ModuleType
    helpers: ModuleType
    client: object  # (url, timeout) -> a client
    # Exceptions that mean « the engine does not answer » whatever their status.
    connection_errors: tuple

    def unavailable(self, error):
        if isinstance(error, self.connection_errors):
            return True
        status = status_of(error)
        return status == 429 or (status is not None and status >= 500)


def status_of(error):
    """The HTTP status of a client error (both clients name it ``status_code``), else None."""
    status = getattr(error, "status_code", None)
    return status if isinstance(status, int) else None


def opensearch():
    try:
        import opensearchpy
        from opensearchpy import helpers
    except ImportError as error:  # pragma: no cover - a dependency of the project
        raise ImproperlyConfigured("OPENSEARCH_URL needs opensearch-py installed.") from error

    def client(url, timeout):
        return opensearchpy.OpenSearch(
            hosts=[url], timeout=timeout, max_retries=1, retry_on_timeout=False
        )

    return Engine(
        label="OpenSearch",
        dsl=opensearchpy,
        helpers=helpers,
        client=client,
        connection_errors=(opensearchpy.ConnectionError,),
    )


def elasticsearch():
    try:
        import elastic_transport
        import elasticsearch as client_module
        from elasticsearch import dsl, helpers
    except ImportError as error:
        raise ImproperlyConfigured(
            "ELASTICSEARCH_URL needs the Elasticsearch client: pip install 'maillage[elasticsearch]'."
        ) from error

    def client(url, timeout):
        return client_module.Elasticsearch(
            url, request_timeout=timeout, max_retries=1, retry_on_timeout=False
        )

    return Engine(
        label="Elasticsearch",
        dsl=dsl,
        helpers=helpers,
        client=client,
        # Every transport error is a connection's (refused, timed out, TLS); an answer with a
        # status is an ApiError.
        connection_errors=(elastic_transport.TransportError,),
    )


# --- the mapping ------------------------------------------------------------------------------


def index_definition(dsl, name):
    """The DSL ``Index`` ``name``: its analysis, its mapping, one shard."""
    elision = dsl.token_filter(
        "maillage_elision", type="elision", articles_case=True, articles=ELISIONS
    )
    stop = dsl.token_filter("maillage_stop", type="stop", stopwords="_french_")
    stemmer = dsl.token_filter("maillage_stemmer", type="stemmer", language="french")
    french = dsl.analyzer(
        "maillage_french",
        tokenizer="standard",
        filter=[elision, "lowercase", "asciifolding", stop, stemmer],
    )
    plain = dsl.analyzer(
        "maillage_plain", tokenizer="standard", filter=[elision, "lowercase", "asciifolding"]
    )

    def text():
        return dsl.Text(
            analyzer=french,
            index_options="offsets",
            fields={"plain": dsl.Text(analyzer=plain, index_options="docs", norms=False)},
        )

    mapping = dsl.Mapping()
    mapping.meta("dynamic", "strict")
    mapping.field("key", dsl.Keyword())
    mapping.field("type", dsl.Keyword())
    mapping.field("object_id", dsl.Long())
    mapping.field("title", text())
    mapping.field("body", text())
    mapping.field("url", dsl.Keyword(index=False, doc_values=False))
    mapping.field("access", dsl.Keyword())
    mapping.field("date", dsl.Date())
    # A keyword: the facet's values are strings, as the contract wants them.
    mapping.field("community_id", dsl.Keyword())
    mapping.field("author_id", dsl.Long())
    mapping.field("author_name", dsl.Keyword(index=False, doc_values=False))
    mapping.field("region", dsl.Keyword())
    # A type's own faceted list (``facet_search``): "facet:value" tags, ranks, the name sort.
    mapping.field("tags", dsl.Keyword())
    mapping.field("ranks", dsl.Nested(properties={"key": dsl.Keyword(), "value": dsl.Integer()}))
    mapping.field("sort_key", dsl.Keyword())
    mapping.meta("_meta", {"version": MAPPING_VERSION})
    index = dsl.Index(name)
    # One shard: exact facet counts, and far below a shard's comfortable size at millions of
    # documents. A replica as soon as a second node exists.
    index.settings(number_of_shards=1, auto_expand_replicas="0-1", max_result_window=LIST_WINDOW)
    index.mapping(mapping)
    return index


def source_of(document):
    date = document.date
    if timezone.is_naive(date):
        date = timezone.make_aware(date)
    return {
        "key": document.key,
        "type": document.type,
        "object_id": document.id,
        "title": document.title,
        "body": document.body,
        "url": document.url,
        "access": sorted(document.access),
        "date": date.astimezone(UTC).isoformat(),
        "community_id": None if document.community_id is None else str(document.community_id),
        "author_id": document.author_id,
        "author_name": document.author_name,
        "region": document.region or None,
        "tags": sorted(document.tags),
        "ranks": [{"key": key, "value": int(value)} for key, value in document.ranks],
        "sort_key": document.sort_key or None,
    }


# --- the backend ------------------------------------------------------------------------------


class EngineBackend(DocumentBackend):
    engine = None  # a callable returning the Engine

    def __init__(self, *, url=None, index=None, timeout=None, refresh=None):
        self.url = (url or settings.SEARCH_ENGINE_URL or "").rstrip("/")
        if not self.url:
            raise ImproperlyConfigured(
                f"The {type(self).__name__} needs SEARCH_ENGINE_URL (OPENSEARCH_URL or "
                "ELASTICSEARCH_URL)."
            )
        self.alias = index or settings.SEARCH_INDEX
        self.timeout = float(timeout or settings.SEARCH_TIMEOUT)
        # The writes' refresh policy: False in production (the index refreshes every second),
        # "wait_for" or True where a test reads what it just wrote. None: the setting
        # SEARCH_REFRESH at each write (a test may set it on the backend already made).
        self.refresh_policy = refresh
        self._stamped = re.compile(rf"^{re.escape(self.alias)}-(?:{INITIAL}|\d{{20}})$")
        self._upgraded = False

    @cached_property
    def kind(self):
        return type(self).engine()

    @cached_property
    def dsl(self):
        return self.kind.dsl

    @cached_property
    def client(self):
        return self.kind.client(self.url, self.timeout)

    @cached_property
    def slow_client(self):
        return self.kind.client(self.url, max(self.timeout, REBUILD_TIMEOUT))

    def __repr__(self):
        return f"<{type(self).__name__} {self.url} {self.alias}>"

    @contextmanager
    def _answering(self, what):
        """Turn « the engine does not answer » into SearchUnavailable; other errors (a bad
        request is a bug of ours) go through."""
        try:
            yield
        except SearchUnavailable:
            raise
        except Exception as error:
            if self.kind.unavailable(error):
                raise SearchUnavailable(
                    f"{self.kind.label} at {self.url} did not answer ({what}): {error}"
                ) from error
            raise

    # --- the indices behind the alias ---------------------------------------------------------

    def _create(self, name, *, alias, client=None):
        index = index_definition(self.dsl, name)
        if alias:
            index.aliases(**{self.alias: {}})
        body = index.to_dict()
        (client or self.client).indices.create(index=name, body=body)

    def _ensure_alias(self):
        """Create ``<alias>-initial`` behind the alias if nothing is there (the first write)."""
        if self.client.indices.exists_alias(name=self.alias):
            return
        name = f"{self.alias}-{INITIAL}"
        try:
            # Creating an index waits for its shard to start: longer than a search may take.
            self._create(name, alias=True, client=self.slow_client)
        except Exception as error:
            if status_of(error) != 400 or "already_exists" not in str(error):
                raise
            self.client.indices.put_alias(index=name, name=self.alias)

    def _upgrade(self):
        """Once per backend: an index behind the alias made by an older mapping
        (``MAPPING_VERSION``) gets the fields added since — a mapping only grows, and a strict
        one would refuse the new documents — and the list window; its documents get the new
        fields when indexed again (``manage.py search_reindex`` for all)."""
        if self._upgraded:
            return
        try:
            found = self.client.indices.get_mapping(index=self.alias)
        except Exception as error:
            if status_of(error) != 404:
                raise
            found = {}  # nothing yet: the first write creates a current index
        current = index_definition(self.dsl, self.alias).to_dict()
        mapping = current["mappings"]
        for name, definition in found.items():
            meta = definition.get("mappings", {}).get("_meta") or {}
            if meta.get("version", 1) >= MAPPING_VERSION:
                continue
            self.client.indices.put_mapping(
                index=name, body={"properties": mapping["properties"], "_meta": mapping["_meta"]}
            )
            self.client.indices.put_settings(
                index=name, body={"index": {"max_result_window": LIST_WINDOW}}
            )
        self._upgraded = True

    def outdated(self):
        """No index behind the alias yet, or one made by an older mapping
        (``MAPPING_VERSION``): its documents lack what the code now reads."""
        with self._answering("checking the index"):
            try:
                found = self.client.indices.get_mapping(index=self.alias)
            except Exception as error:
                if status_of(error) == 404:
                    return True
                raise
        return not found or any(
            (definition.get("mappings", {}).get("_meta") or {}).get("version", 1) < MAPPING_VERSION
            for definition in found.values()
        )

    def _behind_alias(self):
        """The indices the alias points at now."""
        try:
            return sorted(self.client.indices.get_alias(name=self.alias))
        except Exception as error:
            if status_of(error) == 404:
                return []
            raise

    def _stamped_indices(self):
        """Every index this backend made for its alias (``<alias>-<stamp>``), in use or left
        over by an interrupted rebuild; never another alias' indices."""
        found = self.client.indices.get(index=f"{self.alias}-*", allow_no_indices=True)
        return sorted(name for name in found if self._stamped.match(name))

    # --- writes -------------------------------------------------------------------------------

    def _refresh_params(self):
        policy = self.refresh_policy
        if policy is None:
            policy = getattr(settings, "SEARCH_REFRESH", False)
        if policy in (False, None, "false"):
            return {}
        return {"refresh": "wait_for" if policy == "wait_for" else "true"}

    def _bulk(self, actions, *, client=None, index=None, **params):
        """Send ``actions`` in chunks; the number done. Deleting what is not there is fine; an
        item the engine could not take now (429, 5xx) is the engine unavailable; any other
        refusal is a bug of ours and raises."""
        done, errors = self.kind.helpers.bulk(
            client or self.client,
            actions,
            chunk_size=CHUNK,
            max_chunk_bytes=CHUNK_BYTES,
            raise_on_error=False,
            max_retries=0,
            **params,
        )
        missing_index, failed = False, []
        for error in errors:
            ((operation, item),) = error.items()
            status = item.get("status")
            if operation == "delete" and status == 404:
                continue
            reason = item.get("error") or {}
            if status == 404 and reason.get("type") == "index_not_found_exception":
                missing_index = True
                continue
            failed.append((operation, status, item))
        if failed:
            if any(status == 429 or (status or 0) >= 500 for _op, status, _item in failed):
                raise SearchUnavailable(
                    f"{self.kind.label} at {self.url} refused {len(failed)} documents: {failed[0]}"
                )
            raise RuntimeError(f"{self.kind.label} refused {len(failed)} documents: {failed[0]}")
        return done, missing_index

    def _write(self, actions):
        """Bulk ``actions`` on the alias, creating the index behind it on first use (never an
        index named like the alias with a guessed mapping: ``require_alias``)."""
        actions = list(actions)
        if not actions:
            return 0
        with self._answering("indexing"):
            self._upgrade()
            params = {"require_alias": True, **self._refresh_params()}
            done, missing = self._bulk(actions, **params)
            if missing:
                self._ensure_alias()
                done, missing = self._bulk(actions, **params)
                if missing:
                    raise RuntimeError(f"The alias {self.alias} vanished while writing.")
        return done

    def upsert(self, documents):
        return self._write(
            {"_op_type": "index", "_index": self.alias, "_id": doc.key, "_source": source_of(doc)}
            for doc in documents
        )

    def delete(self, keys):
        return self._write(
            {"_op_type": "delete", "_index": self.alias, "_id": f"{type_name}:{pk}"}
            for type_name, pk in keys
        )

    def rebuild(self, batches, *, progress=None):
        """Fill a new ``<alias>-<UTC stamp>`` (no refresh meanwhile), refresh it, move the alias
        onto it in one call, then delete the indices it replaced."""
        client = self.slow_client
        name = f"{self.alias}-{datetime.now(UTC).strftime(STAMP)}"
        total = 0
        with self._answering("rebuilding"):
            self._create(name, alias=False, client=client)
            try:
                client.indices.put_settings(index=name, body={"index": {"refresh_interval": "-1"}})
                for batch in batches:
                    actions = [
                        {
                            "_op_type": "index",
                            "_index": name,
                            "_id": doc.key,
                            "_source": source_of(doc),
                        }
                        for doc in batch
                    ]
                    if actions:
                        done, _missing = self._bulk(actions, client=client)
                        total += done
                    if progress is not None:
                        progress(total)
                client.indices.put_settings(index=name, body={"index": {"refresh_interval": None}})
                client.indices.refresh(index=name)
                replaced = [index for index in self._stamped_indices() if index != name]
                actions = [
                    {"remove": {"index": index, "alias": self.alias}}
                    for index in self._behind_alias()
                ]
                if self.client.indices.exists(index=self.alias) and not actions:
                    # A real index squats the alias' name (made by hand, or by a write before
                    # this backend existed): replace it atomically too.
                    actions.append({"remove_index": {"index": self.alias}})
                actions.append({"add": {"index": name, "alias": self.alias}})
                client.indices.update_aliases(body={"actions": actions})
            except BaseException:
                # The half-built index goes; the error that broke the rebuild is the one told.
                with suppress(Exception):
                    client.indices.delete(index=name, ignore_unavailable=True)
                raise
            for index in replaced:
                client.indices.delete(index=index, ignore_unavailable=True)
        return total

    def clear(self):
        """Remove every document (tests): the index and its mapping stay."""
        with self._answering("clearing"):
            if not self._behind_alias():
                return
            self.client.delete_by_query(
                index=self.alias,
                body={"query": {"match_all": {}}},
                refresh=True,
                conflicts="proceed",
            )

    def drop(self):
        """Delete the alias and every index made for it (a test's teardown)."""
        with self._answering("dropping"):
            for index in self._stamped_indices():
                self.client.indices.delete(index=index, ignore_unavailable=True)

    def refresh(self):
        """Make what was written searchable now (tests; production refreshes every second)."""
        with self._answering("refreshing"):
            if self._behind_alias():
                self.client.indices.refresh(index=self.alias)

    def count(self):
        with self._answering("counting"):
            if not self._behind_alias():
                return 0
            return self.client.count(index=self.alias)["count"]

    # --- search -------------------------------------------------------------------------------

    def _word(self, word, *, prefix=False):
        """``word`` in the title or the body: its stem, or itself with one typo when long
        enough, or (being typed) as the start of a word."""
        Q = self.dsl.Q
        fields = [f"title^{TITLE_BOOST}", "body"]
        plain = [f"title.plain^{TITLE_BOOST}", "body.plain"]
        ways = [Q("multi_match", query=word, fields=fields, operator="and", zero_terms_query="all")]
        if len(word) >= FUZZY_FROM:
            ways.append(
                Q(
                    "multi_match",
                    query=word,
                    fields=plain,
                    operator="and",
                    fuzziness=1,
                    prefix_length=1,
                    # Below the exact word.
                    boost=0.5,
                )
            )
        if prefix:
            ways.append(Q("prefix", **{"title.plain": {"value": word, "boost": TITLE_BOOST}}))
            ways.append(Q("prefix", **{"body.plain": {"value": word}}))
        return ways[0] if len(ways) == 1 else Q("bool", should=ways, minimum_should_match=1)

    def text_query(self, query):
        """The DSL query of a ``search.documents.Query``, None when it has no words (only
        excluded words: everything else)."""
        if not (query or query.excluded):
            return None
        Q = self.dsl.Q
        must = [
            self._word(word, prefix=query.prefix and index == len(query.words) - 1)
            for index, word in enumerate(query.words)
        ]
        for phrase in query.phrases:
            text = " ".join(phrase)
            must.append(
                Q(
                    "bool",
                    should=[
                        Q("match_phrase", title={"query": text, "boost": TITLE_BOOST}),
                        Q("match_phrase", body={"query": text}),
                    ],
                    minimum_should_match=1,
                )
            )
        must_not = [
            Q("multi_match", query=word, fields=["title", "body"], operator="and")
            for word in query.excluded
        ]
        return Q("bool", must=must, must_not=must_not)

    def highlight_query(self, query):
        """What the excerpts mark: the words' stems, the phrases, the prefix being typed, on
        the title and the body themselves. Not the typo clauses: expanding them again in every
        hit's text cost more than the search (and a stem one letter away is not the word)."""
        if not query:
            return None
        Q = self.dsl.Q
        marks = [Q("multi_match", query=word, fields=["title", "body"]) for word in query.words]
        marks.extend(
            Q("multi_match", query=" ".join(phrase), fields=["title", "body"], type="phrase")
            for phrase in query.phrases
        )
        if query.prefix and query.words:
            marks.extend(Q("prefix", **{field: query.words[-1]}) for field in ("title", "body"))
        return Q("bool", should=marks)

    def access_filters(self, request):
        Q = self.dsl.Q
        filters = []
        if request.access != EVERYTHING:
            filters.append(Q("terms", access=sorted(request.access)))
        # Whatever the keys (as the database backend does).
        if request.denied:
            filters.append(~Q("terms", community_id=sorted(str(pk) for pk in request.denied)))
        return filters

    def facet_filters(self, request):
        """facet name -> the DSL filter its chosen values make."""
        Q = self.dsl.Q
        found = {}
        for name, values in (request.filters or {}).items():
            values = [str(value) for value in values or ()]
            if not values:
                continue
            if name in FACET_FIELDS:
                found[name] = Q("terms", **{FACET_FIELDS[name]: sorted(set(values))})
            elif name == "period":
                days = {value: days for value, _label, days in PERIODS}
                known = [days[value] for value in values if value in days]
                if known:
                    found[name] = self._since(request, max(known))
        return found

    def _since(self, request, days):
        now = request.now or timezone.now()
        return self.dsl.Q(
            "range", date={"gte": (now - timedelta(days=days)).astimezone(UTC).isoformat()}
        )

    def search_body(self, request):
        """The request's search as a dict (the DSL's), for either engine."""
        dsl, Q, A = self.dsl, self.dsl.Q, self.dsl.A
        text = self.text_query(request.query)
        access = self.access_filters(request)
        facets = self.facet_filters(request)
        if request.browses_communities and "community" in facets:
            access = [*access, facets.pop("community")]
        search = dsl.Search()
        if request.facets:
            search = search.query(Q("bool", must=[text or Q("match_all")], filter=access))
            if facets:
                search = search.post_filter(Q("bool", filter=list(facets.values())))
            for name in (*FACET_FIELDS, "period"):
                others = [query for facet, query in facets.items() if facet != name]
                scope = A("filter", filter=Q("bool", filter=others) if others else Q("match_all"))
                if name == "period":
                    scope.bucket(
                        "values",
                        "filters",
                        filters={value: self._since(request, days) for value, _l, days in PERIODS},
                    )
                else:
                    scope.bucket(
                        "values",
                        "terms",
                        field=FACET_FIELDS[name],
                        size=TYPE_FACET_SIZE if name == "type" else FACET_SIZE,
                        order=[{"_count": "desc"}, {"_key": "asc"}],
                    )
                search.aggs.bucket(name, scope)
        else:
            search = search.query(
                Q("bool", must=[text or Q("match_all")], filter=[*access, *facets.values()])
            )
        if request.sort == "relevance" and request.query:
            search = search.sort({"_score": {"order": "desc"}}, {"date": "desc"}, {"key": "asc"})
        else:
            search = search.sort({"date": "desc"}, {"key": "asc"})
        start, size = max(int(request.offset), 0), max(int(request.limit), 0)
        if start >= MAX_WINDOW:  # past what the engine pages: the total only
            start, size = 0, 0
        search = search[start : start + min(size, MAX_WINDOW - start)]
        search = search.source(excludes=["body"])
        options = {"pre_tags": ["<mark>"], "post_tags": ["</mark>"], "encoder": "html"}
        marked = self.highlight_query(request.query)
        if marked is not None:
            options["highlight_query"] = marked.to_dict()
        search = search.highlight_options(**options)
        search = search.highlight("title", number_of_fragments=0)
        search = search.highlight(
            "body", number_of_fragments=1, fragment_size=EXCERPT, no_match_size=EXCERPT
        )
        return search.extra(track_total_hits=TRACK_TOTAL_HITS).to_dict()

    def search(self, request):
        if not request.access:  # no key: nothing to read, no need to ask
            return Results(total=0, hits=[], facets=_empty_facets(request))
        body = self.search_body(request)
        with self._answering("searching"):
            try:
                answer = self.client.search(index=self.alias, body=body)
            except Exception as error:
                if status_of(error) == 404:  # nothing indexed yet
                    return Results(total=0, hits=[], facets=_empty_facets(request))
                raise
        hits = [self._hit(found) for found in answer["hits"]["hits"]]
        total = answer["hits"]["total"]
        total = total["value"] if isinstance(total, dict) else int(total)
        facets = {}
        if request.facets:
            aggregations = answer.get("aggregations", {})
            for name in FACET_FIELDS:
                buckets = aggregations.get(name, {}).get("values", {}).get("buckets", [])
                facets[name] = [(str(b["key"]), b["doc_count"]) for b in buckets]
            periods = aggregations.get("period", {}).get("values", {}).get("buckets", {})
            counts = [(value, periods.get(value, {}).get("doc_count", 0)) for value, *_ in PERIODS]
            facets["period"] = [(value, count) for value, count in counts if count]
        return Results(total=total, hits=hits, facets=facets)

    # --- a type's faceted list (the directory's agents) -----------------------------------------

    def facet_search_body(
        self,
        *,
        type,
        access,
        denied=frozenset(),
        query=None,
        tag_filters=None,
        facet_names=(),
        rank_keys=(),
        sort="relevance",
        offset=0,
        limit=20,
    ):
        """The request of ``facet_search`` as a dict (the DSL's), for either engine."""
        Q, A = self.dsl.Q, self.dsl.A
        text = self.text_query(query) if query is not None else None
        scope = [
            Q("term", type=type),
            *self.access_filters(SearchRequest(query=Query(""), access=access, denied=denied)),
        ]
        chosen = {
            name: Q("terms", tags=sorted(f"{name}:{value}" for value in set(values)))
            for name, values in (tag_filters or {}).items()
            if values
        }
        search = self.dsl.Search().query(Q("bool", must=[text or Q("match_all")], filter=scope))
        if chosen:
            search = search.post_filter(Q("bool", filter=list(chosen.values())))
        # The facets counted with the same filters (every facet but a chosen one's: all of
        # them when nothing is chosen) share one pass over the matches: one terms aggregation
        # of their tags, split by facet afterwards. Six passes (one per facet, each keeping its
        # own tags) cost 52 ms at 82,000 agents where one costs 12. Each pass counts every tag
        # and the facets it is for are picked afterwards: an ``include`` pattern keeping only
        # theirs makes the engine slower, not faster (22 ms instead of 11 for the six facets,
        # 15 instead of 11 for the skills alone, at 82,000 agents).
        for index, (without, _names) in enumerate(_facet_groups(facet_names, chosen)):
            others = [condition for facet, condition in chosen.items() if facet != without]
            counted = A("filter", filter=Q("bool", filter=others) if others else Q("match_all"))
            counted.bucket(
                "values",
                "terms",
                field="tags",
                size=TAG_FACET_SIZE * len(facet_names),
                order=[{"_count": "desc"}, {"_key": "asc"}],
            )
            search.aggs.bucket(f"facets{index}", counted)
        by_name = [{"sort_key": {"order": "asc"}}, {"object_id": {"order": "asc"}}]
        if sort == "name":
            order = by_name
        else:
            order = [{"_score": {"order": "desc"}}, *by_name]
            if rank_keys:
                ranked = {
                    "order": "desc",
                    "mode": "sum",
                    "missing": 0,
                    "nested": {
                        "path": "ranks",
                        "filter": {"terms": {"ranks.key": list(rank_keys)}},
                    },
                }
                order.insert(0, {"ranks.value": ranked})
        search = search.sort(*order)
        start = min(max(int(offset), 0), LIST_WINDOW)
        size = min(max(int(limit), 0), LIST_WINDOW - start)
        search = search[start : start + size].source(["object_id"])
        return search.extra(track_total_hits=True).to_dict()

    def facet_search(self, **kwargs):
        """One page of the documents of one type: ``FacetPage(total, ids, facets)``.

        ``type``; ``access``/``denied``: the viewer's keys (``search.registry.access_for``);
        ``query``: a ``search.documents.Query`` or None; ``tag_filters``: ``{facet: values}``
        (a document holds the tag "facet:value"; values of a facet OR-ed, facets AND-ed);
        ``facet_names``: the facets to count, each with the other facets' filters (at most
        TAG_FACET_SIZE values each); ``rank_keys``: with the "relevance" sort, the documents
        whose ``ranks`` of those keys add up to the most come first, then the text's score, then
        ``sort_key``; sort "name": ``sort_key`` alone; ``offset``, ``limit``: the page."""
        names = tuple(kwargs.get("facet_names", ()))
        empty = FacetPage(total=0, ids=[], facets={name: [] for name in names})
        if not kwargs.get("access"):
            return empty
        body = self.facet_search_body(**kwargs)
        with self._answering("searching"):
            try:
                self._upgrade()
                answer = self.client.search(index=self.alias, body=body)
            except Exception as error:
                if status_of(error) == 404:  # nothing indexed yet
                    return empty
                raise
        total = answer["hits"]["total"]
        total = total["value"] if isinstance(total, dict) else int(total)
        ids = [int(found["_source"]["object_id"]) for found in answer["hits"]["hits"]]
        aggregations = answer.get("aggregations", {})
        facets = {name: [] for name in names}
        chosen = {name for name, values in (kwargs.get("tag_filters") or {}).items() if values}
        for index, (_without, grouped) in enumerate(_facet_groups(names, chosen)):
            buckets = aggregations.get(f"facets{index}", {}).get("values", {}).get("buckets", [])
            for bucket in buckets:  # by count, then value: each facet's list keeps that order
                name, _colon, value = str(bucket["key"]).partition(":")
                if name in grouped and len(facets[name]) < TAG_FACET_SIZE:
                    facets[name].append((value, bucket["doc_count"]))
        return FacetPage(total=total, ids=ids, facets=facets)

    def _hit(self, found):
        source = found["_source"]
        highlight = found.get("highlight", {})
        date = datetime.fromisoformat(source["date"])
        if timezone.is_naive(date):
            date = date.replace(tzinfo=UTC)
        community = source.get("community_id")
        title = source.get("title") or ""
        return Hit(
            type=source["type"],
            id=int(source["object_id"]),
            title=title,
            url=source.get("url") or "",
            date=date,
            community_id=None if community in (None, "") else int(community),
            author_id=source.get("author_id"),
            author_name=source.get("author_name") or "",
            region=source.get("region") or "",
            excerpt="".join(highlight.get("body", [])[:1]),
            title_html="".join(highlight.get("title", [])[:1]) or escape(title),
            score=float(found.get("_score") or 0.0),
        )


def _facet_groups(names, chosen):
    """``[(facet, names)]``: the facets of ``names`` grouped by the filters they are counted
    with — a chosen facet alone, without its own filter (``facet``); every other facet
    together, with all of them (``None``)."""
    alone = [(name, [name]) for name in names if name in chosen]
    together = [name for name in names if name not in chosen]
    return alone + ([(None, together)] if together else [])


def _empty_facets(request):
    if not request.facets:
        return {}
    return {name: [] for name in (*FACET_FIELDS, "period")}


class OpenSearchBackend(EngineBackend):
    """OpenSearch 2.x (``OPENSEARCH_URL``), the scale-out stack's engine."""

    engine = staticmethod(opensearch)


class ElasticsearchBackend(EngineBackend):
    """Elasticsearch 8/9 (``ELASTICSEARCH_URL``): ``pip install 'maillage[elasticsearch]'``."""

    engine = staticmethod(elasticsearch)
