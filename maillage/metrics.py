"""The usage metrics registry: what each app counts for the steering reports of the SGAR digital
officers (« Pilotage »), declared by the app that owns the data, read by the reports only through
here.

An app registers its metrics from its ``AppConfig.ready()``::

    metrics.register(
        "ideas_by_status",
        label=_("Idées par statut"),
        kinds={"new": _("Nouvelle"), ...},
        collect=ideas_by_status,        # (start, end) -> iterable of Count
        stock=True,
    )

``collect(start, end)`` returns aggregate ``Count`` rows, one per community and kind: for a
*stock* (``stock=True``: ideas by status, members) the state at ``end``; for a *flow* (ideas
adopted, contributions) what happened in ``[start, end)``. A metric is never one agent's
activity: rows are counts keyed by community, and the reports mask any figure computed over
fewer than five agents. The nightly rollups and the dashboards read these rows; nothing else
reaches into the apps' tables for a report.

This module imports no app.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple


class Count(NamedTuple):
    community_id: int | None  # None: the platform as a whole (the platform's own idea box…)
    kind: str  # "" when the metric has no kinds
    value: int


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    collect: Callable
    kinds: dict
    stock: bool
    app: str

    def rows(self, start, end):
        return [Count(*row) for row in self.collect(start, end)]


_registry: dict[str, Metric] = {}


def register(key, *, label, collect, kinds=None, stock=False, app=""):
    if key in _registry and _registry[key].collect is not collect:
        raise ValueError(f"The metric {key!r} is registered twice.")
    _registry[key] = Metric(
        key=key, label=label, collect=collect, kinds=dict(kinds or {}), stock=stock, app=app
    )
    return _registry[key]


def get(key):
    return _registry[key]


def registered():
    """Every metric, in the order the apps registered them."""
    return list(_registry.values())
