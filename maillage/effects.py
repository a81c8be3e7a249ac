"""Side effects of a write, run once its transaction commits.

A service writes in a transaction, then asks for what should follow: a real-time event to the
open tabs (``publish``), an e-mail to someone with no account (``mail``), a document to index
(``index``). Each runs only once the transaction commits (at once in autocommit), so nobody hears
of a row that is later rolled back; and a failure is logged, never raised, so it cannot undo a
write that is already committed (clients catch up from the database, an index is rebuilt).

E-mails to agents about what happens on the platform are not sent from here: they go through the
notification kinds (``notifications.services.notify``), which apply each agent's preferences.

The tests see every effect that ran through the ``capture_effects`` fixture (``tests/conftest.py``),
which listens here (``listening``). This module imports no app.
"""

import logging
import threading
from contextlib import contextmanager

from django.db import transaction

logger = logging.getLogger(__name__)

# Called with (what, details) for each effect once it has run: the tests' capture.
_listeners = []
# ``{model: [indexer(obj)]}``: what indexes an object of that model (the search registry will
# register here; until then ``index`` only records).
_indexers = {}


def _tell(what, **details):
    for listener in list(_listeners):
        listener(what, details)


def on_commit(callback, *, name=None):
    """Run ``callback()`` once the current transaction commits (at once in autocommit), never
    if it rolls back. A failure is logged with ``name`` and swallowed: the write stands."""
    label = name or getattr(callback, "__qualname__", repr(callback))

    def run():
        try:
            callback()
        except Exception as error:
            logger.exception("effects: %s failed after commit", label)
            _tell("failed", name=label, error=error)

    transaction.on_commit(run)
    return run


def publish(group, event):
    """Publish a real-time ``event`` to the connections of ``group`` once the transaction
    commits (``maillage.realtime.publish_on_commit``)."""
    from maillage.realtime import publish_on_commit

    publish_on_commit(group, event)
    on_commit(lambda: _tell("published", group=group, event=event), name="publish")


def mail(*, to, template, context, subject=None):
    """Queue the templated e-mail ``template`` to the address ``to`` once the transaction commits
    (``maillage.mail.send_templated_mail``; links are built on ``settings.SITE_URL``)."""
    from maillage.mail import send_templated_mail

    def send():
        send_templated_mail(to=to, template=template, context=context, subject=subject)
        _tell("mailed", to=to, template=template, context=context)

    on_commit(send, name=f"mail {template}")


def register_indexer(model, indexer):
    """Have ``indexer(objs)`` run, on commit, with the objects of a ``model`` (or of a subclass)
    given to ``index`` in the transaction. Called by the app that owns the index, from its
    ``AppConfig.ready()``."""
    _indexers.setdefault(model, []).append(indexer)


# The objects ``index`` was given in the current transaction, per thread: one batch, handed
# to the indexers by one callback when it commits.
_batch = threading.local()


def index(obj):
    """Index ``obj`` again once the transaction commits, with the indexers registered for its
    model. The objects of one transaction go to each indexer together, once: the first of
    their callbacks to run hands them all over (saving a page with its attachments queues them
    in one write, not one per object), the others find nothing left; an object changed twice
    is handed over once."""
    connection = transaction.get_connection()
    pending = getattr(_batch, "pending", None)
    if (
        pending is None
        or pending.done
        or not connection.in_atomic_block
        or not pending.registered_in(connection)
    ):
        pending = _Pending()
        _batch.pending = pending if connection.in_atomic_block else None
    pending.add(obj)
    callback = on_commit(pending.run, name=f"index {type(obj).__name__}")
    if connection.in_atomic_block:
        pending.last = (len(connection.run_on_commit) - 1, callback)


class _Pending:
    def __init__(self):
        self.objects = {}
        # Where its last callback sits in the connection's list of the transaction's callbacks
        # (``run_on_commit``, Django's): gone from there, the transaction that held the batch
        # was rolled back or committed, and the next object starts another batch.
        self.last = None
        self.done = False

    def registered_in(self, connection):
        if self.last is None:
            return False
        position, callback = self.last
        entries = connection.run_on_commit
        return position < len(entries) and entries[position][1] is callback

    def add(self, obj):
        # By model and primary key: the last state given wins (a deleted object's copy keeps
        # its key, see search.indexing).
        key = (type(obj), obj.pk if obj.pk is not None else id(obj))
        self.objects[key] = obj

    def run(self):
        self.done = True
        objects = list(self.objects.values())
        self.objects.clear()
        by_indexer = {}
        for obj in objects:
            for klass in type(obj).__mro__:
                for indexer in _indexers.get(klass, ()):
                    by_indexer.setdefault(indexer, []).append(obj)
        for indexer, objs in by_indexer.items():
            indexer(objs)
        for obj in objects:
            _tell("indexed", obj=obj)


@contextmanager
def listening(listener):
    """Call ``listener(what, details)`` for each effect run inside the block (the tests)."""
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)
