"""The states of a dossier, through the platform's workflow helper (``maillage.workflow``)::

    brouillon ──→ déposé ──→ en évaluation ──→ avis motivé rendu ──→ lauréat
        │           │  └──→ irrecevable*                  │  └──→ non retenu
        └─→ retiré ←┘                                     │  └──→ non retenu, prometteur
                                                          └──→ soumis au Premier ministre
                                                                  ├──→ lauréat
                                                                  └──→ non retenu

    en évaluation ──→ présélectionné, audition ──→ avis motivé rendu   (a call with an audition)

    lauréat ──→ convention signée, en cours ──→ rapport final remis ──→ clos
                        ↑                             │
                        └──── renvoyé à l'équipe* ────┘

    * a reason is required.

Who may make each move is ``calls.permissions.DossierAbilities``. Each move writes a
``DossierEvent`` (actor, time, comment) in its transaction; once committed, the dossier's members
are notified of the moves that concern them (``calls.notification_kinds``). The deposit
(``services.dossier_deposit``: the deadline and the completeness gate first) and the decision
(``services.dossier_decide``: amount, conditions, derogation first) are services that end with
their move; the others are plain moves.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calls.models import Dossier, DossierEvent
from maillage.workflow import Transition, Workflow

S = Dossier.State

AUDIT_ACTIONS = {
    "dossier_deposited": _("Dossier déposé"),
    "dossier_withdrawn": _("Dossier retiré"),
    "dossier_ineligible": _("Dossier déclaré irrecevable"),
    "dossier_evaluation": _("Dossier transmis aux experts"),
    "dossier_reviewed": _("Avis motivé du comité d'experts"),
    "dossier_referred": _("Dossier soumis au Premier ministre"),
    "dossier_selected": _("Décision : lauréat"),
    "dossier_not_selected": _("Décision : non retenu"),
    "dossier_promising": _("Décision : non retenu, prometteur"),
    "dossier_shortlisted": _("Présélectionné pour l'audition"),
    "convention_signed": _("Convention signée"),
    "final_report_submitted": _("Rapport final remis"),
    "final_report_returned": _("Rapport final renvoyé à l'équipe"),
    "project_closed": _("Projet clos après la revue finale"),
}
# The moves the dossier's members hear of.
NOTIFIED = {
    S.DEPOSITED,
    S.INELIGIBLE,
    S.EVALUATION,
    S.SELECTED,
    S.NOT_SELECTED,
    S.PROMISING,
    S.REFERRED,
    S.AUDITION,
    S.IN_PROGRESS,
    S.FINAL_REPORT,
    S.CLOSED,
}


def _abilities(actor, dossier):
    from calls.permissions import dossier_abilities

    return dossier_abilities(actor, dossier)


def _deposited(dossier, actor, reason):
    dossier.deposited_at = timezone.now()
    dossier.deposited_by = actor


def _reviewed(dossier, actor, reason):
    dossier.committee_opinion = reason


def _decided(dossier, actor, reason):
    dossier.decided_at = timezone.now()


def _closed(dossier, actor, reason):
    dossier.closed_at = timezone.now()


def _audit(dossier, actor, move, reason):
    DossierEvent.objects.create(
        dossier=dossier,
        actor=actor,
        action=move.audit,
        source=move.sources[0] if len(move.sources) == 1 else "",
        target=move.target,
        comment=reason,
    )


def _notify(dossier, actor, move, reason):
    if move.target in NOTIFIED:
        from calls.notification_kinds import dossier_moved

        dossier_moved(dossier, actor, move)


DOSSIER = Workflow(
    state_field="state",
    transitions=[
        Transition(
            S.DRAFT,
            S.DEPOSITED,
            allowed=lambda a, d: _abilities(a, d).can_deposit,
            label=_("Déposer le dossier"),
            audit="dossier_deposited",
            effect=_deposited,
        ),
        Transition(
            (S.DRAFT, S.DEPOSITED),
            S.WITHDRAWN,
            allowed=lambda a, d: _abilities(a, d).can_withdraw,
            label=_("Retirer le dossier"),
            audit="dossier_withdrawn",
            reason_required=True,
        ),
        Transition(
            S.DEPOSITED,
            S.INELIGIBLE,
            allowed=lambda a, d: _abilities(a, d).can_screen,
            label=_("Déclarer irrecevable"),
            audit="dossier_ineligible",
            reason_required=True,
        ),
        Transition(
            S.DEPOSITED,
            S.EVALUATION,
            allowed=lambda a, d: _abilities(a, d).can_screen,
            label=_("Transmettre aux experts"),
            audit="dossier_evaluation",
        ),
        Transition(
            S.EVALUATION,
            S.AUDITION,
            allowed=lambda a, d: _abilities(a, d).can_shortlist,
            label=_("Présélectionner pour l'audition"),
            audit="dossier_shortlisted",
        ),
        Transition(
            (S.EVALUATION, S.AUDITION),
            S.REVIEWED,
            allowed=lambda a, d: _abilities(a, d).can_record_opinion,
            label=_("Enregistrer l'avis motivé"),
            audit="dossier_reviewed",
            reason_required=True,
            effect=_reviewed,
        ),
        Transition(
            S.REVIEWED,
            S.REFERRED,
            allowed=lambda a, d: _abilities(a, d).can_decide,
            label=_("Soumettre au Premier ministre"),
            audit="dossier_referred",
            reason_required=True,
        ),
        *(
            Transition(
                (S.REVIEWED, S.REFERRED) if target != S.PROMISING else S.REVIEWED,
                target,
                allowed=lambda a, d: _abilities(a, d).can_decide,
                label=label,
                audit=f"dossier_{target}",
                reason_required=True,
                effect=_decided,
            )
            for target, label in (
                (S.SELECTED, _("Retenir le projet (lauréat)")),
                (S.NOT_SELECTED, _("Ne pas retenir le projet")),
                (S.PROMISING, _("Non retenu, prometteur")),
            )
        ),
        # After the decision (part 2): the services check what each move needs first — the
        # convention complete and signed (``calls.convention``), the report uploaded, the
        # final review written (``calls.follow_up``).
        Transition(
            S.SELECTED,
            S.IN_PROGRESS,
            allowed=lambda a, d: _abilities(a, d).can_sign_convention,
            label=_("Enregistrer la convention signée"),
            audit="convention_signed",
        ),
        Transition(
            S.IN_PROGRESS,
            S.FINAL_REPORT,
            allowed=lambda a, d: _abilities(a, d).can_submit_report,
            label=_("Remettre le rapport final"),
            audit="final_report_submitted",
        ),
        Transition(
            S.FINAL_REPORT,
            S.IN_PROGRESS,
            allowed=lambda a, d: _abilities(a, d).is_manager,
            label=_("Renvoyer le rapport final à l'équipe"),
            audit="final_report_returned",
            reason_required=True,
        ),
        Transition(
            S.FINAL_REPORT,
            S.CLOSED,
            allowed=lambda a, d: _abilities(a, d).can_close,
            label=_("Clore le projet"),
            audit="project_closed",
            effect=_closed,
        ),
    ],
    audit=_audit,
    notify=_notify,
)
