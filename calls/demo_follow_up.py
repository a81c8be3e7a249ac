"""The follow-up's demo, loaded by ``calls.demo``: a 2025 communities call whose four laureates
stand at each step after the decision, and a 2027 labs call with a shortlisted candidate.

- « RH-BZH » runs: its convention signed ten months ago, its first tranche through the four
  steps of the funding chain, the second awaiting a condition, two indicators — the last
  quarterly value is missing, so the scheduler sends its team (``agent@demo.gouv.fr`` among them)
  the reminder and the board shows it late;
- « MOBIL-BZH » is selected, its convention being prepared with the CDC
  (``agent03@demo.gouv.fr``, who signs once the signed copy is uploaded);
- « FORM-NORM » has submitted its final report, waiting for its final review;
- « CARTO-BZH » is closed after its final review; its success story is featured by the SGAR
  officer of Bretagne on the region's page;
- the labs call's « LAB-BZH » is shortlisted, its audition scheduled with a video link
  (``agent@demo.gouv.fr`` in its team);
- the 2025 labs call's « LAB-OCC » runs: its interim review and its first annual report and
  review are done, the next annual report is due in January, its third tranche waits for that
  year's annual review.

Dates are relative to today, so the follow-up always has something due. Written as the rows
stand (with their trail of events), like the historic call.
"""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from calls.deadlines import add_months
from calls.models import (
    Audition,
    Call,
    CallRole,
    Convention,
    Dossier,
    DossierEvent,
    DossierMember,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Milestone,
    Partner,
    Report,
    ReportFile,
    Review,
    Story,
    Tranche,
    TrancheCondition,
)
from calls.template import call_from_template
from directory.models import Ministry, Region

FOLLOW_UP = "communautes-professionnelles-2025"
LABS = "laboratoires-innovation-2027"
LABS_RUNNING = "laboratoires-innovation-2025"
S = Dossier.State
M = DossierMember.Role


def _pdf(title, lines):
    from calls.documents import _Document

    document = _Document(title)
    document.heading(title)
    for line in lines:
        document.para(line)
    return document.bytes()


def _moment(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _trail(dossier, events):
    DossierEvent.objects.bulk_create(
        DossierEvent(
            dossier=dossier,
            actor=actor,
            action=action,
            source=source,
            target=target,
            comment=comment,
            at=at,
        )
        for action, source, target, comment, actor, at in events
    )


def _project(call, *, acronym, title, summary, region, lead, team, granted, decided_on):
    from calls.demo import _fill

    wave = call.waves.order_by("number").first()
    dossier = Dossier.objects.create(
        call=call,
        wave=wave,
        title=title,
        region=region,
        operational_service=lead.service,
        created_by=lead,
        created_at=wave.deadline - datetime.timedelta(days=40),
    )
    DossierMember.objects.create(dossier=dossier, agent=lead, role=M.LEAD)
    for member in team:
        DossierMember.objects.get_or_create(
            dossier=dossier, agent=member, defaults={"role": M.TEAM}
        )
    Partner.objects.create(
        dossier=dossier,
        name=f"Direction régionale de l'agriculture de {region.name}",
        acronym="DRAAF",
        nature=Partner.Nature.STATE_ATE,
        ministry=Ministry.objects.get(code="agriculture"),
        contact_name="Responsable du pôle numérique",
        role="Met à disposition deux agents pour l'animation.",
        direct_aid=Decimal("0"),
    )
    _fill(dossier, acronym=acronym, summary=summary, pia=granted, total=granted * 2, region=region)
    decided = _moment(decided_on)
    Dossier.objects.filter(pk=dossier.pk).update(
        state=S.SELECTED,
        deposited_at=wave.deadline - datetime.timedelta(hours=3),
        deposited_by=lead,
        decided_at=decided,
        granted_amount=granted,
        committee_opinion="Projet interministériel solide, indicateurs mesurables.",
        updated_at=decided,
    )
    _trail(
        dossier,
        [
            ("dossier_created", "", S.DRAFT, "", lead, wave.deadline - datetime.timedelta(days=40)),
            ("dossier_deposited", S.DRAFT, S.DEPOSITED, "", lead, wave.deadline),
            ("dossier_evaluation", S.DEPOSITED, S.EVALUATION, "", None, decided),
            ("dossier_reviewed", S.EVALUATION, S.REVIEWED, "Avis favorable.", None, decided),
            ("dossier_selected", S.REVIEWED, S.SELECTED, "Décision du comité.", None, decided),
        ],
    )
    dossier.refresh_from_db()
    return dossier


def _convention(dossier, *, starts_on, months, signed, manager):
    ends_on = add_months(starts_on, months)
    convention = Convention.objects.create(
        dossier=dossier,
        funding_terms=(
            f"Aide du programme de {dossier.granted_amount} k€, versée en tranches sur "
            "appel de fonds, au vu des conditions de chaque tranche."
        ),
        eligible_expenses=(
            "Frais de personnel interne liés au projet ; investissements liés au projet "
            "(plateforme collaborative libre)."
        ),
        starts_on=starts_on,
        ends_on=ends_on,
        sponsor_signatory=f"Le préfet de la région {dossier.region.name}",
        cdc_signatory="La directrice régionale de la Banque des territoires",
    )
    Milestone.objects.bulk_create(
        [
            Milestone(dossier=dossier, label="Lancement de la communauté", due_on=starts_on),
            Milestone(
                dossier=dossier, label="Mi-parcours", due_on=add_months(starts_on, months // 2)
            ),
            Milestone(dossier=dossier, label="Fin du projet", due_on=ends_on),
        ]
    )
    if signed:
        convention.sponsor_signed_on = starts_on - datetime.timedelta(days=10)
        convention.cdc_signed_on = starts_on - datetime.timedelta(days=5)
        data = _pdf("Convention signée", [dossier.title, convention.funding_terms])
        convention.signed_file.save("convention-signee.pdf", ContentFile(data), save=False)
        convention.signed_file_name = "convention-signee.pdf"
        convention.signed_file_size = len(data)
        convention.signed_file_type = "application/pdf"
        convention.signed_at = _moment(starts_on - datetime.timedelta(days=5))
        convention.save()
        Milestone.objects.filter(dossier=dossier, due_on=starts_on).update(done_on=starts_on)
        Dossier.objects.filter(pk=dossier.pk).update(state=S.IN_PROGRESS)
        _trail(
            dossier,
            [
                (
                    "convention_signed",
                    S.SELECTED,
                    S.IN_PROGRESS,
                    "",
                    manager,
                    convention.signed_at,
                )
            ],
        )
    return convention


def _tranches(dossier, amounts, *, first_paid_from=None):
    for number, amount in enumerate(amounts, start=1):
        tranche = Tranche.objects.create(dossier=dossier, number=number, amount=Decimal(amount))
        labels = (
            ["Convention signée", "Équipe projet constituée"]
            if number == 1
            else [f"Rapport d'étape {number - 1} remis", "Indicateurs à jour"]
        )
        for order, label in enumerate(labels):
            TrancheCondition.objects.create(tranche=tranche, label=label, order=order)
        if number == 1 and first_paid_from is not None:
            day = first_paid_from
            tranche.conditions.update(met_at=_moment(day))
            tranche.payable_at = _moment(day)
            tranche.cdc_paid_on = day + datetime.timedelta(days=10)
            tranche.revenue_order_on = day + datetime.timedelta(days=20)
            tranche.credits_opened_on = day + datetime.timedelta(days=30)
            tranche.distributed_on = day + datetime.timedelta(days=37)
            tranche.bop = "BOP 307 — Administration territoriale de l'État"
            tranche.planned_on = day
            tranche.save()
        elif number == 2 and first_paid_from is not None:
            tranche.planned_on = add_months(first_paid_from, 12)
            tranche.save(update_fields=["planned_on"])
            tranche.conditions.filter(order=1).update(met_at=timezone.now())


def _indicators(dossier, starts_on, *, today, lead):
    """Two indicators; every value due is entered but the last quarterly one (late)."""
    milestones = list(Milestone.objects.filter(dossier=dossier).order_by("due_on"))
    members = Indicator.objects.create(
        dossier=dossier,
        label="Membres actifs de la communauté",
        unit="agents",
        baseline=Decimal("0"),
        frequency_months=Indicator.Frequency.QUARTERLY,
        first_due_on=add_months(starts_on, 3),
        order=1,
    )
    answers = Indicator.objects.create(
        dossier=dossier,
        label="Questions résolues dans le forum",
        unit="questions",
        baseline=Decimal("0"),
        frequency_months=Indicator.Frequency.HALF_YEARLY,
        first_due_on=add_months(starts_on, 6),
        order=2,
    )
    for indicator, targets in ((members, (40, 120, 200)), (answers, (0, 150, 400))):
        for milestone, target in zip(milestones, targets, strict=True):
            IndicatorTarget.objects.create(
                indicator=indicator, milestone=milestone, value=Decimal(target)
            )
    due, n = members.first_due_on, 0
    late = None
    while due < today:
        n += 1
        following = add_months(members.first_due_on, 3 * n)
        if following >= today:
            late = due  # the last one that came: left empty
            break
        IndicatorValue.objects.create(
            indicator=members,
            due_on=due,
            value=Decimal(35 * n),
            comment="Comptage des membres ayant contribué dans le trimestre.",
            entered_by=lead,
            entered_at=_moment(due),
        )
        due = following
    if answers.first_due_on < today:
        IndicatorValue.objects.create(
            indicator=answers,
            due_on=answers.first_due_on,
            value=Decimal("64"),
            entered_by=lead,
            entered_at=_moment(answers.first_due_on),
        )
    return late


def _final_report(dossier, *, lead, day):
    data = _pdf("Rapport final", [dossier.title, "Livrables : guide, annuaire, modèles."])
    report = Report(
        dossier=dossier,
        kind=Report.Kind.FINAL,
        name="rapport-final.pdf",
        content_type="application/pdf",
        size=len(data),
        deliverables="Guide des bonnes pratiques\nAnnuaire des référents\nModèles de documents",
        submitted_by=lead,
        submitted_at=_moment(day),
    )
    report.file.save("rapport-final.pdf", ContentFile(data), save=False)
    report.save()
    guide = _pdf("Guide des bonnes pratiques", [dossier.title])
    deliverable = ReportFile(
        report=report, name="guide.pdf", content_type="application/pdf", size=len(guide)
    )
    deliverable.file.save("guide.pdf", ContentFile(guide), save=False)
    deliverable.save()
    return report


def _follow_up_call(admin, agent, sgar, cdc, colleagues):
    today = timezone.localdate()
    call = call_from_template(
        "communautes-2016",
        title="Communautés professionnelles territoriales (2025)",
        slug=FOLLOW_UP,
        published=True,
        created_by=admin,
        shift_to=today - datetime.timedelta(days=520),
    )
    CallRole.objects.get_or_create(call=call, agent=cdc, role=CallRole.Role.CDC)
    bretagne, normandie = Region.objects.get(code="53"), Region.objects.get(code="28")
    decided_on = today - datetime.timedelta(days=470)
    leads = iter(colleagues)

    running = _project(
        call,
        acronym="RH-BZH",
        title="Communauté des gestionnaires RH de proximité",
        summary="Les gestionnaires RH des services bretons partagent procédures et modèles.",
        region=bretagne,
        lead=next(leads),
        team=[agent],
        granted=Decimal("200"),
        decided_on=decided_on,
    )
    starts_on = today - datetime.timedelta(days=300)
    _convention(running, starts_on=starts_on, months=24, signed=True, manager=admin)
    _tranches(running, (100, 60, 40), first_paid_from=starts_on + datetime.timedelta(days=15))
    lead = running.members.get(role=M.LEAD).agent
    _indicators(running, starts_on, today=today, lead=lead)

    preparing = _project(
        call,
        acronym="MOBIL-BZH",
        title="Mobilité des agents entre services",
        summary="Une bourse aux compétences et des immersions entre services de Bretagne.",
        region=bretagne,
        lead=next(leads),
        team=[next(leads)],
        granted=Decimal("120"),
        decided_on=decided_on,
    )
    _convention(
        preparing,
        starts_on=today + datetime.timedelta(days=30),
        months=18,
        signed=False,
        manager=admin,
    )
    _tranches(preparing, (70, 50))

    reporting = _project(
        call,
        acronym="FORM-NORM",
        title="Formateurs internes en réseau",
        summary="Les formateurs internes de Normandie partagent leurs supports et leurs sessions.",
        region=normandie,
        lead=next(leads),
        team=[next(leads)],
        granted=Decimal("90"),
        decided_on=decided_on,
    )
    starts = today - datetime.timedelta(days=450)
    _convention(reporting, starts_on=starts, months=14, signed=True, manager=admin)
    _tranches(reporting, (90,), first_paid_from=starts + datetime.timedelta(days=15))
    report_day = today - datetime.timedelta(days=12)
    _final_report(reporting, lead=reporting.members.get(role=M.LEAD).agent, day=report_day)
    Dossier.objects.filter(pk=reporting.pk).update(state=S.FINAL_REPORT)
    _trail(
        reporting,
        [
            (
                "final_report_submitted",
                S.IN_PROGRESS,
                S.FINAL_REPORT,
                "",
                reporting.members.get(role=M.LEAD).agent,
                _moment(report_day),
            )
        ],
    )

    closed = _project(
        call,
        acronym="CARTO-BZH",
        title="Cartographes de l'État en Bretagne",
        summary="Les géomaticiens des DDTM, de la DREAL et de la préfecture mutualisent "
        "leurs cartes et leurs traitements.",
        region=bretagne,
        lead=next(leads),
        team=[next(leads)],
        granted=Decimal("80"),
        decided_on=decided_on,
    )
    starts = today - datetime.timedelta(days=460)
    _convention(closed, starts_on=starts, months=12, signed=True, manager=admin)
    _tranches(closed, (80,), first_paid_from=starts + datetime.timedelta(days=15))
    closed_lead = closed.members.get(role=M.LEAD).agent
    report = _final_report(closed, lead=closed_lead, day=today - datetime.timedelta(days=60))
    review_at = _moment(today - datetime.timedelta(days=40))
    Review.objects.create(
        dossier=closed,
        kind=Review.Kind.FINAL,
        report=report,
        administrative="Convention respectée ; les pièces justificatives sont complètes.",
        technical="Le catalogue partagé de cartes est en service dans les quatre départements.",
        financial="80 k€ consommés sur 80 ; apport en nature des services valorisé.",
        modernisation="Des cartes publiées en une journée au lieu de trois semaines.",
        prospects="Généralisation proposée aux régions voisines.",
        other_benefits="Une communauté de géomaticiens active au-delà du projet.",
        conclusion=Review.Conclusion.SUCCESS,
        reviewed_by=admin,
        reviewed_at=review_at,
    )
    Dossier.objects.filter(pk=closed.pk).update(state=S.CLOSED, closed_at=review_at)
    _trail(
        closed,
        [
            (
                "final_report_submitted",
                S.IN_PROGRESS,
                S.FINAL_REPORT,
                "",
                closed_lead,
                _moment(today - datetime.timedelta(days=60)),
            ),
            ("review_recorded", "", "", "Revue finale", admin, review_at),
            ("project_closed", S.FINAL_REPORT, S.CLOSED, "", admin, review_at),
        ],
    )
    Story.objects.create(
        dossier=closed,
        kind=Story.Kind.SUCCESS,
        title="Des cartes partagées en une journée",
        body=(
            "Les géomaticiens de quatre DDTM, de la DREAL et de la préfecture ont mis en "
            "commun leurs cartes et leurs traitements.\n\n"
            "**Ce qui a marché** : un catalogue unique, des modèles communs, une réunion "
            "mensuelle en visioconférence.\n\n"
            "**Ce que nous referions autrement** : associer plus tôt les collectivités."
        ),
        region=bretagne,
        theme=closed.main_theme,
        published_by=closed_lead,
        published_at=review_at + datetime.timedelta(days=5),
        featured_at=review_at + datetime.timedelta(days=6),
        featured_by=sgar,
    )
    return call


def _labs_call(admin, agent, colleagues):
    today = timezone.localdate()
    call = call_from_template(
        "laboratoires-2016",
        title="Laboratoires d'innovation territoriale (2027)",
        slug=LABS,
        published=True,
        created_by=admin,
        shift_to=today - datetime.timedelta(days=20),
    )
    bretagne = Region.objects.get(code="53")
    lead = colleagues[0]
    wave = call.waves.get()
    dossier = Dossier.objects.create(
        call=call,
        wave=wave,
        title="Laboratoire d'innovation territoriale de Bretagne",
        acronym="LAB-BZH",
        summary="Un lieu ouvert aux agents, aux collectivités et aux usagers, près de la gare "
        "de Rennes, pour concevoir des outils numériques en six mois.",
        region=bretagne,
        operational_service=lead.service,
        created_by=lead,
        main_theme=call.themes.order_by("order").first(),
        deposited_at=wave.deadline - datetime.timedelta(hours=5),
        deposited_by=lead,
        state=S.AUDITION,
    )
    DossierMember.objects.create(dossier=dossier, agent=lead, role=M.LEAD)
    DossierMember.objects.create(dossier=dossier, agent=agent, role=M.TEAM)
    shortlisted = _moment(today - datetime.timedelta(days=3))
    Audition.objects.create(
        dossier=dossier,
        scheduled_at=_moment(today + datetime.timedelta(days=10), hour=14),
        place="Secrétariat de l'appel, Paris, ou à distance",
        video_url="https://webconf.numerique.gouv.fr/lab-bretagne",
        scheduled_by=admin,
        created_at=shortlisted,
    )
    _trail(
        dossier,
        [
            ("dossier_created", "", S.DRAFT, "", lead, wave.deadline - datetime.timedelta(days=30)),
            ("dossier_deposited", S.DRAFT, S.DEPOSITED, "", lead, wave.deadline),
            ("dossier_evaluation", S.DEPOSITED, S.EVALUATION, "", admin, shortlisted),
            ("dossier_shortlisted", S.EVALUATION, S.AUDITION, "", admin, shortlisted),
            ("audition_scheduled", "", "", "", admin, shortlisted),
        ],
    )
    return call


def _running_lab(admin, colleagues):
    """A 2025 labs call and its laureate in its second year (the labs' follow-up: an interim
    review, then an annual report and review each year, tranches tied to the reviews)."""
    today = timezone.localdate()
    call = call_from_template(
        "laboratoires-2016",
        title="Laboratoires d'innovation territoriale (2025)",
        slug=LABS_RUNNING,
        published=True,
        created_by=admin,
        shift_to=today - datetime.timedelta(days=720),
    )
    occitanie = Region.objects.get(code="76")
    lead = colleagues[-1]
    lab = _project(
        call,
        acronym="LAB-OCC",
        title="Laboratoire d'innovation territoriale d'Occitanie",
        summary="Un lieu ouvert aux agents, aux collectivités et aux usagers à Montpellier, "
        "qui conçoit en six mois des outils numériques pour les services de la région.",
        region=occitanie,
        lead=lead,
        team=[colleagues[-2]],
        granted=Decimal("240"),
        decided_on=today - datetime.timedelta(days=680),
    )
    starts_on = datetime.date(today.year - 1, 1, 1)
    _convention(lab, starts_on=starts_on, months=36, signed=True, manager=admin)
    interim_at = _moment(add_months(starts_on, call.interim_review_months))
    first_year = starts_on.year
    report = _annual_report(lab, lead=lead, year=first_year)
    annual_at = _moment(datetime.date(first_year + 1, 2, 15))
    fields = {
        "administrative": "Convention respectée ; équipe de cinq agents à mi-temps.",
        "technical": "Trois outils livrés, dont la prise de rendez-vous en sous-préfecture.",
        "financial": "Consommation conforme au plan pluriannuel.",
        "modernisation": "Des usagers associés à chaque conception.",
        "prospects": "Deux outils repris par d'autres régions.",
        "conclusion": Review.Conclusion.SUCCESS,
        "reviewed_by": admin,
    }
    Review.objects.create(dossier=lab, kind=Review.Kind.INTERIM, reviewed_at=interim_at, **fields)
    Review.objects.create(
        dossier=lab,
        kind=Review.Kind.ANNUAL,
        year=first_year,
        report=report,
        reviewed_at=annual_at,
        **fields,
    )
    for number, amount, kind, year, paid_from in (
        (1, 80, "", 0, starts_on + datetime.timedelta(days=15)),
        (2, 80, Review.Kind.INTERIM, 0, interim_at.date() + datetime.timedelta(days=10)),
        (3, 80, Review.Kind.ANNUAL, first_year + 1, None),
    ):
        tranche = Tranche.objects.create(
            dossier=lab,
            number=number,
            amount=Decimal(amount),
            review_kind=kind,
            review_year=year,
            planned_on=paid_from or datetime.date(first_year + 2, 3, 1),
        )
        TrancheCondition.objects.create(
            tranche=tranche, label="Rapport d'activité transmis", order=0
        )
        if paid_from is not None:
            tranche.conditions.update(met_at=_moment(paid_from))
            tranche.payable_at = _moment(paid_from)
            tranche.cdc_paid_on = paid_from + datetime.timedelta(days=10)
            tranche.revenue_order_on = paid_from + datetime.timedelta(days=20)
            tranche.credits_opened_on = paid_from + datetime.timedelta(days=30)
            tranche.distributed_on = paid_from + datetime.timedelta(days=37)
            tranche.bop = "BOP 307 — Administration territoriale de l'État"
            tranche.save()
    _trail(
        lab,
        [
            ("review_recorded", "", "", "Revue intermédiaire", admin, interim_at),
            ("report_submitted", "", "", f"Rapport annuel {first_year}", lead, report.submitted_at),
            ("review_recorded", "", "", f"Revue annuelle {first_year}", admin, annual_at),
        ],
    )
    return call


def _annual_report(dossier, *, lead, year):
    data = _pdf(f"Rapport annuel {year}", [dossier.title, "Livrables de l'année."])
    report = Report(
        dossier=dossier,
        kind=Report.Kind.ANNUAL,
        year=year,
        name=f"rapport-annuel-{year}.pdf",
        content_type="application/pdf",
        size=len(data),
        deliverables="Prise de rendez-vous en ligne\nTableau de bord des demandes",
        submitted_by=lead,
        submitted_at=_moment(datetime.date(year + 1, 1, 20)),
    )
    report.file.save(f"rapport-annuel-{year}.pdf", ContentFile(data), save=False)
    report.save()
    return report


def load_follow_up_demo(*, admin, agent, sgar, colleagues):
    """Write the two calls if they are missing; return how many were written."""
    from calls.demo import _agent

    cdc = _agent("agent03@demo.gouv.fr")
    if None in (admin, agent, sgar, cdc) or len(colleagues) < 8:
        return 0
    written = 0
    if not Call.objects.filter(slug=FOLLOW_UP).exists():
        _follow_up_call(admin, agent, sgar, cdc, colleagues)
        written += 1
    if not Call.objects.filter(slug=LABS).exists():
        _labs_call(admin, agent, colleagues)
        written += 1
    if not Call.objects.filter(slug=LABS_RUNNING).exists():
        _running_lab(admin, colleagues)
        written += 1
    return written
