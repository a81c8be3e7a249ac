"""A dossier's eligibility pre-check (R37, the E1-E16 table of the call) and its completeness
gate (R38): what the team sees before it deposits, and what stops the deposit.

The pre-check follows the call's kind (R61, L3340-3432): a labs call reads its scale-up in the
labs' presentation (the ability to replicate the hosted projects, section V), does not ask a
justification of its partners outside the ATE (they are welcome, at the operational lead's
initiative) and warns, without blocking, while no external partner is named.

Pure reads: nothing is written. ``can_deposit`` gathers both with the financing plan's blocking
issues (``calls.financing``).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calls import financing, presentation
from calls.models import DossierMember, Partner, Piece, PieceKind
from directory.models import ServiceKind

DELEGATION = "delegation"
CAP_ISSUES = {"total_cap", "pia_cap"}

# The operational sponsor is a regional (SGAR, DR) or departmental State service (E11): these
# families of the territorial administration (ATE), at these levels. An ARS, a rectorate or a
# DRFIP are outside the ATE (``ServiceKind.ate`` is False) and fail.
OPERATIONAL_FAMILIES = {
    ServiceKind.Family.SGAR,
    ServiceKind.Family.DR,
    ServiceKind.Family.DDI,
    ServiceKind.Family.PREFECTURE,
}
OPERATIONAL_LEVELS = {ServiceKind.Level.REGION, ServiceKind.Level.DEPARTMENT}


@dataclass(frozen=True)
class Check:
    """A line of the pre-check: ``code`` (an E number of the call, or a rule's name), a French
    ``label``, whether it passes, and a French ``detail`` saying why (or what was found).
    ``blocking`` False: a warning, shown but not stopping the deposit."""

    code: str
    label: str
    ok: bool
    detail: str = ""
    blocking: bool = True


@dataclass(frozen=True)
class Missing:
    """What the dossier still lacks: a piece of ``kind`` (for ``partner`` when the kind is one per
    partner), or a form field (``kind`` None, ``field`` the Dossier field's name)."""

    kind: PieceKind | None
    partner: Partner | None
    label: str
    field: str = ""


# The form fields a deposit needs: the sponsor form (R39), the synthesis (R40), the
# application act (R44).
REQUIRED_FIELDS = [
    ("sponsor_name", gettext_lazy("Porteur de projet : nom")),
    ("sponsor_address", gettext_lazy("Porteur de projet : adresse")),
    ("sponsor_phone", gettext_lazy("Porteur de projet : téléphone")),
    ("sponsor_email", gettext_lazy("Porteur de projet : courriel")),
    ("sponsor_legal_status", gettext_lazy("Porteur de projet : statut juridique")),
    ("contact_name", gettext_lazy("Contact opérationnel : nom et prénom")),
    ("contact_function", gettext_lazy("Contact opérationnel : fonction")),
    ("contact_email", gettext_lazy("Contact opérationnel : adresse électronique")),
    ("title", gettext_lazy("Fiche de synthèse : titre du projet")),
    ("acronym", gettext_lazy("Fiche de synthèse : acronyme")),
    ("main_theme", gettext_lazy("Fiche de synthèse : thématique principale")),
    ("summary", gettext_lazy("Fiche de synthèse : descriptif du projet")),
    ("signatory_name", gettext_lazy("Acte de candidature : nom du signataire")),
    ("signatory_title", gettext_lazy("Acte de candidature : titre du signataire")),
    ("signed_on", gettext_lazy("Acte de candidature : date de signature")),
]


def _filled(value):
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    return True


def team_ministries(dossier):
    """The distinct ministries of the team, by code: the operational service's, the services of
    the lead and the team members, and each partner's (its ``ministry``, else its directory
    service's). A departmental interministerial direction (DDT, DDCS…, ministry
    « interministeriel ») counts as one ministry of its own: with a DREAL it makes two, but it
    does not make a team interministerial alone."""
    ministries = {}
    if dossier.operational_service_id:
        ministry = dossier.operational_service.ministry
        ministries[ministry.code] = ministry
    members = dossier.members.filter(
        role__in=[DossierMember.Role.LEAD, DossierMember.Role.TEAM],
        agent__service__isnull=False,
    ).select_related("agent__service__ministry")
    for member in members:
        ministry = member.agent.service.ministry
        ministries[ministry.code] = ministry
    for partner in dossier.partners.select_related("ministry", "service__ministry"):
        ministry = partner.ministry or (partner.service.ministry if partner.service else None)
        if ministry is not None:
            ministries[ministry.code] = ministry
    return ministries


def scale_up_check(dossier):
    """E8: the presentation treats the scale-up where the call's template asks it — the
    communities' section IV whole, the labs' item 5b (« Capacité à répliquer les projets
    hébergés au sein de l'ATE », section V)."""
    call = dossier.call
    sections = presentation.sections_for(call)
    scale_up = presentation.scale_up_for(call)
    ok = presentation.scale_up_filled(dossier.presentation, scale_up, sections)
    part = presentation.section(scale_up.section, sections)
    if ok:
        detail = ""
    elif scale_up.items:
        items = presentation.items_of(sections)
        detail = _("Complétez la partie %(code)s de la présentation : %(items)s.") % {
            "code": part.code,
            "items": " ; ".join(f"« {items[code].label} »" for code in scale_up.items),
        }
    else:
        detail = _("Complétez la partie %(code)s de la présentation : « %(title)s ».") % {
            "code": part.code,
            "title": part.title,
        }
    return Check("E8", _("Le passage à l'échelle est traité"), ok, detail)


def partnership_check(dossier):
    """The partnership character of a lab (L3344-3345, L3414-3432): at least one partner
    outside the territorial administration of the State (an operator, a local authority, a
    university, an association, a company…) is expected, possibly gradually, and only potential
    partners need naming at this stage — a warning (``blocking`` False), never a refusal."""
    external = [str(p) for p in dossier.partners.all() if p.outside_ate]
    if external:
        detail = _("Partenaires extérieurs : %(names)s.") % {"names": ", ".join(external)}
    else:
        detail = _(
            "Aucun partenaire extérieur à l'administration territoriale de l'État n'est encore "
            "associé. Des partenaires extérieurs sont attendus, éventuellement de manière "
            "progressive : à ce stade, citez au moins les partenaires potentiels (partie III de "
            "la présentation). Ce point n'empêche pas le dépôt."
        )
    return Check(
        "partnership",
        _("Le laboratoire associe des partenaires extérieurs (caractère partenarial)"),
        bool(external),
        detail,
        blocking=False,
    )


def precheck(dossier, *, plan=None):
    """The automatic and declarative checklist of R37, as a list of ``Check`` in the order the
    team reads it. ``plan``: the dossier's ``financing.plan_of`` when the caller has it."""
    if plan is None:
        plan = financing.plan_of(dossier)
    call = dossier.call
    checks = []

    sponsor = dossier.members.filter(role=DossierMember.Role.SPONSOR).exists()
    checks.append(
        Check(
            "E9",
            _("Le porteur de projet est le préfet de région"),
            sponsor,
            _("Préfet de région de %(region)s.") % {"region": dossier.region}
            if sponsor
            else _("Aucun préfet de région n'est désigné comme porteur de projet."),
        )
    )

    service = dossier.operational_service
    if service is None:
        ok, detail = False, _("Le service porteur opérationnel n'est pas renseigné.")
    else:
        kind = service.kind
        ok = kind.ate and kind.family in OPERATIONAL_FAMILIES and kind.level in OPERATIONAL_LEVELS
        if ok:
            detail = _("%(service)s (%(kind)s).") % {"service": service, "kind": kind.name}
        else:
            detail = _(
                "%(service)s (%(kind)s) n'est ni un SGAR, ni une direction régionale, ni un "
                "service départemental de l'État."
            ) % {"service": service, "kind": kind.name}
    checks.append(
        Check(
            "E11",
            _(
                "Le porteur opérationnel est un SGAR, une direction régionale ou un service "
                "départemental de l'État"
            ),
            ok,
            detail,
        )
    )

    ministries = team_ministries(dossier)
    names = ", ".join(sorted(str(m) for m in ministries.values()))
    checks.append(
        Check(
            "E10",
            _("L'équipe réunit au moins deux ministères"),
            len(ministries) >= 2,
            _("Ministères représentés : %(names)s.") % {"names": names}
            if ministries
            else _("Aucun ministère n'est représenté dans l'équipe."),
        )
    )

    if presentation.is_labs(call):
        checks.append(partnership_check(dossier))
    else:
        unjustified = [
            str(p) for p in dossier.partners.all() if p.outside_ate and not p.justification.strip()
        ]
        checks.append(
            Check(
                "E15",
                _("Chaque partenaire hors administration territoriale de l'État est justifié"),
                not unjustified,
                _("Justification manquante : %(names)s.") % {"names": ", ".join(unjustified)}
                if unjustified
                else "",
            )
        )

    total_ok = plan.total <= call.max_total_cost
    pia_ok = plan.pia <= call.max_requested
    problems = []
    if not total_ok:
        problems.append(
            _("coût total de %(total)s au-delà de %(cap)s")
            % {
                "total": financing.amount_text(plan.total),
                "cap": financing.amount_text(call.max_total_cost),
            }
        )
    if not pia_ok:
        problems.append(
            _("financement demandé de %(pia)s au-delà de %(cap)s")
            % {
                "pia": financing.amount_text(plan.pia),
                "cap": financing.amount_text(call.max_requested),
            }
        )
    checks.append(
        Check(
            "E6",
            _("Coût total d'au plus %(total)s et financement demandé d'au plus %(pia)s")
            % {
                "total": financing.amount_text(call.max_total_cost),
                "pia": financing.amount_text(call.max_requested),
            },
            total_ok and pia_ok,
            (_("Plafond dépassé : %(problems)s.") % {"problems": " ; ".join(problems)})
            if problems
            else "",
        )
    )

    checks.append(scale_up_check(dossier))

    checks.append(
        Check(
            "free_software",
            _("La question du logiciel libre a une réponse"),
            dossier.free_software is not None,
            "" if dossier.free_software is not None else _("Indiquez si la solution est libre."),
        )
    )

    theme_ok = dossier.main_theme_id is not None and dossier.main_theme.call_id == call.pk
    checks.append(
        Check(
            "E16",
            _("Le projet relève d'une thématique de l'appel"),
            theme_ok,
            str(dossier.main_theme) if theme_ok else _("Choisissez la thématique principale."),
        )
    )

    needs_ok = bool(dossier.support_needs.strip())
    checks.append(
        Check(
            "support_needs",
            _("La nature de l'accompagnement attendu est décrite"),
            needs_ok,
            "" if needs_ok else _("Décrivez l'accompagnement attendu."),
        )
    )
    return checks


def completeness(dossier):
    """What the dossier lacks before it can be deposited (R38), as a list of ``Missing``: every
    mandatory piece kind of the call without a piece (one per partner for a per-partner kind,
    e.g. three partners need three commitment acts), the delegation of signature when the
    signatory is not the legal representative (R44), then the required form fields."""
    found = set(Piece.objects.filter(dossier=dossier).values_list("kind_id", "partner_id"))
    kinds_with_piece = {kind_id for kind_id, _partner in found}
    partners = list(dossier.partners.all())
    missing = []
    kinds = list(dossier.call.piece_kinds.all())
    for kind in kinds:
        needed = kind.mandatory or (
            kind.code == DELEGATION and not dossier.signatory_is_legal_representative
        )
        if not needed:
            continue
        if kind.per_partner:
            for partner in partners:
                if (kind.pk, partner.pk) not in found:
                    missing.append(
                        Missing(
                            kind,
                            partner,
                            _("%(kind)s : %(partner)s") % {"kind": kind.label, "partner": partner},
                        )
                    )
        elif kind.pk not in kinds_with_piece:
            missing.append(Missing(kind, None, kind.label))
    if not dossier.signatory_is_legal_representative and not any(
        kind.code == DELEGATION for kind in kinds
    ):
        # A call without a delegation kind still needs the delegation: said, not uploadable.
        missing.append(Missing(None, None, _("Délégation de signature"), DELEGATION))
    for name, label in REQUIRED_FIELDS:
        value = getattr(dossier, f"{name}_id" if name == "main_theme" else name)
        if not _filled(value):
            missing.append(Missing(None, None, str(label), name))
    return missing


def can_deposit(dossier):
    """Whether the dossier may be deposited, and the French reasons it may not: every pre-check
    passes, nothing is missing and the financing plan has no blocking issue. Returns
    ``(bool, list[str])``; the list is empty when the bool is True."""
    plan = financing.plan_of(dossier)
    reasons = [
        f"{check.label} : {check.detail}" if check.detail else str(check.label)
        for check in precheck(dossier, plan=plan)
        if not check.ok and check.blocking
    ]
    for item in completeness(dossier):
        if item.kind is not None or item.field == DELEGATION:
            reasons.append(_("Pièce manquante : %(label)s") % {"label": item.label})
        else:
            reasons.append(_("Champ à remplir : %(label)s") % {"label": item.label})
    # The caps are already the E6 check's reason.
    reasons.extend(issue.message for issue in plan.blocking if issue.code not in CAP_ISSUES)
    return not reasons, reasons
