"""The guided project presentation (R41): the five sections of the call's template (L8966-9044)
and their sub-items, what is still missing and the estimated length of the export.

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

# The section that says how the project lasts and spreads after it succeeds: the scale-up the
# call requires (E8, R37).
SCALE_UP_SECTION = "IV"

ITEMS = {item.code: item for section in SECTIONS for item in section.items}
SECTION_OF = {item.code: section for section in SECTIONS for item in section.items}


def section(code):
    """The section of that code (``"I"`` … ``"V"``)."""
    return next(s for s in SECTIONS if s.code == code)


def text_of(presentation, code):
    """The text written for an item, stripped; ``""`` when absent or not a string."""
    value = (presentation or {}).get(code)
    return value.strip() if isinstance(value, str) else ""


def missing(presentation):
    """The mandatory items (``Item``) still empty, in the template's order: a blank or
    whitespace-only text counts as empty."""
    return [
        item
        for section_ in SECTIONS
        for item in section_.items
        if item.mandatory and not text_of(presentation, item.code)
    ]


def section_filled(presentation, code):
    """Every mandatory item of the section ``code`` has a text."""
    return all(text_of(presentation, item.code) for item in section(code).items if item.mandatory)


def character_count(presentation):
    """The characters the export prints: every section title and item label (the template is
    printed whole, headings included) plus the texts written, stripped."""
    count = 0
    for section_ in SECTIONS:
        count += len(f"{section_.code}- {section_.title}")
        for item in section_.items:
            count += len(str(item.label)) + len(text_of(presentation, item.code))
    return count


def page_estimate(presentation):
    """The estimated pages of the exported presentation: one title page plus the printed
    characters (``character_count``) at 3,000 characters a page of Calibri 11, rounded up."""
    return TITLE_PAGES + math.ceil(character_count(presentation) / CHARS_PER_PAGE)


def over_limit(presentation, limit=PAGE_LIMIT):
    """The estimate passes the page limit (20 pages unless the call's piece says otherwise)."""
    return page_estimate(presentation) > limit
