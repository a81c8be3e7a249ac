"""A small workflow helper: the states an object goes through, declared once, and one service that
moves it. Not a workflow engine: no persisted process, no timers — a list of transitions and a
function.

An app declares its workflow next to its model::

    REPORT = Workflow(
        state_field="status",
        transitions=[
            Transition("open", "dismissed", allowed=can_moderate, audit="report_dismissed",
                       notification="report_answered", label=_("Classer sans suite")),
            ...
        ],
        audit=write_audit_line,            # (obj, actor, transition, reason) -> None
        notify=notify_after_transition,    # (obj, actor, transition, reason) -> None, on commit
    )
    REPORT.transition(report, "dismissed", actor=animator, reason="…")

``transition`` checks that the move exists from the object's current state and that the actor
may make it, reads the row again under a lock (two animators answering at once: the second is
refused, not applied twice), writes the new state, lets the app write its audit line and its
activity in the same transaction, and notifies once the transaction has committed. The idea box's
statuses and the call for projects' dossier use the same helper.

This module imports no app: the checks and hooks are the app's own functions.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from maillage.http import Refused


class TransitionRefused(Refused):
    """A move that does not exist from this state, or that this actor may not make."""


@dataclass(frozen=True)
class Transition:
    source: str | tuple
    target: str
    # (actor, obj) -> bool: who may make this move (the app's policy).
    allowed: Callable
    label: str = ""
    # The audit action written, and whether a reason must be given (« non retenue »…).
    audit: str | None = None
    reason_required: bool = False
    # The notification kind this move sends (« idea_status »…): the workflow's ``notify`` hook
    # receives the move and sends ``move.notification`` to the recipients the app chooses.
    notification: str = ""
    # Extra work in the same transaction (dates, counters): (obj, actor, reason) -> None.
    effect: Callable | None = None

    @property
    def sources(self):
        return (self.source,) if isinstance(self.source, str) else tuple(self.source)


@dataclass
class Workflow:
    transitions: list
    state_field: str = "status"
    # (obj, actor, transition, reason) -> None, in the transaction.
    audit: Callable | None = None
    # (obj, actor, transition, reason) -> None, after commit.
    notify: Callable | None = None
    _by_move: dict = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self):
        for move in self.transitions:
            for source in move.sources:
                key = (source, move.target)
                if key in self._by_move:
                    raise ValueError(f"Two transitions from {source!r} to {move.target!r}.")
                self._by_move[key] = move

    def state(self, obj):
        return getattr(obj, self.state_field)

    def find(self, obj, target):
        return self._by_move.get((self.state(obj), target))

    def available(self, obj, actor):
        """The moves ``actor`` may make from the object's current state (for the page's
        buttons)."""
        state = self.state(obj)
        return [
            move for move in self.transitions if state in move.sources and move.allowed(actor, obj)
        ]

    def transition(self, obj, target, *, actor, reason=""):
        """Move ``obj`` to ``target``; returns the transition made, or raises
        TransitionRefused with a French message."""
        reason = (reason or "").strip()
        move = self.find(obj, target)
        if move is None:
            raise TransitionRefused(_("Ce changement d'état n'est pas possible."), "invalid")
        if not move.allowed(actor, obj):
            raise TransitionRefused(_("Vous ne pouvez pas faire ce changement."), "forbidden")
        if move.reason_required and not reason:
            raise TransitionRefused(_("Indiquez le motif de ce changement."), "invalid")
        model = type(obj)
        with transaction.atomic():
            current = model._default_manager.select_for_update().get(pk=obj.pk)
            if self.state(current) not in move.sources:
                # Someone else moved it meanwhile.
                raise TransitionRefused(_("Ce contenu a déjà changé d'état."), "conflict")
            # What others changed meanwhile is kept: the move applies to the row as it is now.
            for name in [f.attname for f in model._meta.concrete_fields]:
                setattr(obj, name, getattr(current, name))
            setattr(obj, self.state_field, target)
            if move.effect is not None:
                move.effect(obj, actor, reason)
            obj.save()
            if self.audit is not None and move.audit:
                self.audit(obj, actor, move, reason)
            if self.notify is not None:
                transaction.on_commit(lambda: self.notify(obj, actor, move, reason))
        return move
