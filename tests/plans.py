"""PostgreSQL's plan of a query the code ran, for the tests that pin how it is read (an index,
no sort, no scan of a whole table)."""

from django.db import connection


def plan_of(sql, *, analyze=False):
    """The text of ``EXPLAIN`` (``EXPLAIN ANALYZE``: what the run did) of ``sql``, a query as
    captured by ``CaptureQueriesContext`` (its parameters written in)."""
    with connection.cursor() as cursor:
        cursor.execute(("EXPLAIN ANALYZE " if analyze else "EXPLAIN ") + sql)
        return "\n".join(row[0] for row in cursor.fetchall())
