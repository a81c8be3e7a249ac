"""The documents a dossier's workspace generates: the application act to sign (R44, the call's
template L9054-9112), the summary of the dossier's forms and financing plan (``synthese.pdf``)
and the export archive (every piece and the summary, one zip).

The PDFs are written with fpdf2 in DejaVu Sans (a Unicode TrueType font of the system:
``FONT_DIRS``); on a machine without it, fpdf2's core Helvetica is used and the characters
outside Latin-1 (’, œ, …) are transliterated (``_latin1``).
"""

import io
import re
import zipfile
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from calls import deadlines, financing, presentation, services
from calls.models import Dossier, FinancingLine
from maillage.french import long_date

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts/dejavu"),
)
FONT = "DejaVu"
FALLBACK = "helvetica"
SUMMARY_NAME = "synthese.pdf"

TRANSLITERATION = {
    "\u2019": "'",
    "\u2018": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u0153": "oe",
    "\u0152": "OE",
    "\u20ac": "EUR",
    "\u202f": " ",
    "\u2022": "-",
}


def font_files():
    """``(regular, bold)`` paths of DejaVu Sans, or None when the machine has none."""
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


def _latin1(text):
    text = "".join(TRANSLITERATION.get(char, char) for char in text)
    return text.encode("latin-1", "replace").decode("latin-1")


class _Document(FPDF):
    """An A4 page in the Unicode font (or the core one), with helpers for the texts."""

    def __init__(self, title):
        super().__init__(format="A4")
        self.set_margins(20, 20, 20)
        self.set_auto_page_break(True, margin=20)
        fonts = font_files()
        self.unicode = fonts is not None
        if self.unicode:
            self.add_font(FONT, "", str(fonts[0]))
            self.add_font(FONT, "B", str(fonts[1]))
            self.family = FONT
        else:
            self.family = FALLBACK
        self.set_title(self.text(title))
        self.set_creator("Maillage")
        self.add_page()

    def text(self, value):
        value = "" if value is None else str(value)
        # Control characters other than the line feed would only print as boxes.
        value = re.sub(r"[\x00-\x09\x0b-\x1f\x7f]", " ", value.replace("\r\n", "\n"))
        return value if self.unicode else _latin1(value)

    def heading(self, value, size=14):
        self.set_font(self.family, "B", size)
        self.multi_cell(0, size * 0.5, self.text(value), new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def para(self, value, size=10, bold=False):
        self.set_font(self.family, "B" if bold else "", size)
        self.multi_cell(0, 5, self.text(value), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def field(self, label, value):
        self.para(f"{label} : {value if value not in (None, '') else '—'}")

    def bytes(self):
        return bytes(self.output())


def application_act_pdf(dossier):
    """The application act of ``dossier`` to sign (R44): the sponsor's name and address, the
    call's declaration, then the signatory's block as the form filled it. Returns PDF bytes."""
    call = dossier.call
    doc = _Document(_("Acte de candidature"))
    doc.heading(_("ACTE DE CANDIDATURE"), 16)
    doc.para(call.title, bold=True)
    doc.para(_("Projet : %(title)s") % {"title": str(dossier.title)})
    doc.ln(4)
    doc.field(_("Nom du porteur de projet"), dossier.sponsor_name)
    doc.field(_("Adresse du porteur de projet"), dossier.sponsor_address)
    doc.ln(4)
    doc.para(
        _(
            "Nous, soussigné(e)s, après avoir pris connaissance du cahier des charges de "
            "l’appel à projets « %(call)s », avons complété et fourni l’ensemble des "
            "informations et documents demandés, conformément aux dispositions du cahier des "
            "charges, ce qui représente notre dossier de candidature."
        )
        % {"call": call.title},
        size=11,
    )
    doc.ln(2)
    doc.para(
        _(
            "Nous certifions que toute information fournie et affirmation faite sont "
            "véridiques et acceptons d’être liés par les représentations, termes et conditions "
            "contenus dans le présent dossier."
        ),
        size=11,
    )
    doc.ln(10)
    signed_on = long_date(dossier.signed_on) if dossier.signed_on else ""
    doc.field(_("Signature du représentant officiel — Date"), signed_on)
    doc.ln(12)
    doc.field(_("Nom (en caractères d’imprimerie)"), (dossier.signatory_name or "").upper())
    doc.field(_("Titre du représentant officiel autorisé à signer"), dossier.signatory_title)
    doc.ln(6)
    doc.para(
        _(
            "Si le représentant officiel n’est pas le candidat ou le représentant légal de "
            "l’organisme candidat, joindre une délégation de signature accordée par le "
            "représentant légal."
        ),
        size=9,
    )
    if not dossier.signatory_is_legal_representative:
        doc.para(
            _("Le signataire n’est pas le représentant légal : la délégation est jointe."),
            size=9,
            bold=True,
        )
    return doc.bytes()


def _amount(value):
    return financing.amount_text(value) if value is not None else "—"


def summary_pdf(dossier):
    """The summary of ``dossier``: its state, the sponsor form, the synthesis, the guided
    presentation, the team and partners, the financing plan with its figures and issues, the
    application act and the list of pieces. Returns PDF bytes."""
    plan = financing.plan_of(dossier)
    doc = _Document(_("Synthèse du dossier"))
    doc.heading(str(dossier.title), 16)
    doc.para(
        _("%(call)s — vague %(wave)s (clôture le %(deadline)s, heure de Paris)")
        % {
            "call": dossier.call.title,
            "wave": dossier.wave.number,
            "deadline": deadlines.french_datetime(dossier.wave.deadline),
        }
    )
    doc.field(_("État"), dossier.get_state_display())
    if dossier.deposited_at:
        doc.field(_("Déposé le"), deadlines.french_datetime(dossier.deposited_at))
    doc.field(_("Document produit le"), deadlines.french_datetime(timezone.now()))

    doc.heading(_("Porteur de projet"))
    for name in services.EDITABLE["sponsor"]:
        doc.field(Dossier._meta.get_field(name).verbose_name, getattr(dossier, name))

    doc.heading(_("Fiche de synthèse"))
    doc.field(_("Titre du projet"), dossier.title)
    doc.field(_("Acronyme"), dossier.acronym)
    doc.field(_("Thématique principale"), dossier.main_theme)
    doc.field(_("Thématique secondaire"), dossier.secondary_theme)
    doc.field(_("Descriptif"), dossier.summary)
    doc.field(_("Région du préfet porteur de projet"), dossier.region)
    doc.field(_("Service porteur opérationnel"), dossier.operational_service)
    doc.field(_("Type de communauté"), dossier.get_community_kind_display())
    themes = ", ".join(str(theme) for theme in dossier.community_themes.all())
    doc.field(_("Thématiques de la communauté"), themes)

    doc.heading(_("Présentation du projet"))
    for section in presentation.sections_for(dossier.call):
        doc.para(f"{section.code}- {section.title}", size=11, bold=True)
        for item in section.items:
            doc.para(str(item.label), bold=True)
            doc.para(presentation.text_of(dossier.presentation, item.code) or "—")
    free = {None: "—", True: _("oui"), False: _("non")}[dossier.free_software]
    doc.field(_("Solution en logiciel libre"), free)
    doc.field(_("Nature de l'accompagnement attendu"), dossier.support_needs)

    doc.heading(_("Équipe"))
    for member in dossier.members.select_related("agent", "agent__service"):
        doc.para(f"{member.agent.display_name} — {member.get_role_display()}")
    doc.heading(_("Partenaires"))
    partners = list(dossier.partners.select_related("ministry"))
    if not partners:
        doc.para(_("Aucun partenaire."))
    for partner in partners:
        doc.para(f"{partner.name} ({partner.get_nature_display()})", bold=True)
        doc.field(_("Contact"), f"{partner.contact_name} {partner.contact_email}".strip())
        doc.field(_("Rôle"), partner.role)
        doc.field(
            _("Apport"),
            f"{_amount(partner.contribution_amount)} {partner.contribution_nature}".strip(),
        )
        if partner.outside_ate:
            doc.field(_("Justification"), partner.justification)

    doc.heading(_("Plan de financement (k€)"))
    lines = list(dossier.financing.all())
    for side, labels, title in (
        (FinancingLine.Side.RESOURCE, financing.RESOURCE_LABELS, _("Cofinancement")),
        (FinancingLine.Side.COST, financing.COST_LABELS, _("Décomposition du coût total")),
    ):
        doc.para(title, size=11, bold=True)
        rows = [line for line in lines if line.side == side]
        if not rows:
            doc.para("—")
        for line in rows:
            extra = []
            if line.label:
                extra.append(line.label)
            if line.in_kind:
                extra.append(_("en nature : %(how)s") % {"how": line.valuation})
            if line.eligible:
                extra.append(line.get_eligible_display())
            if line.free_software:
                extra.append(_("logiciel libre"))
            suffix = f" ({' ; '.join(extra)})" if extra else ""
            doc.para(f"{labels.get(line.category, line.category)} : {_amount(line.amount)}{suffix}")
    doc.field(_("Total des financements"), _amount(plan.total_resources))
    doc.field(_("dont financement demandé (PIA)"), _amount(plan.pia))
    doc.field(_("Financements hors PIA"), _amount(plan.non_pia))
    doc.field(_("Total des coûts"), _amount(plan.total_costs))
    share = "—" if plan.share is None else f"{plan.share}".replace(".", ",") + " %"
    doc.field(_("Part du financement demandé"), share)
    for issue in plan.issues:
        prefix = _("Bloquant") if issue.is_blocking else _("Attention")
        doc.para(f"{prefix} : {issue.message}")
    if dossier.derogation_justification:
        doc.field(_("Justification de la dérogation"), dossier.derogation_justification)

    doc.heading(_("Acte de candidature"))
    doc.field(_("Signataire"), dossier.signatory_name)
    doc.field(_("Titre"), dossier.signatory_title)
    doc.field(_("Date"), long_date(dossier.signed_on) if dossier.signed_on else "")
    doc.field(
        _("Représentant légal"),
        _("oui") if dossier.signatory_is_legal_representative else _("non"),
    )

    doc.heading(_("Pièces"))
    pieces = list(dossier.pieces.select_related("kind", "partner"))
    if not pieces:
        doc.para(_("Aucune pièce."))
    for piece in pieces:
        owner = f" — {piece.partner}" if piece.partner else ""
        doc.para(f"{piece.kind.label}{owner} : {piece.name}")
    return doc.bytes()


def _safe_name(value):
    name = re.sub(r"[^\w.\-]+", "_", str(value), flags=re.UNICODE).strip("._")
    return name[:120] or "fichier"


def piece_archive_name(piece, index):
    """The name of a piece in the export: ``pieces/01-<kind>[-<partner>]-<file name>``."""
    parts = [f"{index:02d}", piece.kind.code]
    if piece.partner_id:
        parts.append(_safe_name(piece.partner.name))
    return "pieces/" + "-".join(parts) + "-" + _safe_name(piece.name)


def export_zip(dossier):
    """The dossier as one zip: ``synthese.pdf`` and every piece under ``pieces/`` (a piece
    whose file is gone from the storage is left out). Returns the zip's bytes (a dossier weighs
    at most the call's limit, 10 MB by default: kept in memory)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(SUMMARY_NAME, summary_pdf(dossier))
        pieces = dossier.pieces.select_related("kind", "partner")
        for index, piece in enumerate(pieces, start=1):
            try:
                with piece.file.open("rb") as handle:
                    data = handle.read()
            except (FileNotFoundError, OSError, ValueError):
                continue
            archive.writestr(piece_archive_name(piece, index), data)
    return buffer.getvalue()
