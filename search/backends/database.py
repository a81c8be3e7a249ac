"""The database backend of the search over everything: SQLite FTS5 or PostgreSQL full-text.

One row of ``search.models.SearchDocument`` per document; the text search beside it, per
database (migration 0002):

- **SQLite**: the FTS5 table ``search_fts`` (rowid = the row's id), written here with the
  stemmed words of the title and the body (``search.query.stems_of``: the Snowball French
  stemmer on words without accents nor elisions), the unstemmed words (a prefix being typed is
  matched on them: the stem of « hôpitau » is no prefix of the stem of « hôpitaux »), and the
  access keys. A query is one ``MATCH`` expression of quoted tokens; ``bm25`` ranks it, the title
  weighing ten times the body.
- **PostgreSQL**: generated columns ``vector`` (``maillage_fr``: French stemming without
  accents, the title weighted A, the body B; a GIN index) and ``access_keys`` (text[]).
  (The keys are checked on the rows the words found: see migration 0002.)
  The query is a ``tsquery`` combined in SQL from one function call per word or phrase, every
  word a parameter; ``ts_rank_cd`` ranks it. Plain words also find a name (the title of an
  agent, a community: ``name``) by trigram similarity, despite a typo (migration 0003).

Both then run the same single statement: the matches found once (a ``MATERIALIZED`` set of
their small columns and score), sorted for the page — whose rows alone are read whole, the
first 20,000 characters of their body for the excerpt — and counted once per facet with the
other facets' filters (the total comes with them).
"""

from dataclasses import replace
from datetime import UTC, timedelta

from django.db import connection, transaction
from django.utils.dateparse import parse_datetime
from django.utils.timezone import now as clock

from search import registry
from search.backends import DocumentBackend
from search.documents import EVERYTHING, PERIODS, Hit, Results
from search.models import SearchDocument
from search.query import excerpt, highlight, stem, stems_of, words_of

BATCH = 500
# The part of a hit's body its excerpt is cut from.
EXCERPT_SOURCE = 20_000
# Values of the community and region facets shown.
FACET_VALUES = 20
FIELDS = [
    "community_id",
    "author_id",
    "author_name",
    "region",
    "date",
    "title",
    "body",
    "url",
    "access",
    "name",
]
# bm25 weights of the FTS5 columns: title, body, words (prefixes), access.
SQLITE_RANK = "-bm25(search_fts, 10.0, 1.0, 0.0, 0.0)"
CONFIG = "maillage_fr"
# A name as its trigram index holds it (migration 0003).
NAME = "maillage_unaccent(lower(d.name))"
# How alike the words and a name's words must be for the name to be found despite a typo: one
# wrong or missing letter in a name of 7 letters or more keeps it above (« lefevre » and
# Lefebvre: 0.55; « hydrografes » and hydrographes: 0.56).
NAME_SIMILARITY = 0.5


def _named(type_name):
    kind = registry.get_type(type_name)
    return kind is not None and kind.named


def _row(document):
    return SearchDocument(
        type=document.type,
        object_id=document.id,
        community_id=document.community_id,
        author_id=document.author_id,
        author_name=document.author_name[:300],
        region=document.region,
        date=document.date,
        title=document.title,
        body=document.body,
        url=document.url,
        access=" ".join(sorted(document.access)),
        name=document.title[:300] if _named(document.type) else "",
    )


def _quoted(token):
    """An FTS5 string: the token between double quotes (never an operator)."""
    return '"' + token.replace('"', '""') + '"'


def _lexeme(word):
    """A tsquery lexeme, quoted (the words are letters and digits; quoted anyway)."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _datetime(value):
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def _placeholders(values):
    return ", ".join(["%s"] * len(values))


# S608 below: only this module's own SQL fragments are pasted; every value is a parameter.


def _delete_fts(cursor, ids):
    sql = f"DELETE FROM search_fts WHERE rowid IN ({_placeholders(ids)})"  # noqa: S608
    cursor.execute(sql, ids)


class _Filters:
    """The request's filters as SQL conditions on the matches' columns (``prefix`` the alias),
    one per facet, so each facet can be counted with the others' only."""

    def __init__(self, request, prefix=""):
        self.now = request.now or clock()
        self.prefix = prefix
        self.conditions = {}
        for name, values in (request.filters or {}).items():
            values = [str(value) for value in values or ()]
            if not values:
                continue
            condition = self._condition(name, values)
            if condition is not None:
                self.conditions[name] = condition

    def since(self, days):
        return connection.ops.adapt_datetimefield_value(self.now - timedelta(days=days))

    def _condition(self, name, values):
        column = self.prefix + {"type": "type", "community": "community_id"}.get(name, name)
        if name == "community":
            values = [int(value) for value in values if value.isdigit() and int(value) < 2**63]
        if name == "period":
            days = [days for value, _label, days in PERIODS if value in values]
            if not days:
                return "1 = 0", []
            return f"{self.prefix}date >= %s", [self.since(max(days))]
        if name not in ("type", "community", "region"):
            return None
        if not values:
            return "1 = 0", []
        return f"{column} IN ({_placeholders(values)})", values

    def sql(self, *, without=None):
        """`` AND …`` for every filter but ``without``'s, and its parameters."""
        sql, params = "", []
        for name, (condition, values) in self.conditions.items():
            if name != without:
                sql += f" AND {condition}"
                params.extend(values)
        return sql, params


class DatabaseBackend(DocumentBackend):
    """The search over everything on the project's database."""

    @property
    def vendor(self):
        if connection.vendor not in ("sqlite", "postgresql"):
            raise NotImplementedError(
                f"The search over everything runs on SQLite or PostgreSQL, not {connection.vendor}."
            )
        return connection.vendor

    # --- writing ----------------------------------------------------------------------------

    def upsert(self, documents):
        documents = list({document.key: document for document in documents}.values())
        if not documents:
            return
        with transaction.atomic():
            for start in range(0, len(documents), BATCH):
                self._write(documents[start : start + BATCH])

    def _write(self, documents):
        rows = SearchDocument.objects.bulk_create(
            [_row(document) for document in documents],
            update_conflicts=True,
            unique_fields=["type", "object_id"],
            update_fields=FIELDS,
        )
        if self.vendor != "sqlite":
            return
        with connection.cursor() as cursor:
            _delete_fts(cursor, [row.pk for row in rows])
            cursor.executemany(
                "INSERT INTO search_fts (rowid, title, body, words, access) "
                "VALUES (%s, %s, %s, %s, %s)",
                [
                    (
                        row.pk,
                        " ".join(stems_of(document.title)),
                        " ".join(stems_of(document.body)),
                        " ".join(words_of(f"{document.title} {document.body}")),
                        " ".join(sorted(document.access)),
                    )
                    for row, document in zip(rows, documents, strict=True)
                ],
            )

    def delete(self, keys):
        by_type = {}
        for type_name, pk in keys:
            by_type.setdefault(type_name, []).append(int(pk))
        if not by_type:
            return
        with transaction.atomic():
            for type_name, pks in by_type.items():
                for start in range(0, len(pks), BATCH):
                    rows = SearchDocument.objects.filter(
                        type=type_name, object_id__in=pks[start : start + BATCH]
                    )
                    ids = list(rows.values_list("pk", flat=True))
                    if not ids:
                        continue
                    if self.vendor == "sqlite":
                        with connection.cursor() as cursor:
                            _delete_fts(cursor, ids)
                    SearchDocument.objects.filter(pk__in=ids).delete()

    def rebuild(self, batches, *, progress=None):
        done = 0
        # One transaction: readers see the old index until the new one is complete.
        with transaction.atomic():
            self._clear()
            for batch in batches:
                documents = list({document.key: document for document in batch}.values())
                if not documents:
                    continue
                for start in range(0, len(documents), BATCH):
                    self._write(documents[start : start + BATCH])
                done += len(documents)
                if progress is not None:
                    progress(done)
        return done

    def clear(self):
        with transaction.atomic():
            self._clear()

    def _clear(self):
        if self.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM search_fts")
        SearchDocument.objects.all().delete()

    def count(self):
        return SearchDocument.objects.count()

    # --- reading ----------------------------------------------------------------------------

    def search(self, request):
        if not request.access:
            return Results(total=0, hits=[], facets={})
        source, params, score = (
            self._sqlite_source(request)
            if self.vendor == "sqlite"
            else self._postgresql_source(request)
        )
        if request.denied:
            denied = sorted(request.denied)
            source += (
                f" AND (d.community_id IS NULL OR d.community_id NOT IN ({_placeholders(denied)}))"
            )
            params = [*params, *denied]
        if request.browses_communities:
            communities = _Filters(request, prefix="d.").conditions.get("community")
            if communities is not None:
                source += f" AND {communities[0]}"
                params = [*params, *communities[1]]
            request = replace(
                request,
                filters={k: v for k, v in request.filters.items() if k != "community"},
            )
        return self._run(request, source, params, score)

    def _sqlite_source(self, request):
        """``FROM … WHERE …`` of the matches (text and access), its parameters, the score."""
        query = request.query
        text = "{title body}"
        terms = []
        words = list(query.words)
        typed = words.pop() if query.prefix and words else None
        terms.extend(f"{text} : {_quoted(stem(word))}" for word in words)
        if typed:
            terms.append(f"({text} : {_quoted(stem(typed))} OR words : {_quoted(typed)} *)")
        terms.extend(
            f"{text} : {_quoted(' '.join(stem(word) for word in phrase))}"
            for phrase in query.phrases
        )
        if request.access != EVERYTHING:
            access = " OR ".join(_quoted(key) for key in sorted(request.access))
            terms.append(f"access : ({access})")
        excluded = " OR ".join(_quoted(stem(word)) for word in query.excluded)
        match = " AND ".join(terms)
        params = []
        if terms:
            if excluded:
                match = f"({match}) NOT {text} : ({excluded})"
            source = (
                "FROM search_searchdocument d JOIN search_fts ON search_fts.rowid = d.id "
                "WHERE search_fts MATCH %s"
            )
            params.append(match)
            score = SQLITE_RANK if query.words or query.phrases else "0.0"
        else:
            source = "FROM search_searchdocument d WHERE 1 = 1"
            score = "0.0"
        if excluded and not terms:
            source += " AND d.id NOT IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)"
            params.append(f"{text} : ({excluded})")
        return source, params, score

    def _postgresql_source(self, request):
        query = request.query
        parts, params = [], []
        words = list(query.words)
        typed = words.pop() if query.prefix and words else None
        for word in words:
            parts.append(f"plainto_tsquery('{CONFIG}', %s)")
            params.append(word)
        if typed:
            parts.append(f"(to_tsquery('simple', %s) || plainto_tsquery('{CONFIG}', %s))")
            params.extend([_lexeme(typed) + ":*", typed])
        for phrase in query.phrases:
            parts.append(f"phraseto_tsquery('{CONFIG}', %s)")
            params.append(" ".join(phrase))
        for word in query.excluded:
            parts.append(f"!! plainto_tsquery('{CONFIG}', %s)")
            params.append(word)
        conditions = []
        if parts and query.words and not (query.phrases or query.excluded or query.prefix):
            # Plain words: a name (an agent's, a community's) is found by trigram similarity
            # too, despite a typo; its similarity is its score when it beats the text's rank.
            source = (
                f"FROM search_searchdocument d, (SELECT {' && '.join(parts)} AS q, "
                "%s::text AS name) tsq"
            )
            params.append(" ".join(query.words))
            # ``<<%`` (strict word similarity: the words' trigrams against whole words of the
            # name) is what the index serves; the bar is written here rather than left to the
            # server's ``pg_trgm.strict_word_similarity_threshold``.
            conditions.append(
                f"(d.vector @@ tsq.q OR (d.name <> '' AND tsq.name <<%% {NAME} "
                f"AND strict_word_similarity(tsq.name, {NAME}) >= {NAME_SIMILARITY}))"
            )
            # A name's similarity adds to the text's rank: the name spelt right comes first, a
            # name with a typo among the documents holding the words.
            score = (
                f"ts_rank_cd(d.vector, tsq.q) + "
                f"CASE WHEN d.name <> '' THEN strict_word_similarity(tsq.name, {NAME}) ELSE 0 END"
            )
        elif parts:
            source = f"FROM search_searchdocument d, (SELECT {' && '.join(parts)} AS q) tsq"
            conditions.append("d.vector @@ tsq.q")
            score = "ts_rank_cd(d.vector, tsq.q)" if query.words or query.phrases else "0.0"
        else:
            source = "FROM search_searchdocument d"
            score = "0.0"
        if request.access != EVERYTHING:
            conditions.append("d.access_keys && %s::text[]")
            params.append(sorted(request.access))
        return f"{source} WHERE {' AND '.join(conditions) or '1 = 1'}", params, score

    def _run(self, request, source, params, score):
        """The page and the facets (or the total alone) in one statement: the matches are
        found once (``m``, materialized), then sorted for the page — only its rows are read
        whole (a body is long: read for every match, it cost more than the search) — and
        counted for each facet with the other facets' filters.

        Every value is a parameter; what is formatted in is this module's own SQL."""
        filters = _Filters(request)
        where, where_params = filters.sql()
        if request.sort == "date":
            order = "date DESC, type, object_id"
        else:
            order = "score DESC, date DESC, type, object_id"
        counts, count_params = self._counts(request, filters)
        sql = (
            "WITH m AS MATERIALIZED (SELECT d.id, d.type, d.object_id, d.community_id, "  # noqa: S608
            f"d.region, d.date, {score} AS score {source}), "
            f"p AS (SELECT id, score FROM m WHERE 1 = 1{where} ORDER BY {order} LIMIT %s OFFSET %s) "
            "SELECT 'hit', x.type, x.object_id, x.title, substr(x.body, 1, %s), x.url, x.date, "
            "x.community_id, x.author_id, x.author_name, x.region, p.score "
            "FROM p JOIN search_searchdocument x ON x.id = p.id"
            + "".join(
                f" UNION ALL SELECT 'facet', name, n, value, NULL, NULL, NULL, NULL, NULL, NULL, "  # noqa: S608
                f"NULL, NULL FROM ({branch}) f{index}"
                for index, branch in enumerate(counts)
            )
        )
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                [
                    *params,
                    *where_params,
                    max(request.limit, 0),
                    max(request.offset, 0),
                    EXCERPT_SOURCE,
                    *count_params,
                ],
            )
            rows = cursor.fetchall()
        hits, counted = [], []
        query = request.query
        for kind, *row in rows:
            if kind == "facet":
                name, count, value = row[0], row[1], row[2]
                counted.append((name, value, count))
                continue
            (
                type_name,
                object_id,
                title,
                body,
                url,
                date,
                community_id,
                author_id,
                author_name,
                region,
                rank,
            ) = row
            hits.append(
                Hit(
                    type=type_name,
                    id=object_id,
                    title=title,
                    url=url,
                    date=_datetime(date),
                    community_id=community_id,
                    author_id=author_id,
                    author_name=author_name,
                    region=region,
                    excerpt=excerpt(body, query),
                    title_html=highlight(title, query),
                    score=float(rank or 0.0),
                )
            )
        # The join does not keep the page's order: sorted again, the same way (20 rows).
        if request.sort == "date":
            hits.sort(key=lambda hit: (-hit.date.timestamp(), hit.type, hit.id))
        else:
            hits.sort(key=lambda hit: (-hit.score, -hit.date.timestamp(), hit.type, hit.id))
        if not request.facets:
            return Results(total=sum(count for _n, _v, count in counted), hits=hits, facets={})
        facets, total = self._facets(request, filters, counted)
        return Results(total=total, hits=hits, facets=facets)

    @staticmethod
    def _counts(request, filters):
        """The counting branches over the matches ``m``: ``(name, value, n)`` rows for each
        facet counted with the other facets' filters — or the total alone."""
        branches, params = [], []

        def branch(select, group, without, extra=""):
            where, values = filters.sql(without=without)
            sql = f"SELECT {select}, COUNT(*) AS n FROM m WHERE 1 = 1{extra}{where}{group}"  # noqa: S608
            branches.append(sql)
            params.extend(values)

        if not request.facets:
            branch("'total' AS name, '' AS value", "", None)
            return branches, params
        branch("'type' AS name, type AS value", " GROUP BY type", "type")
        branch(
            "'community' AS name, CAST(community_id AS TEXT) AS value",
            " GROUP BY community_id",
            "community",
            " AND community_id IS NOT NULL",
        )
        branch(
            "'region' AS name, region AS value", " GROUP BY region", "region", " AND region <> ''"
        )
        for value, _label, days in PERIODS:
            where, values = filters.sql(without="period")
            branches.append(
                f"SELECT 'period' AS name, '{value}' AS value, COUNT(*) AS n FROM m "  # noqa: S608
                f"WHERE date >= %s{where}"
            )
            params.extend([filters.since(days), *values])
        return branches, params

    @staticmethod
    def _facets(request, filters, counted):
        """The facets' values with their counts, and the total."""
        facets = {"type": [], "community": [], "region": [], "period": []}
        for name, value, count in counted:
            if count:
                facets[name].append((str(value), count))
        for name in ("type", "community", "region"):
            facets[name].sort(key=lambda item: (-item[1], item[0]))
        for name in ("community", "region"):
            del facets[name][FACET_VALUES:]
        # Every match has one type: the total is the type facet's sum within its filter.
        kept = filters.conditions.get("type") and set(request.filters.get("type") or ())
        total = sum(count for value, count in facets["type"] if not kept or value in kept)
        return facets, total
