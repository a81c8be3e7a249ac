"""Calls and dossiers for the tests: a small call built like the 2016 one (two themes, two waves
closing at 17:00 Paris time, the pieces of the communities call, three criteria), and dossiers
with their members."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from calls.models import (
    DEFAULT_FORMATS,
    Call,
    CallRole,
    Criterion,
    Dossier,
    DossierMember,
    Partner,
    PieceKind,
    Theme,
    Wave,
)
from directory.models import Region
from tests.factories import AgentFactory, ServiceFactory

PARIS = ZoneInfo("Europe/Paris")

# The pieces of the communities call (spec §3.5), as tests build them.
PIECES = [
    # code, label, mandatory, per partner, signed, max pages, max slides
    ("synthese", "Fiche de synthèse", True, False, False, 2, None),
    ("presentation", "Présentation du projet", True, False, False, 20, None),
    ("communication", "Présentation de communication", True, False, False, None, 10),
    ("acte-candidature", "Acte de candidature signé", True, False, True, None, None),
    ("delegation", "Délégation de signature", False, False, True, None, None),
    ("engagement-partenaire", "Acte d'engagement du partenaire", True, True, True, None, None),
    (
        "attestation-cofinancement",
        "Attestation d'engagement des cofinanceurs",
        False,
        False,
        True,
        None,
        None,
    ),
    ("annexes", "Annexes techniques", False, False, False, None, None),
]


def paris(year, month, day, hour=17, minute=0, second=0):
    """That wall-clock time in Europe/Paris, as an aware datetime."""
    return datetime(year, month, day, hour, minute, second, tzinfo=PARIS)


class CallFactory(DjangoModelFactory):
    class Meta:
        model = Call
        skip_postgeneration_save = True

    kind = Call.Kind.COMMUNITIES
    title = factory.Sequence(lambda n: f"Communautés professionnelles territoriales {n}")
    slug = factory.Sequence(lambda n: f"appel-{n}")
    summary = "Donner aux agents les moyens de proposer de nouveaux usages collaboratifs."
    envelope = Decimal("6000")
    max_total_cost = Decimal("500")
    max_requested = Decimal("250")
    derogation_share = 50
    accepted_formats = factory.LazyFunction(lambda: list(DEFAULT_FORMATS))
    published_at = factory.LazyFunction(timezone.now)

    class Params:
        regional = factory.Trait(
            scope=Call.Scope.REGIONAL,
            region=factory.LazyFunction(lambda: Region.objects.get(code="53")),
        )

    @factory.post_generation
    def setup(self, create, extracted, **kwargs):
        """Two themes, two waves (the first closing in 30 days, the second in 90, at 17:00
        Paris time), the pieces and a three-criterion grid."""
        if not create:
            return
        Theme.objects.create(call=self, label="Moderniser l'action publique", order=1)
        Theme.objects.create(call=self, label="Innover dans les conditions de travail", order=2)
        today = timezone.localdate()
        for number, days, share in ((1, 30, 40), (2, 90, 60)):
            day = today + timedelta(days=days)
            Wave.objects.create(
                call=self,
                number=number,
                deadline=paris(day.year, day.month, day.day),
                envelope_share=share,
            )
        for order, (code, label, mandatory, per_partner, signed, pages, slides) in enumerate(
            PIECES
        ):
            PieceKind.objects.create(
                call=self,
                code=code,
                label=label,
                mandatory=mandatory,
                per_partner=per_partner,
                signed=signed,
                max_pages=pages,
                max_slides=slides,
                order=order,
            )
        first = Criterion.objects.create(
            call=self, code="1", label="Caractère interministériel", order=1
        )
        Criterion.objects.create(call=self, code="2", label="Valeur économique et sociale", order=2)
        Criterion.objects.create(
            call=self, parent=first, code="1a", label="Plusieurs administrations", order=3
        )


class DossierFactory(DjangoModelFactory):
    """A draft on the call's first wave, led by ``lead`` (an agent of a DREAL by default)."""

    class Meta:
        model = Dossier
        skip_postgeneration_save = True

    call = factory.SubFactory(CallFactory)
    wave = factory.LazyAttribute(lambda o: o.call.waves.order_by("number").first())
    title = factory.Sequence(lambda n: f"Réseau des instructeurs {n}")
    acronym = factory.Sequence(lambda n: f"RI{n}")
    region = factory.LazyFunction(lambda: Region.objects.get(code="53"))
    operational_service = factory.SubFactory(ServiceFactory, regional=True)

    @factory.post_generation
    def lead(self, create, extracted, **kwargs):
        if not create:
            return
        agent = extracted or AgentFactory(service=self.operational_service)
        DossierMember.objects.create(dossier=self, agent=agent, role=DossierMember.Role.LEAD)
        self.created_by = agent
        self.save(update_fields=["created_by"])


def add_member(dossier, agent=None, role=DossierMember.Role.TEAM):
    agent = agent or AgentFactory()
    DossierMember.objects.create(dossier=dossier, agent=agent, role=role)
    return agent


def grant(call, role, agent=None):
    agent = agent or AgentFactory()
    CallRole.objects.create(call=call, agent=agent, role=role)
    return agent


def lead_of(dossier):
    return dossier.members.get(role=DossierMember.Role.LEAD).agent


def add_partner(dossier, name="Conseil départemental d'Ille-et-Vilaine", **fields):
    fields.setdefault("nature", Partner.Nature.LOCAL)
    fields.setdefault("justification", "Indispensable : il instruit les aides aux communes.")
    return Partner.objects.create(dossier=dossier, name=name, **fields)


def complete(dossier, *, partners=1, pia=Decimal("100"), total=Decimal("250")):
    """Fill ``dossier`` so that it may be deposited: the préfet sponsor, a team spanning two
    ministries, every form field, the presentation, a balanced financing plan (``pia`` of a
    ``total`` in k€, the rest self-funded, all eligible), ``partners`` partners each with its
    signed commitment act, and every mandatory piece."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from calls import presentation
    from calls.models import FinancingLine, Piece
    from directory.models import Ministry

    dossier.refresh_from_db()
    if not dossier.members.filter(role=DossierMember.Role.SPONSOR).exists():
        add_member(dossier, role=DossierMember.Role.SPONSOR)
    # The lead's DREAL (écologie) and a DDTM (interministériel): two ministries.
    add_member(dossier, AgentFactory(service=ServiceFactory()))
    for name, value in {
        "sponsor_name": "Préfecture de la région Bretagne",
        "sponsor_acronym": "PREF-BZH",
        "sponsor_address": "3 avenue de la Préfecture, 35000 Rennes",
        "sponsor_phone": "02 99 02 10 35",
        "sponsor_email": "pref-projets@bretagne.gouv.fr",
        "sponsor_legal_status": "Services déconcentrés de l'État",
        "contact_civility": "Mme",
        "contact_name": "Claire Martin",
        "contact_function": "Cheffe de projet",
        "contact_email": "claire.martin@developpement-durable.gouv.fr",
        "summary": "Un réseau social des instructeurs pour partager leurs pratiques.",
        "acronym": dossier.acronym or "RESEAU",
        "main_theme": dossier.call.themes.order_by("order").first(),
        "signatory_name": "Le préfet de la région Bretagne",
        "signatory_title": "Préfet de région",
        "signed_on": timezone.localdate(),
        "support_needs": "Un appui à l'animation du réseau.",
        "free_software": True,
        "presentation": {
            item.code: f"Texte de la rubrique {item.code}."
            for section in presentation.SECTIONS
            for item in section.items
        },
    }.items():
        setattr(dossier, name, value)
    dossier.save()
    FinancingLine.objects.filter(dossier=dossier).delete()
    FinancingLine.objects.bulk_create(
        [
            FinancingLine(dossier=dossier, side="resource", category="pia", amount=pia),
            FinancingLine(dossier=dossier, side="resource", category="self", amount=total - pia),
            FinancingLine(
                dossier=dossier,
                side="cost",
                category="moe_internal",
                amount=total,
                eligible=FinancingLine.Eligible.STAFF,
            ),
        ]
    )
    ministry = Ministry.objects.get(code="agriculture")
    for n in range(partners - dossier.partners.count()):
        add_partner(
            dossier, name=f"Partenaire {n + 1}", nature=Partner.Nature.STATE_ATE, ministry=ministry
        )

    def attach(kind, partner=None):
        Piece.objects.create(
            dossier=dossier,
            kind=kind,
            partner=partner,
            file=SimpleUploadedFile(f"{kind.code}.pdf", b"%PDF-1.4\n"),
            name=f"{kind.code}.pdf",
            content_type="application/pdf",
            size=9,
            pages=1,
            signature="rgs2" if kind.signed else "",
        )

    for kind in dossier.call.piece_kinds.filter(mandatory=True):
        if kind.per_partner:
            for partner in dossier.partners.all():
                if not dossier.pieces.filter(kind=kind, partner=partner).exists():
                    attach(kind, partner)
        elif not dossier.pieces.filter(kind=kind).exists():
            attach(kind)
    return dossier


def at_state(dossier, state):
    """``dossier`` moved to ``state`` as is (no workflow), read again."""
    Dossier.objects.filter(pk=dossier.pk).update(state=state)
    dossier.refresh_from_db()
    return dossier


def with_plan(dossier, total=350, pia=200):
    """A balanced plan: ``total`` k€ of costs, ``pia`` k€ asked, the rest self-financed."""
    from calls.models import FinancingLine

    FinancingLine.objects.create(
        dossier=dossier,
        side=FinancingLine.Side.COST,
        category="moa_internal",
        amount=Decimal(total),
        eligible=FinancingLine.Eligible.STAFF,
    )
    FinancingLine.objects.create(
        dossier=dossier, side=FinancingLine.Side.RESOURCE, category="pia", amount=Decimal(pia)
    )
    FinancingLine.objects.create(
        dossier=dossier,
        side=FinancingLine.Side.RESOURCE,
        category="self",
        amount=Decimal(total - pia),
    )
    return dossier
