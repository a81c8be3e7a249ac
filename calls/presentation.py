"""The guided project presentation (R41): the five sections of the call's template and their
sub-items, what is still missing and the estimated length of the export.

Each kind of call has its own sections I-V: the communities call's (``SECTIONS``, L8966-9044)
and the labs call's (``LABS_SECTIONS``, L3939-3956, L5477-5515, L5651-5733; R61).
``sections_for(call)`` gives a call's; every function below takes the sections to read
(``sections=``), the communities' when not given.

A dossier keeps its presentation as ``Dossier.presentation``: ``{item code: text}``, e.g.
``{"1a": "…", "4b": "…"}``. The diagrams are uploaded as pieces, not written here.
"""

import math
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# The export must not pass 20 pages, annexes excluded (L8972).
PAGE_LIMIT = 20
# The estimate: a page of Calibri 11 with the template's margins holds about this many characters
# (spaces included), and the export adds one title page.
CHARS_PER_PAGE = 3000
TITLE_PAGES = 1


@dataclass(frozen=True)
class Item:
    code: str
    label: str
    help: str = ""
    mandatory: bool = True


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    items: tuple
    help: str = ""


SECTIONS = (
    Section(
        "I",
        _("L'ambition du projet"),
        help=_("Selon la thématique choisie (cf. § 3.1 du cahier des charges)."),
        items=(
            Item(
                "1a",
                _(
                    "Présentation de la politique publique retenue par l'équipe projet / des "
                    "conditions de travail retenues dans le projet"
                ),
                _(
                    "Finalités, éléments de contexte territorial, acteurs et parties prenantes "
                    "intervenant, niveau de criticité au regard des enjeux locaux ou nationaux."
                ),
            ),
            Item(
                "1b",
                _("Présentation des difficultés rencontrées dans ce cadre"),
                _("Les difficultés que la politique publique ou les agents rencontrent."),
            ),
            Item(
                "1c",
                _(
                    "Description de la solution envisagée afin de moderniser la mise en œuvre de "
                    "cette politique publique / innover dans les conditions et relations de travail"
                ),
                _("La réponse proposée, en quelques paragraphes."),
            ),
            Item(
                "1d",
                _("Présentation du levier numérique et de la pertinence de son utilisation"),
                _("Pourquoi le numérique est le bon levier pour ce projet."),
            ),
        ),
    ),
    Section(
        "II",
        _("La solution proposée et bénéfices associés"),
        items=(
            Item(
                "2a",
                _("Définition du périmètre"),
                _("Les services, les agents et le territoire concernés."),
            ),
            Item(
                "2b",
                _(
                    "Description détaillée de la solution adoptée et des innovations "
                    "technologiques impliquées"
                ),
                _(
                    "Objectifs poursuivis des usages et nouveaux modes de travail collaboratifs "
                    "envisagés ; manière dont ces usages améliorent et modernisent le travail des "
                    "agents concernés ; présentation brève de l'outil numérique envisagé et de ses "
                    "fonctionnalités."
                ),
            ),
            Item(
                "2c",
                _("Attentes des acteurs concernés (agents)"),
                _("Ce que les agents attendent du projet."),
            ),
            Item(
                "2d",
                _("Conditions et facteurs clés de succès / risques principaux"),
                _("Ce dont le succès dépend et ce qui pourrait le compromettre."),
            ),
            Item(
                "2e",
                _("Impact attendu"),
                _(
                    "Sur les agents ; sur l'efficience de la mise en œuvre des politiques "
                    "publiques en région ; sur la modernisation de l'action publique en tirant "
                    "parti des usages du numérique ; la prise en compte d'un éventuel passage à "
                    "l'échelle ultérieur."
                ),
            ),
        ),
    ),
    Section(
        "III",
        _("Méthode retenue"),
        items=(
            Item(
                "3a",
                _(
                    "Présentation des entités porteuses de projets et de la pertinence du partenariat"
                ),
                _("Qui porte le projet et pourquoi ces partenaires."),
            ),
            Item(
                "3b",
                _("Composition de l'équipe et rôles clés"),
                _("Acteurs et compétences mobilisées."),
            ),
            Item(
                "3c",
                _("Principes innovants guidant la gestion de projet"),
                _("La manière de conduire le projet et ce qu'elle a de nouveau."),
            ),
            Item(
                "3d",
                _("Difficultés anticipées et manière de les surmonter"),
                _("Les obstacles prévisibles et les réponses prévues."),
            ),
            Item(
                "3e",
                _("Modalités d'association des agents"),
                _("Comment les agents participent à la conception et aux essais."),
            ),
            Item(
                "3f",
                _("Principales étapes et méthodologie retenue pour mener le projet"),
                _(
                    "Calendrier détaillé prévisionnel, jalons et réalisations clés, indicateurs de "
                    "mesure des résultats à chaque étape…"
                ),
            ),
            Item(
                "3g",
                _("Terrains d'expérimentation pressentis"),
                _("Les services ou territoires où la solution sera essayée."),
            ),
        ),
    ),
    Section(
        "IV",
        _("Actions prévues pour pérenniser la solution en cas de succès"),
        items=(
            Item(
                "4a",
                _("Gouvernance du projet"),
                _("Qui décide, à quel rythme, et comment."),
            ),
            Item(
                "4b",
                _(
                    "Acteurs institutionnels mobilisés pour pérenniser le projet en cas "
                    "d'expérimentation réussie"
                ),
                _("Ceux qui reprendront ou diffuseront la solution : le passage à l'échelle."),
            ),
            Item(
                "4c",
                _("Documentation prévue du projet en cours de réalisation"),
                _("Ce qui sera écrit pour que d'autres puissent reprendre le projet."),
            ),
        ),
    ),
    Section(
        "V",
        _("Résultats attendus"),
        items=(
            Item(
                "5a",
                _("Gains mesurables pour les agents par rapport à l'existant"),
                _("Les gains chiffrés ou observables, et comment ils seront mesurés."),
            ),
            Item(
                "5b",
                _("Amélioration de la qualité de mise en œuvre de la politique publique"),
                _("Ce qui change pour la politique publique et ses usagers."),
            ),
        ),
    ),
)

# The labs call's description of the project (R61): its own sections I-V, from the labs' response
# file (L5651-5733) and the list of the 20-page document (L5486-5495). Its codes follow the same
# pattern as the communities' (« 1a » … « 5b »): a dossier belongs to one call, so one scheme.
LABS_SECTIONS = (
    Section(
        "I",
        _("L'ambition du projet de laboratoire"),
        help=_(
            "Les missions d'un laboratoire (cf. § 3.1 de l'appel à projets) : créer de nouveaux "
            "outils, inventer de nouveaux usages et méthodes de travail, sensibiliser les agents "
            "publics à la transition numérique, faciliter la mise en œuvre de l'open data."
        ),
        items=(
            Item(
                "1a",
                _("Intérêt et cohérence du développement d'un tel projet sur le territoire"),
                _(
                    "Pourquoi un laboratoire d'innovations territoriales sur ce territoire : un "
                    "lieu d'échanges d'idées et une structure de travail qui produisent des "
                    "solutions numériques innovantes."
                ),
            ),
            Item(
                "1b",
                _("Définition des missions attribuées au laboratoire"),
                _(
                    "Créer de nouveaux outils ; inventer de nouveaux usages et de nouvelles "
                    "méthodes de travail (hackathons, design de services, nudge, co-construction "
                    "avec les usagers…) ; sensibiliser les agents publics à la transition "
                    "numérique ; faciliter la mise en œuvre de l'open data."
                ),
            ),
            Item(
                "1c",
                _(
                    "Illustration du potentiel d'innovation induit par le développement d'un "
                    "laboratoire"
                ),
                _("Les terrains d'expérimentation pressentis."),
            ),
            Item(
                "1d",
                _("Conditions et facteurs clés de succès / risques principaux"),
                _("Ce dont le succès du laboratoire dépend et ce qui pourrait le compromettre."),
            ),
        ),
    ),
    Section(
        "II",
        _("Les conditions de mise en œuvre du projet de laboratoire"),
        help=_(
            "Identification de pistes d'action concrètes permettant de sécuriser la mise en "
            "œuvre d'un laboratoire d'innovations sur le territoire, sur les chantiers suivants "
            "(cf. § 3.1 de l'appel à projets)."
        ),
        items=(
            Item(
                "2a",
                _("Pilotage et accompagnement du projet"),
                _("Qui pilote le laboratoire et comment son projet est accompagné."),
            ),
            Item(
                "2b",
                _("Ressources humaines"),
                _(
                    "Une équipe pluridisciplinaire d'agents volontaires, leur temps de décharge "
                    "et la durée de leur engagement."
                ),
            ),
            Item(
                "2c",
                _("Immobilier, équipement et logistique"),
                _(
                    "Le lieu dédié (dans des locaux de l'État, ou hébergé d'abord dans un lieu "
                    "d'innovation existant), ses espaces et son équipement de base."
                ),
            ),
            Item(
                "2d",
                _("Communication"),
                _("Les relais de communication interne et la valorisation des travaux."),
            ),
            Item(
                "2e",
                _("Méthodes de travail et de sélection des projets"),
                _("Comment le laboratoire travaille et choisit les projets qu'il héberge."),
            ),
        ),
    ),
    Section(
        "III",
        _("La méthode retenue"),
        items=(
            Item(
                "3a",
                _(
                    "Présentation des porteurs de projets et de la pertinence du partenariat "
                    "(caractère interministériel et partenarial)"
                ),
                _(
                    "Les partenaires extérieurs attendus, éventuellement de manière progressive "
                    "(opérateurs, collectivités, enseignement supérieur et recherche, "
                    "associations, entreprises…) : à ce stade, les partenaires potentiels "
                    "peuvent être seulement cités."
                ),
            ),
            Item(
                "3b",
                _("Composition de l'équipe et rôles clés"),
                _(
                    "Motivation de l'équipe, caractère pluridisciplinaire des compétences "
                    "mobilisées…"
                ),
            ),
            Item(
                "3c",
                _("Modalités d'association des agents"),
                _("Comment les agents participent aux travaux du laboratoire."),
            ),
            Item(
                "3d",
                _("Présentation de la méthode employée"),
                _("La manière de conduire le laboratoire et ses projets."),
            ),
            Item(
                "3e",
                _("Principales étapes et méthodologie retenue pour mener le projet"),
                _(
                    "Calendrier détaillé prévisionnel, jalons et réalisations clés, indicateurs de "
                    "mesure des résultats à chaque étape…"
                ),
            ),
        ),
    ),
    Section(
        "IV",
        _("Les actions prévues pour pérenniser le laboratoire"),
        items=(
            Item(
                "4a",
                _("Gouvernance du projet"),
                _(
                    "Engagement hiérarchique, adhésion à la démarche d'évaluation, sécurisation "
                    "de la disponibilité des contributeurs, etc."
                ),
            ),
            Item(
                "4b",
                _("Viabilité du projet et de ses activités – plan de financement pluriannuel"),
                _("Comment le laboratoire et ses activités sont financés d'une année à l'autre."),
            ),
            Item(
                "4c",
                _("Articulation avec le niveau national et expression précise des besoins d'appui"),
                _("Ce que le laboratoire attend du niveau national et de l'appui du SGMAP."),
            ),
        ),
    ),
    Section(
        "V",
        _("Les résultats attendus"),
        items=(
            Item(
                "5a",
                _("Impacts attendus"),
                _(
                    "Concernant les agents ; l'efficience de la mise en œuvre des politiques "
                    "publiques ; la modernisation de l'action publique en tirant parti des usages "
                    "du numérique."
                ),
            ),
            Item(
                "5b",
                _("Capacité à répliquer les projets hébergés au sein de l'ATE"),
                _(
                    "Comment les projets du laboratoire pourront être repris par d'autres "
                    "services de l'administration territoriale de l'État : le changement "
                    "d'échelle."
                ),
            ),
        ),
    ),
)


@dataclass(frozen=True)
class ScaleUp:
    """Where a call's presentation treats the scale-up its eligibility requires (E8, R37): the
    items of the section ``section`` that must be written (all of that section when empty)."""

    section: str
    items: tuple = ()


# The communities call: the section that says how the project lasts and spreads after it
# succeeds. The labs call (L3364-3365, « il intègre la question du changement d'échelle de la
# solution retenue »): the ability to replicate the hosted projects across the ATE (L5731).
SCALE_UP = ScaleUp("IV")
LABS_SCALE_UP = ScaleUp("V", ("5b",))

# The communities call's, kept under their names.
SCALE_UP_SECTION = SCALE_UP.section
ITEMS = {item.code: item for section in SECTIONS for item in section.items}
SECTION_OF = {item.code: section for section in SECTIONS for item in section.items}


def is_labs(call):
    """The call is a labs call (``Call.kind == "labs"``)."""
    # Compared to the value, not the model's enum: this module imports no model.
    return call is not None and getattr(call, "kind", None) == "labs"


def sections_for(call):
    """The sections I-V of the call's presentation: the labs' for a labs call
    (``Call.kind == "labs"``), else the communities'."""
    return LABS_SECTIONS if is_labs(call) else SECTIONS


def items_for(call):
    """``{item code: Item}`` of the call's presentation, in the template's order."""
    return items_of(sections_for(call))


def items_of(sections):
    """``{item code: Item}`` of these sections, in their order."""
    return {item.code: item for section_ in sections for item in section_.items}


def scale_up_for(call):
    """The ``ScaleUp`` of the call's presentation."""
    return LABS_SCALE_UP if is_labs(call) else SCALE_UP


def page_limit_for(call):
    """The page limit of the call's presentation: its « presentation » piece's ``max_pages``
    when set (20 for both 2016 calls), else ``PAGE_LIMIT``."""
    if call is not None and getattr(call, "pk", None):
        kind = call.piece_kinds.filter(code="presentation", max_pages__isnull=False).first()
        if kind is not None:
            return kind.max_pages
    return PAGE_LIMIT


def section(code, sections=SECTIONS):
    """The section of that code (``"I"`` … ``"V"``) among ``sections``."""
    return next(s for s in sections if s.code == code)


def text_of(presentation, code):
    """The text written for an item, stripped; ``""`` when absent or not a string."""
    value = (presentation or {}).get(code)
    return value.strip() if isinstance(value, str) else ""


def missing(presentation, sections=SECTIONS):
    """The mandatory items (``Item``) of ``sections`` still empty, in the template's order: a
    blank or whitespace-only text counts as empty."""
    return [
        item
        for section_ in sections
        for item in section_.items
        if item.mandatory and not text_of(presentation, item.code)
    ]


def section_filled(presentation, code, sections=SECTIONS):
    """Every mandatory item of the section ``code`` of ``sections`` has a text."""
    return all(
        text_of(presentation, item.code) for item in section(code, sections).items if item.mandatory
    )


def scale_up_filled(presentation, scale_up=SCALE_UP, sections=SECTIONS):
    """The scale-up is written: the items ``scale_up.items`` (each given a text), or, when it
    names none, every mandatory item of its section."""
    if scale_up.items:
        return all(text_of(presentation, code) for code in scale_up.items)
    return section_filled(presentation, scale_up.section, sections)


def character_count(presentation, sections=SECTIONS):
    """The characters the export prints: every section title and item label (the template is
    printed whole, headings included) plus the texts written, stripped."""
    count = 0
    for section_ in sections:
        count += len(f"{section_.code}- {section_.title}")
        for item in section_.items:
            count += len(str(item.label)) + len(text_of(presentation, item.code))
    return count


def page_estimate(presentation, sections=SECTIONS):
    """The estimated pages of the exported presentation: one title page plus the printed
    characters (``character_count``) at 3,000 characters a page of Calibri 11, rounded up."""
    return TITLE_PAGES + math.ceil(character_count(presentation, sections) / CHARS_PER_PAGE)


def over_limit(presentation, limit=PAGE_LIMIT, sections=SECTIONS):
    """The estimate passes the page limit (20 pages unless the call's piece says otherwise)."""
    return page_estimate(presentation, sections) > limit
