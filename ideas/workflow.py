"""The statuses of an idea, through the platform's workflow helper (``maillage.workflow``,
``docs/adr/0003``)::

    nouvelle ──→ à l'étude ──→ retenue* ──→ mise en œuvre
       │            │
       └──→ non retenue* ←─┘
                 │
                 └──→ à l'étude* (« Réexaminer »)

    * a public answer is required.

Every move is the animators' (the platform administrators' in the platform box:
``IdeaAbilities.can_set_status``). Each transition has one source, so the status change line
(``IdeaStatusChange``), written by the audit hook in the move's transaction with its audit line,
knows where the idea came from. The ``notify`` hook, once the move has committed, sends
``ideas.signals.idea_status_changed`` (ideas.social turns it into notifications to the author,
the supporters and the followers). « Fusionnée » is not a move of this workflow: a merge
(``services.idea_merge``) moves supports, comments and followers too.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.content import audit
from ideas import signals
from ideas.models import Idea, IdeaStatusChange
from maillage.workflow import Transition, Workflow

S = Idea.Status

# The notification kind of every move (registered by ideas.social).
NOTIFICATION = "idea_status"


def _allowed(actor, idea):
    from ideas.permissions import idea_abilities

    return idea_abilities(actor, idea.community).can_set_status(idea)


def _answered(idea, actor, answer):
    """In the move's transaction, on the locked row: the date of the change and, when one is
    given, the new public answer (the previous one stays otherwise)."""
    now = timezone.now()
    idea.status_changed_at = now
    idea.last_activity_at = now
    if answer:
        idea.answer = answer
        idea.answered_by = actor


def _move(source, target, label, audit_code, *, answer_required=False):
    return Transition(
        source,
        target,
        allowed=_allowed,
        label=label,
        audit=audit_code,
        reason_required=answer_required,
        notification=NOTIFICATION,
        effect=_answered,
    )


TRANSITIONS = [
    _move(S.NEW, S.STUDYING, _("Mettre à l'étude"), "idea_studying"),
    _move(S.NEW, S.REJECTED, _("Ne pas retenir"), "idea_rejected", answer_required=True),
    _move(S.STUDYING, S.ADOPTED, _("Retenir"), "idea_adopted", answer_required=True),
    _move(S.STUDYING, S.REJECTED, _("Ne pas retenir"), "idea_rejected", answer_required=True),
    _move(S.ADOPTED, S.IMPLEMENTED, _("Marquer comme mise en œuvre"), "idea_implemented"),
    _move(S.REJECTED, S.STUDYING, _("Réexaminer"), "idea_reexamined", answer_required=True),
]

# The audit actions of the moves, with their French labels (registered by ideas.registrations).
AUDIT_ACTIONS = {
    "idea_studying": _("Idée mise à l'étude"),
    "idea_adopted": _("Idée retenue"),
    "idea_implemented": _("Idée marquée comme mise en œuvre"),
    "idea_rejected": _("Idée non retenue"),
    "idea_reexamined": _("Idée réexaminée"),
}


def _write_change(idea, actor, move, answer):
    """The audit hook: the audit line and the status change line of the history, in the move's
    transaction. The line waits on the idea for the ``notify`` hook."""
    audit.record(
        community=idea.community, actor=actor, action=move.audit, target=idea, reason=answer
    )
    idea._status_change = IdeaStatusChange.objects.create(
        idea=idea,
        old=move.source,
        new=move.target,
        answer=answer,
        actor=actor,
        created_at=idea.status_changed_at,
    )


def _notify(idea, actor, move, answer):
    """Once the move has committed: ``idea_status_changed`` for the notifications."""
    signals.idea_status_changed.send(sender=Idea, idea=idea, change=idea._status_change)


IDEA = Workflow(transitions=TRANSITIONS, state_field="status", audit=_write_change, notify=_notify)


def answer_required(idea, target):
    """Whether moving ``idea`` to ``target`` needs a public answer (False if no such move)."""
    move = IDEA.find(idea, target)
    return bool(move and move.reason_required)


def moves_for(idea, actor):
    """The moves ``actor`` may make on ``idea`` now (the page's buttons or select)."""
    return IDEA.available(idea, actor)
