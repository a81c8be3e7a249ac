"""Calls built from a template: a call's whole configuration kept as data (``calls/data``), read,
checked and turned into a ``Call`` with its themes, waves, pieces and evaluation grid.

The 2016 « Communautés professionnelles territoriales » call is the first template. The demo
replays it as a closed, historic call and opens a current call from the same file with new waves
(spec §7.1): ``call_from_template("communautes-2016", slug=..., waves=[...])``. The 2016
« Laboratoires d'innovations territoriales » call is the second (R61, spec §3.13): its own pieces
and five criteria, one deadline, an audition of the shortlisted candidates, a multi-year
financing plan and an annual follow-up — settings of the call, not code.

How a call runs after the deposit is part of the template too (``SETTINGS``): ``audition``,
``single_deadline``, ``multi_year_plan``, ``follow_up`` (``final`` or ``annual``),
``interim_review_months``; a template that leaves one out takes the model's default, so that
switching a call from one template to another (``calls.configuration.call_switch_kind``) resets
them all.

A template file is UTF-8 JSON. Keys starting with ``_`` are notes for its readers (sources,
choices) and are ignored; any other unknown key is an error, so that a typo never passes
silently. Deadlines are written as Paris wall-clock times (``"2016-06-15T17:00"``) and read as
aware datetimes in Europe/Paris; amounts are in k€, written as strings (``"500"``). A bad file
raises ``ValueError`` naming the template and the faulty entry.
"""

import json
import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from calls.models import Call, Criterion, PieceKind, Theme, Wave

PARIS = ZoneInfo("Europe/Paris")
DATA_DIR = Path(__file__).resolve().parent / "data"

# The templates a call can be built from, by name.
TEMPLATES = {
    "communautes-2016": DATA_DIR / "communautes-2016.json",
    "laboratoires-2016": DATA_DIR / "laboratoires-2016.json",
}
# The template a call of each kind is built from when its type is switched.
KIND_TEMPLATES = {
    Call.Kind.COMMUNITIES: "communautes-2016",
    Call.Kind.LABS: "laboratoires-2016",
}

# How the call runs after the deposit and after the decision: key -> (kind, default).
SETTINGS = {
    "audition": ("bool", False),
    "single_deadline": ("bool", False),
    "multi_year_plan": ("bool", False),
    "follow_up": ("follow_up", Call.FollowUp.FINAL.value),
    "interim_review_months": ("months", 6),
}
# Kept only when the template gives it (otherwise the call's own value stays).
OPTIONAL_SETTINGS = {"retention_months": ("retention", None)}

_CALL_FIELDS = {
    # key: (kind, required)
    "kind": ("text", True),
    "title": ("text", True),
    "summary": ("text", False),
    "category": ("text", True),
    "envelope": ("amount", True),
    "max_total_cost": ("amount", True),
    "max_requested": ("amount", True),
    "derogation_share": ("percent", True),
    "accepted_formats": ("formats", True),
    "max_dossier_bytes": ("positive", True),
    "scale_max": ("positive", True),
    "deposit": ("text", True),
    "deposit_url": ("text", False),
    "contacts": ("text", False),
}
_LISTS = ("themes", "waves", "pieces", "criteria")
_WAVE_KEYS = {"number", "deadline", "selection_date", "envelope_share"}
_PIECE_KEYS = {
    "code",
    "label",
    "help_text",
    "mandatory",
    "per_partner",
    "signed",
    "max_pages",
    "max_slides",
}
_CRITERION_KEYS = {"code", "label", "weight", "questions", "evidence", "children"}
_FORMAT = re.compile(r"^[a-z0-9]{1,10}$")


class _Checker:
    """Reads one template's values, raising ``ValueError`` with the template's name and the
    entry's place."""

    def __init__(self, name):
        self.name = name

    def fail(self, where, problem):
        raise ValueError(f"Modèle d'appel « {self.name} », {where} : {problem}.")

    def keys(self, where, entry, allowed, required=()):
        if not isinstance(entry, dict):
            self.fail(where, "un objet JSON est attendu")
        unknown = sorted(k for k in entry if not k.startswith("_") and k not in allowed)
        if unknown:
            self.fail(where, f"clé(s) inconnue(s) {', '.join(unknown)}")
        missing = [k for k in required if k not in entry]
        if missing:
            self.fail(where, f"clé(s) manquante(s) {', '.join(missing)}")

    def text(self, where, value, *, required=True):
        if not isinstance(value, str):
            self.fail(where, "un texte est attendu")
        value = value.strip()
        if required and not value:
            self.fail(where, "le texte est vide")
        return value

    def boolean(self, where, value):
        if not isinstance(value, bool):
            self.fail(where, "true ou false est attendu")
        return value

    def integer(self, where, value, *, low=0, high=None, optional=False):
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(where, "un nombre entier est attendu")
        if value < low or (high is not None and value > high):
            bound = f"entre {low} et {high}" if high is not None else f"au moins {low}"
            self.fail(where, f"{value} n'est pas {bound}")
        return value

    def amount(self, where, value):
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            self.fail(where, 'un montant en k€ est attendu, écrit "500"')
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            self.fail(where, f"« {value} » n'est pas un montant")
        if not amount.is_finite() or amount < 0:
            self.fail(where, f"« {value} » n'est pas un montant positif")
        return amount

    def lines(self, where, value):
        """A list of texts (key questions, evidence) kept one a line."""
        if not isinstance(value, list):
            self.fail(where, "une liste de textes est attendue")
        return "\n".join(self.text(f"{where}[{i}]", line) for i, line in enumerate(value))

    def deadline(self, where, value):
        text = self.text(where, value)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            self.fail(where, f"« {text} » n'est pas une date et heure (2016-06-15T17:00)")
        if moment.tzinfo is not None:
            self.fail(where, "l'heure est une heure locale de Paris, sans fuseau")
        return moment.replace(tzinfo=PARIS)

    def day(self, where, value):
        if value is None:
            return None
        text = self.text(where, value)
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.fail(where, f"« {text} » n'est pas une date (2016-07-31)")


def _check_waves(check, where, waves):
    """Waves in order: deadlines increasing, each selection after its closing day, the shares
    of the envelope summing to 100 %."""
    if not waves:
        check.fail(where, "il faut au moins une vague")
    previous = None
    for wave in waves:
        here = f"{where}, vague {wave['number']}"
        if previous is not None and wave["deadline"] <= previous:
            check.fail(here, "la clôture doit suivre celle de la vague précédente")
        local_day = timezone.localtime(wave["deadline"], PARIS).date()
        if wave["selection_date"] is not None and wave["selection_date"] < local_day:
            check.fail(here, "la date de sélection précède la clôture des dépôts")
        previous = wave["deadline"]
    total = sum(wave["envelope_share"] for wave in waves)
    if total != 100:
        check.fail(where, f"les parts de l'enveloppe font {total} %, et non 100 %")


def _read_waves(check, raw):
    if not isinstance(raw, list):
        check.fail("waves", "une liste est attendue")
    waves = []
    for position, entry in enumerate(raw, start=1):
        where = f"waves[{position - 1}]"
        check.keys(where, entry, _WAVE_KEYS, required=("deadline", "envelope_share"))
        number = check.integer(f"{where}.number", entry.get("number", position), low=1)
        if number != position:
            check.fail(where, f"la vague en position {position} porte le numéro {number}")
        waves.append(
            {
                "number": number,
                "deadline": check.deadline(f"{where}.deadline", entry["deadline"]),
                "selection_date": check.day(f"{where}.selection_date", entry.get("selection_date")),
                "envelope_share": check.integer(
                    f"{where}.envelope_share", entry["envelope_share"], high=100
                ),
            }
        )
    _check_waves(check, "waves", waves)
    return waves


def _read_pieces(check, raw):
    if not isinstance(raw, list):
        check.fail("pieces", "une liste est attendue")
    pieces, codes = [], set()
    for i, entry in enumerate(raw):
        where = f"pieces[{i}]"
        check.keys(where, entry, _PIECE_KEYS, required=("code", "label"))
        code = check.text(f"{where}.code", entry["code"])
        if not re.fullmatch(r"[-a-z0-9_]{1,40}", code):
            check.fail(f"{where}.code", f"« {code} » n'est pas un code (minuscules, chiffres, -)")
        if code in codes:
            check.fail(f"{where}.code", f"le code « {code} » est en double")
        codes.add(code)
        pieces.append(
            {
                "code": code,
                "label": check.text(f"{where}.label", entry["label"]),
                "help_text": check.text(
                    f"{where}.help_text", entry.get("help_text", ""), required=False
                ),
                "mandatory": check.boolean(f"{where}.mandatory", entry.get("mandatory", True)),
                "per_partner": check.boolean(
                    f"{where}.per_partner", entry.get("per_partner", False)
                ),
                "signed": check.boolean(f"{where}.signed", entry.get("signed", False)),
                "max_pages": check.integer(
                    f"{where}.max_pages", entry.get("max_pages"), low=1, optional=True
                ),
                "max_slides": check.integer(
                    f"{where}.max_slides", entry.get("max_slides"), low=1, optional=True
                ),
            }
        )
    return pieces


def _read_criteria(check, raw, where="criteria", codes=None, depth=0):
    """The grid as a tree: each criterion with its ``children`` (one level of
    sub-criteria)."""
    codes = set() if codes is None else codes
    if not isinstance(raw, list):
        check.fail(where, "une liste est attendue")
    criteria = []
    for i, entry in enumerate(raw):
        here = f"{where}[{i}]"
        check.keys(here, entry, _CRITERION_KEYS, required=("code", "label"))
        code = check.text(f"{here}.code", entry["code"])
        if len(code) > 10:
            check.fail(f"{here}.code", f"« {code} » dépasse 10 caractères")
        if code in codes:
            check.fail(f"{here}.code", f"le code « {code} » est en double")
        codes.add(code)
        weight = check.amount(f"{here}.weight", entry.get("weight", "1"))
        if weight <= 0:
            check.fail(f"{here}.weight", "le poids doit être positif")
        children = entry.get("children", [])
        if children and depth:
            check.fail(here, "un sous-critère n'a pas de sous-critères")
        criteria.append(
            {
                "code": code,
                "label": check.text(f"{here}.label", entry["label"]),
                "weight": weight,
                "questions": check.lines(f"{here}.questions", entry.get("questions", [])),
                "evidence": check.lines(f"{here}.evidence", entry.get("evidence", [])),
                "children": _read_criteria(check, children, f"{here}.children", codes, depth + 1),
            }
        )
    if not depth and not criteria:
        check.fail(where, "la grille d'évaluation est vide")
    return criteria


def _read(name, data):
    check = _Checker(name)
    check.keys(
        "racine", data, set(_CALL_FIELDS) | set(_LISTS) | set(SETTINGS) | set(OPTIONAL_SETTINGS)
    )
    missing = [k for k, (_kind, required) in _CALL_FIELDS.items() if required and k not in data]
    missing += [k for k in _LISTS if k not in data]
    if missing:
        check.fail("racine", f"clé(s) manquante(s) {', '.join(missing)}")
    template = {}
    for key, (kind, required) in _CALL_FIELDS.items():
        value = data.get(key, "")
        if kind == "text":
            template[key] = check.text(key, value, required=required)
        elif kind == "amount":
            template[key] = check.amount(key, value)
        elif kind == "percent":
            template[key] = check.integer(key, value, high=100)
        elif kind == "positive":
            template[key] = check.integer(key, value, low=1)
        elif kind == "formats":
            if not isinstance(value, list) or not value:
                check.fail(key, "une liste d'extensions est attendue")
            for ext in value:
                if not isinstance(ext, str) or not _FORMAT.match(ext):
                    check.fail(key, f"« {ext} » n'est pas une extension (odt, pdf…)")
            template[key] = list(value)
    for key, (kind, default) in {**SETTINGS, **OPTIONAL_SETTINGS}.items():
        value = data.get(key, default)
        if value is None:
            continue
        if kind == "bool":
            template[key] = check.boolean(key, value)
        elif kind == "follow_up":
            if value not in Call.FollowUp.values:
                check.fail(key, f"« {value} » n'est pas un mode de suivi (final, annual)")
            template[key] = value
        elif kind == "months":
            template[key] = check.integer(key, value, low=1, high=60)
        else:
            template[key] = check.integer(key, value, low=1, high=120)
    if template["kind"] not in Call.Kind.values:
        check.fail("kind", f"« {template['kind']} » n'est pas un type d'appel")
    if template["deposit"] not in Call.Deposit.values:
        check.fail("deposit", f"« {template['deposit']} » n'est pas un lieu de dépôt")
    if template["max_requested"] > template["max_total_cost"]:
        check.fail("max_requested", "le financement maximal dépasse le coût total maximal")
    if not isinstance(data["themes"], list) or not data["themes"]:
        check.fail("themes", "une liste non vide de thématiques est attendue")
    template["themes"] = [check.text(f"themes[{i}]", t) for i, t in enumerate(data["themes"])]
    template["waves"] = _read_waves(check, data["waves"])
    if template["single_deadline"] and len(template["waves"]) != 1:
        check.fail("waves", "un appel à une seule date de dépôt a une seule vague")
    template["pieces"] = _read_pieces(check, data["pieces"])
    template["criteria"] = _read_criteria(check, data["criteria"])
    return template


def load_template(name):
    """The template ``name`` (a key of ``TEMPLATES``), read and checked: a dict with the call's
    fields (amounts as ``Decimal`` in k€), ``themes`` (labels), ``waves`` (``number``, aware
    ``deadline`` in Europe/Paris, ``selection_date``, ``envelope_share``), ``pieces`` (the
    ``PieceKind`` fields) and ``criteria`` (``code``, ``label``, ``weight``, ``questions`` and
    ``evidence`` one a line, ``children``) and the settings of ``SETTINGS`` (their defaults when
    the file leaves them out; ``retention_months`` only when it gives it). Raises ``ValueError`` on an unknown name or a bad
    file."""
    if name not in TEMPLATES:
        raise ValueError(f"Modèle d'appel inconnu : « {name} ».")
    try:
        data = json.loads(Path(TEMPLATES[name]).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"Modèle d'appel « {name} » illisible : {error}.") from error
    return _read(name, data)


def _new_waves(check, waves):
    """The waves given as (aware deadline, selection date or None, share), numbered in order."""
    result = []
    for number, entry in enumerate(waves, start=1):
        where = f"vague {number} demandée"
        try:
            deadline, selection_date, share = entry
        except (TypeError, ValueError):
            check.fail(where, "(clôture, date de sélection, part) est attendu")
        if not isinstance(deadline, datetime) or timezone.is_naive(deadline):
            check.fail(where, "la clôture doit être une date et heure avec fuseau")
        if selection_date is not None and (
            isinstance(selection_date, datetime) or not isinstance(selection_date, date)
        ):
            check.fail(where, "la date de sélection doit être une date")
        result.append(
            {
                "number": number,
                "deadline": deadline,
                "selection_date": selection_date,
                "envelope_share": check.integer(f"{where}, part", share, high=100),
            }
        )
    _check_waves(check, "vagues demandées", result)
    return result


def _shifted(waves, shift_to):
    """The waves moved so the first closes on ``shift_to``, the others the same number of days
    later as in the template, each at its Paris wall-clock time."""
    first = timezone.localtime(waves[0]["deadline"], PARIS)
    days = timedelta(days=(shift_to - first.date()).days)
    moved = []
    for wave in waves:
        local = timezone.localtime(wave["deadline"], PARIS)
        deadline = datetime.combine(local.date() + days, local.time().replace(tzinfo=None))
        selection = wave["selection_date"]
        moved.append(
            {
                **wave,
                "deadline": deadline.replace(tzinfo=PARIS),
                "selection_date": selection + days if selection else None,
            }
        )
    return moved


def _full_clean(check, obj, what, exclude=()):
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as error:
        problems = "; ".join(
            f"{field} : {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
        check.fail(what, problems)


def call_from_template(
    name,
    *,
    title=None,
    slug,
    waves=None,
    published=False,
    historic=False,
    created_by=None,
    shift_to=None,
):
    """A new ``Call`` built from the template ``name``, with its themes, waves, piece kinds and
    criteria (parents before their sub-criteria), all created in one transaction.

    ``title`` replaces the template's title; ``waves`` replaces its waves with a list of
    ``(deadline, selection_date, envelope_share)`` — an aware datetime, a date or None, a
    percentage —; ``shift_to`` (a date) instead moves the template's waves so the first closes
    that day, keeping their spacing and their 17:00 Paris time. ``published`` publishes it now;
    ``historic`` marks it as a closed call kept for the record. Raises ``ValueError`` on a bad
    template, bad waves or a slug already taken."""
    template = load_template(name)
    check = _Checker(name)
    if waves is not None and shift_to is not None:
        raise ValueError("Donner les vagues ou une date de décalage, pas les deux.")
    if waves is not None:
        template["waves"] = _new_waves(check, waves)
        if template["single_deadline"] and len(template["waves"]) != 1:
            check.fail("vagues demandées", "un appel à une seule date de dépôt a une seule vague")
    elif shift_to is not None:
        if isinstance(shift_to, datetime) or not isinstance(shift_to, date):
            raise ValueError("La date de décalage des vagues doit être une date.")
        template["waves"] = _shifted(template["waves"], shift_to)

    fields = {key: template[key] for key in _CALL_FIELDS}
    fields.update(settings_of(template))
    if title is not None:
        fields["title"] = title
    with transaction.atomic():
        call = Call(
            **fields,
            slug=slug,
            published_at=timezone.now() if published else None,
            is_historic=historic,
            created_by=created_by,
        )
        _full_clean(check, call, "appel", exclude=["created_by"])
        call.save()
        for order, label in enumerate(template["themes"], start=1):
            Theme.objects.create(call=call, label=label, order=order)
        for wave in template["waves"]:
            row = Wave(call=call, **wave)
            _full_clean(check, row, f"vague {wave['number']}")
            row.save()
        for order, piece in enumerate(template["pieces"], start=1):
            row = PieceKind(call=call, order=order, **piece)
            _full_clean(check, row, f"pièce « {piece['code']} »")
            row.save()
        order = 0
        for criterion in template["criteria"]:
            order += 1
            parent = _criterion(check, call, criterion, order)
            for child in criterion["children"]:
                order += 1
                _criterion(check, call, child, order, parent=parent)
    return call


def settings_of(template):
    """The call's settings a loaded template sets: ``SETTINGS`` always, ``retention_months``
    when given."""
    return {key: template[key] for key in (*SETTINGS, *OPTIONAL_SETTINGS) if key in template}


def replace_contents(call, name):
    """Replace ``call``'s kind, themes, pieces, criteria and settings (``settings_of``) with
    those of the template ``name``; when the template has a single deadline, keep only the
    first wave, with the whole envelope. Its title, summary, caps, formats and waves' dates
    stay. For a call without a dossier (a piece or a score would hold the rows replaced): the
    caller checks. Returns the number of waves removed. Raises ``ValueError`` on a bad
    template."""
    template = load_template(name)
    check = _Checker(name)
    with transaction.atomic():
        call.kind = template["kind"]
        for key, value in settings_of(template).items():
            setattr(call, key, value)
        _full_clean(check, call, "appel", exclude=["created_by"])
        call.save()
        call.themes.all().delete()
        call.piece_kinds.all().delete()
        call.criteria.filter(parent__isnull=False).delete()
        call.criteria.all().delete()
        for order, label in enumerate(template["themes"], start=1):
            Theme.objects.create(call=call, label=label, order=order)
        for order, piece in enumerate(template["pieces"], start=1):
            row = PieceKind(call=call, order=order, **piece)
            _full_clean(check, row, f"pièce « {piece['code']} »")
            row.save()
        order = 0
        for criterion in template["criteria"]:
            order += 1
            parent = _criterion(check, call, criterion, order)
            for child in criterion["children"]:
                order += 1
                _criterion(check, call, child, order, parent=parent)
        removed = 0
        if call.single_deadline:
            first = call.waves.order_by("number").first()
            if first is not None:
                removed, _detail = call.waves.exclude(pk=first.pk).delete()
                if first.envelope_share != 100:
                    first.envelope_share = 100
                    first.save(update_fields=["envelope_share"])
    return removed


def _criterion(check, call, criterion, order, parent=None):
    fields = {k: v for k, v in criterion.items() if k != "children"}
    row = Criterion(call=call, parent=parent, order=order, **fields)
    _full_clean(check, row, f"critère « {criterion['code']} »")
    row.save()
    return row
