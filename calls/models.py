"""Calls for projects (« appels à projets »): a call configured by its managers, its waves and the
pieces and criteria it asks for; the dossiers teams prepare, deposit and the experts evaluate; the
decision that ends with a community on the platform (``docs/calls.md``).

Everything a call decides is a row of its own — themes, waves with their deadlines in
Europe/Paris, pieces with their constraints, the evaluation grid, the caps — never a constant:
the 2016 « Communautés professionnelles territoriales » call is data (``calls/data``), and a new
call is built from it (``calls.template.call_from_template``).

A dossier's state moves only through ``calls.workflow.DOSSIER`` (the platform's workflow
helper); each move leaves a ``DossierEvent`` (actor, time, comment: the dossier's audit trail).
Amounts are in thousands of euros (k€), as the call's financing form asks.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Community

TITLE_MAX = 200
TEXT_MAX = 10_000
# A dossier's pieces together, unless the call says otherwise (§7.6): 10 MB.
DEFAULT_MAX_DOSSIER_BYTES = 10 * 1024 * 1024
# The formats of 2016 plus the open ones (§7.6); executables and macro-enabled files never.
DEFAULT_FORMATS = ["odt", "ods", "odp", "pdf", "doc", "xls", "ppt"]
# The paper originals of a scanned signature are due within this many working days (R49).
PAPER_ORIGINALS_WORKING_DAYS = 10


def k_euros(max_digits=10):
    return {
        "max_digits": max_digits,
        "decimal_places": 2,
        "validators": [MinValueValidator(Decimal("0"))],
    }


class Call(models.Model):
    class Kind(models.TextChoices):
        COMMUNITIES = "communities", _("Communautés professionnelles territoriales")
        LABS = "labs", _("Laboratoires d'innovation territoriale")

    class Scope(models.TextChoices):
        NATIONAL = "national", _("National")
        REGIONAL = "regional", _("Régional")

    class Deposit(models.TextChoices):
        PLATFORM = "platform", _("Sur la plateforme")
        ELSEWHERE = "elsewhere", _("Sur un autre site (dossier exporté)")

    class FollowUp(models.TextChoices):
        FINAL = "final", _("Un rapport final, puis la revue finale")
        ANNUAL = "annual", _("Une revue intermédiaire, puis un rapport annuel chaque année")

    kind = models.CharField(_("type d'appel"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("titre"), max_length=TITLE_MAX)
    slug = models.SlugField(max_length=120, unique=True)
    summary = models.TextField(_("présentation"), max_length=TEXT_MAX, blank=True)
    scope = models.CharField(
        _("portée"), max_length=10, choices=Scope.choices, default=Scope.NATIONAL
    )
    # The region of a regional call (its SGAR runs it).
    region = models.ForeignKey(
        "directory.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=_("région"),
    )
    category = models.CharField(_("catégorie"), max_length=100, default="Projet d'amorçage")
    envelope = models.DecimalField(_("enveloppe totale (k€)"), **k_euros(12))
    max_total_cost = models.DecimalField(_("coût total maximal (k€)"), **k_euros())
    max_requested = models.DecimalField(_("financement demandé maximal (k€)"), **k_euros())
    # Above this share of the total cost, the aid needs a derogation, justified.
    derogation_share = models.PositiveSmallIntegerField(
        _("part d'aide au-delà de laquelle une dérogation est requise (%)"),
        default=50,
        validators=[MaxValueValidator(100)],
    )
    accepted_formats = models.JSONField(_("formats acceptés"), default=list)
    max_dossier_bytes = models.PositiveBigIntegerField(
        _("taille maximale des pièces d'un dossier (octets)"), default=DEFAULT_MAX_DOSSIER_BYTES
    )
    # The evaluation grid's scale: every criterion is scored from 0 to this (§7.5).
    scale_max = models.PositiveSmallIntegerField(
        _("note maximale d'un critère"), default=5, validators=[MinValueValidator(1)]
    )
    deposit = models.CharField(
        _("lieu du dépôt légal"), max_length=10, choices=Deposit.choices, default=Deposit.PLATFORM
    )
    deposit_url = models.URLField(_("adresse du site de dépôt"), blank=True)
    contacts = models.TextField(_("contacts"), max_length=2000, blank=True)
    # How the call runs after the deposit and after the decision (R61: the labs call differs).
    audition = models.BooleanField(
        _("audition des candidats présélectionnés (avec visioconférence)"), default=False
    )
    single_deadline = models.BooleanField(_("une seule date de dépôt"), default=False)
    multi_year_plan = models.BooleanField(
        _("plan de financement pluriannuel avec la consommation prévue"), default=False
    )
    follow_up = models.CharField(
        _("suivi des projets"), max_length=10, choices=FollowUp.choices, default=FollowUp.FINAL
    )
    interim_review_months = models.PositiveSmallIntegerField(
        _("revue intermédiaire après (mois)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    # R9: the personal fields of closed, non-selected dossiers are purged after this many months.
    retention_months = models.PositiveSmallIntegerField(
        _("conservation des dossiers non retenus (mois)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    # Null while the managers prepare it: only they see it.
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    is_historic = models.BooleanField(_("appel clos archivé"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("appel à projets")
        verbose_name_plural = _("appels à projets")
        constraints = [
            models.CheckConstraint(
                condition=~Q(scope="regional") | Q(region__isnull=False),
                name="calls_regional_call_has_region",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("calls:call", args=[self.slug])

    @property
    def is_published(self):
        return self.published_at is not None


class Theme(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="themes")
    label = models.CharField(_("thématique"), max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.label


class Wave(models.Model):
    """A wave of a call: its deadline (an instant: 17:00 in Europe/Paris on the closing day, as
    entered), the target date of its selection and its share of the envelope."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="waves")
    number = models.PositiveSmallIntegerField(_("numéro"))
    deadline = models.DateTimeField(_("clôture des dépôts"))
    selection_date = models.DateField(_("date visée de sélection"), null=True, blank=True)
    envelope_share = models.PositiveSmallIntegerField(
        _("part de l'enveloppe (%)"), validators=[MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["call", "number"]
        constraints = [
            models.UniqueConstraint(fields=["call", "number"], name="calls_wave_number_once")
        ]

    def __str__(self):
        return f"Vague {self.number}"


class PieceKind(models.Model):
    """A piece the call asks for: mandatory or not, one per partner or one per dossier, with the
    page or slide limit read from the file itself (a warning, R47)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="piece_kinds")
    code = models.SlugField(max_length=40)
    label = models.CharField(_("pièce"), max_length=200)
    help_text = models.CharField(_("aide"), max_length=500, blank=True)
    mandatory = models.BooleanField(_("obligatoire"), default=True)
    per_partner = models.BooleanField(_("une par partenaire"), default=False)
    # A signed piece: the kind of signature is recorded (R49).
    signed = models.BooleanField(_("pièce signée"), default=False)
    max_pages = models.PositiveSmallIntegerField(_("pages au plus"), null=True, blank=True)
    max_slides = models.PositiveSmallIntegerField(_("diapositives au plus"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="calls_piece_kind_code_once")
        ]

    def __str__(self):
        return self.label


class Criterion(models.Model):
    """A criterion of the call's grid, or a sub-criterion (``parent``): its key questions and
    the evidence expected (§3.6). Experts score the criteria that have no sub-criterion, on the
    call's scale; a criterion's weight counts in the weighted mean (equal by default, §7.5)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    code = models.CharField(_("numéro"), max_length=10)
    label = models.CharField(_("critère"), max_length=300)
    questions = models.TextField(_("questions clés"), blank=True)
    evidence = models.TextField(_("éléments attendus"), blank=True)
    weight = models.DecimalField(_("poids"), max_digits=5, decimal_places=2, default=Decimal("1"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="calls_criterion_code_once")
        ]

    def __str__(self):
        return f"{self.code}. {self.label}"


class CallRole(models.Model):
    """A role an agent holds on a call, given by its managers."""

    class Role(models.TextChoices):
        MANAGER = "manager", _("Gestionnaire de l'appel")
        EXPERT = "expert", _("Expert")
        COMMITTEE = "committee", _("Membre du comité de pilotage")
        CDC = "cdc", _("Caisse des dépôts (suivi financier)")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="roles")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="call_roles"
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["call", "agent", "role"], name="calls_role_once")
        ]

    def __str__(self):
        return f"{self.agent_id} {self.role} {self.call_id}"


class Question(models.Model):
    """A question on the call and its answer, published to every applicant (R50)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField(_("question"), max_length=3000)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("réponse"), max_length=TEXT_MAX, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-answered_at", "-asked_at"]

    def __str__(self):
        return self.text[:60]


class Dossier(models.Model):
    """A team's application to a wave of a call, from its draft to the decision."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        DEPOSITED = "deposited", _("Déposé")
        WITHDRAWN = "withdrawn", _("Retiré")
        INELIGIBLE = "ineligible", _("Irrecevable")
        EVALUATION = "evaluation", _("En évaluation")
        AUDITION = "audition", _("Présélectionné, audition")
        REVIEWED = "reviewed", _("Avis motivé rendu")
        REFERRED = "referred", _("Soumis au Premier ministre")
        SELECTED = "selected", _("Lauréat")
        NOT_SELECTED = "not_selected", _("Non retenu")
        PROMISING = "promising", _("Non retenu, prometteur")
        IN_PROGRESS = "in_progress", _("Convention signée, en cours")
        FINAL_REPORT = "final_report", _("Rapport final remis")
        CLOSED = "closed", _("Clos")

    class Signature(models.TextChoices):
        RGS2 = "rgs2", _("Signature électronique RGS **")
        RGS3 = "rgs3", _("Signature électronique RGS ***")
        SCANNED = "scanned", _("Signature numérisée (originaux papier à envoyer)")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="dossiers")
    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="dossiers")
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)

    # The synthesis (R40).
    title = models.CharField(_("titre du projet"), max_length=TITLE_MAX)
    acronym = models.CharField(_("acronyme"), max_length=30, blank=True)
    main_theme = models.ForeignKey(
        Theme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thématique principale"),
    )
    secondary_theme = models.ForeignKey(
        Theme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thématique secondaire"),
    )
    summary = models.TextField(
        _("descriptif du projet en quelques lignes"), max_length=2000, blank=True
    )

    # Who carries it: the préfet de région of ``region`` (porteur de projet) and the operational
    # service (porteur opérationnel, R37).
    region = models.ForeignKey(
        "directory.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("région du préfet porteur de projet"),
    )
    operational_service = models.ForeignKey(
        "directory.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service porteur opérationnel"),
    )

    # The sponsor identification form (R39).
    sponsor_name = models.CharField(_("nom du porteur de projet"), max_length=200, blank=True)
    sponsor_acronym = models.CharField(_("sigle"), max_length=40, blank=True)
    sponsor_address = models.TextField(_("adresse"), max_length=500, blank=True)
    sponsor_mail_address = models.TextField(
        _("adresse de correspondance, si différente"), max_length=500, blank=True
    )
    sponsor_phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    sponsor_email = models.EmailField(_("courriel"), blank=True)
    sponsor_website = models.URLField(_("adresse du site internet"), blank=True)
    sponsor_legal_status = models.CharField(
        _("statut juridique du porteur de projet"), max_length=200, blank=True
    )
    contact_civility = models.CharField(_("civilité"), max_length=10, blank=True)
    contact_name = models.CharField(_("nom et prénom"), max_length=200, blank=True)
    contact_function = models.CharField(
        _("fonction au sein de l'organisme bénéficiaire"), max_length=200, blank=True
    )
    contact_phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    contact_fax = models.CharField(_("télécopie"), max_length=30, blank=True)
    contact_email = models.EmailField(_("adresse électronique"), blank=True)

    # The guided presentation (R41): {section item code: text}, see ``calls.presentation``.
    presentation = models.JSONField(default=dict, blank=True)
    free_software = models.BooleanField(_("solution en logiciel libre"), null=True, blank=True)
    support_needs = models.TextField(
        _("nature de l'accompagnement attendu"), max_length=3000, blank=True
    )

    # The application act (R44).
    signatory_name = models.CharField(_("nom du signataire"), max_length=200, blank=True)
    signatory_title = models.CharField(_("titre du signataire"), max_length=200, blank=True)
    signatory_is_legal_representative = models.BooleanField(
        _("le signataire est le représentant légal"), default=True
    )
    signed_on = models.DateField(_("date de signature"), null=True, blank=True)

    # The financing plan's derogation (R45): asked above the call's share.
    derogation_justification = models.TextField(
        _("justification de la dérogation"), max_length=5000, blank=True
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    deposited_at = models.DateTimeField(null=True, blank=True)
    deposited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # Evaluation and decision (R51-R54).
    committee_opinion = models.TextField(_("avis motivé du comité d'experts"), blank=True)
    granted_amount = models.DecimalField(
        _("aide accordée (k€)"), null=True, blank=True, **k_euros()
    )
    decision_conditions = models.TextField(_("conditions"), max_length=5000, blank=True)
    decision_derogation = models.TextField(
        _("justification de la dérogation accordée"), max_length=5000, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # The community the project creates once selected: its type and themes (the platform's).
    community_kind = models.CharField(
        _("type de communauté"),
        max_length=20,
        choices=Community.Kind.choices,
        default=Community.Kind.USAGE,
    )
    community_themes = models.ManyToManyField(
        "communities.Theme", blank=True, related_name="+", verbose_name=_("thématiques")
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # When the retention task purged its personal fields (R9, ``calls.retention``).
    purged_at = models.DateTimeField(null=True, blank=True)
    # A promising applicant's consent to the innovators' registry (R32).
    registry_consent = models.BooleanField(default=False)
    community = models.OneToOneField(
        "communities.Community",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="call_dossier",
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["call", "state"], name="calls_dossier_state")]

    def __str__(self):
        return self.acronym or self.title

    def get_absolute_url(self):
        return reverse("calls:dossier", args=[self.call.slug, self.pk])

    @property
    def is_frozen(self):
        """Deposited or further: nothing changes but through a complement an expert asked."""
        return self.state not in (self.State.DRAFT,)


class DossierMember(models.Model):
    """An agent's role on a dossier."""

    class Role(models.TextChoices):
        SPONSOR = "sponsor", _("Préfet de région, porteur de projet")
        LEAD = "lead", _("Porteur opérationnel")
        TEAM = "team", _("Équipe projet")
        PARTNER = "partner", _("Représentant d'un partenaire")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="members")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dossier_roles"
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dossier", "agent"], name="calls_member_once")
        ]

    def __str__(self):
        return f"{self.agent_id} {self.role} {self.dossier_id}"


class Partner(models.Model):
    """A partner of the project (§7.3): the organisation, its contact, its role and contribution;
    its signed commitment act is a piece (``Piece.partner``)."""

    class Nature(models.TextChoices):
        STATE_ATE = "state_ate", _("Service de l'État (administration territoriale)")
        STATE_OTHER = "state_other", _("Autre service de l'État ou opérateur")
        LOCAL = "local", _("Collectivité territoriale")
        COMPANY = "company", _("Entreprise")
        ASSOCIATION = "association", _("Association")
        OTHER = "other", _("Autre")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("organisme"), max_length=200)
    acronym = models.CharField(_("sigle"), max_length=40, blank=True)
    nature = models.CharField(_("nature"), max_length=20, choices=Nature.choices)
    service = models.ForeignKey(
        "directory.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service de l'annuaire"),
    )
    ministry = models.ForeignKey(
        "directory.Ministry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ministère"),
    )
    contact_name = models.CharField(_("personne à contacter"), max_length=200, blank=True)
    contact_email = models.EmailField(_("son adresse électronique"), blank=True)
    role = models.TextField(_("rôle dans le projet"), max_length=2000, blank=True)
    contribution_amount = models.DecimalField(_("apport (k€)"), default=Decimal("0"), **k_euros())
    contribution_nature = models.CharField(
        _("nature de l'apport (subvention, prêt, en nature…)"), max_length=200, blank=True
    )
    # The aid the partner receives under the convention: 0 for a partner without direct aid,
    # whom the convention names all the same (R57).
    direct_aid = models.DecimalField(_("aide directe (k€)"), default=Decimal("0"), **k_euros())
    # Outside the ATE: allowed only when indispensable, with short-term results and a technical
    # way to integrate them (E14, E15).
    justification = models.TextField(
        _("justification (partenaire hors administration territoriale)"),
        max_length=3000,
        blank=True,
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.name

    @property
    def outside_ate(self):
        return self.nature != self.Nature.STATE_ATE


def piece_path(piece, filename):
    return (
        f"calls/{piece.dossier.call_id}/{piece.dossier_id}/{timezone.now():%Y%m%d%H%M%S}-{filename}"
    )


class Piece(models.Model):
    """An uploaded piece of a dossier: checked by ``maillage.uploads`` and the call's rules; its
    pages or slides counted from the file (None when the format cannot say)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="pieces")
    kind = models.ForeignKey(PieceKind, on_delete=models.PROTECT, related_name="pieces")
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, null=True, blank=True, related_name="pieces"
    )
    file = models.FileField(upload_to=piece_path, max_length=300)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    pages = models.PositiveIntegerField(null=True, blank=True)
    signature = models.CharField(
        _("signature"), max_length=10, choices=Dossier.Signature.choices, blank=True
    )
    # A complement uploaded after the deposit, at an expert's request (R48).
    request = models.ForeignKey(
        "InformationRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pieces",
    )
    # The paper originals of a scanned signature (R49).
    originals_received_on = models.DateField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind__order", "partner__order", "uploaded_at", "id"]

    def __str__(self):
        return self.name


class FinancingLine(models.Model):
    """A line of the financing plan (R45, R46): a resource (who pays) or a cost (what it pays
    for), in k€."""

    class Side(models.TextChoices):
        RESOURCE = "resource", _("Financement")
        COST = "cost", _("Coût")

    class Eligible(models.TextChoices):
        STAFF = "staff", _("Frais de personnel interne liés au projet")
        PROVIDERS = "providers", _("Frais de personnel des prestataires")
        TRAINING = "training", _("Frais de formation")
        INVESTMENT = "investment", _("Investissements liés au projet")
        OVERHEADS = "overheads", _("Frais généraux additionnels")
        OPERATING_OTHER = "other", _("Autres frais de fonctionnement")
        NOT_ELIGIBLE = "not_eligible", _("Non éligible (fonctionnement courant)")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="financing")
    side = models.CharField(max_length=10, choices=Side.choices)
    # One of ``calls.financing.RESOURCES`` or ``COSTS``.
    category = models.CharField(_("rubrique"), max_length=30)
    label = models.CharField(_("libellé"), max_length=200, blank=True)
    amount = models.DecimalField(_("montant (k€)"), **k_euros())
    in_kind = models.BooleanField(_("apport en nature"), default=False)
    valuation = models.CharField(
        _("mode de valorisation de l'apport en nature"), max_length=300, blank=True
    )
    eligible = models.CharField(
        _("catégorie de dépense"), max_length=20, choices=Eligible.choices, blank=True
    )
    free_software = models.BooleanField(_("logiciel libre"), default=False)
    # The multi-year plan of a labs call (``Call.multi_year_plan``): the year of the line, and
    # (d) the consumption of the funding against the provisional calendar.
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True)
    consumed = models.DecimalField(
        _("consommation prévue (k€)"), null=True, blank=True, **k_euros()
    )

    class Meta:
        ordering = ["side", "id"]

    def __str__(self):
        return f"{self.category} {self.amount}"


class DossierEvent(models.Model):
    """A line of a dossier's audit trail: every move of its state and every decisive act."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=40)
    source = models.CharField(max_length=20, blank=True)
    target = models.CharField(max_length=20, blank=True)
    comment = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.dossier_id} {self.action}"


class ExpertAssignment(models.Model):
    """An expert assigned to a dossier by the call's managers (R53), and the evaluation they
    submit: a score per criterion (``Score``) and an opinion."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    opinion = models.TextField(_("avis de l'expert"), max_length=TEXT_MAX, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dossier", "expert"], name="calls_expert_once")
        ]

    def __str__(self):
        return f"{self.expert_id} on {self.dossier_id}"


class Score(models.Model):
    assignment = models.ForeignKey(
        ExpertAssignment, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(max_length=5000, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="calls_score_once")
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.score}"


class InformationRequest(models.Model):
    """An expert's request for complementary information (R48, R53): it opens an upload scoped
    to it, on a frozen dossier, until it is answered."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="requests")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("demande"), max_length=5000)
    asked_at = models.DateTimeField(default=timezone.now)
    response = models.TextField(_("réponse"), max_length=TEXT_MAX, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-asked_at"]

    def __str__(self):
        return self.text[:60]

    @property
    def is_open(self):
        return self.answered_at is None


# --- after the decision: audition, convention, funding, indicators, reports and reviews -------


def follow_up_path(instance, filename):
    dossier = instance.dossier if hasattr(instance, "dossier") else instance.report.dossier
    return f"calls/{dossier.call_id}/{dossier.pk}/suivi/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class Audition(models.Model):
    """The audition of a shortlisted candidate (a call with ``Call.audition``, R61): at the
    secretariat or remotely, with its video link, and what the committee heard."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="audition")
    scheduled_at = models.DateTimeField(_("date et heure"))
    place = models.CharField(_("lieu"), max_length=300, blank=True)
    video_url = models.URLField(_("lien de visioconférence"), blank=True)
    notes = models.TextField(_("compte rendu de l'audition"), max_length=TEXT_MAX, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"audition {self.dossier_id}"


class Convention(models.Model):
    """The convention between the sponsor and the CDC (R57): its funding terms, the details of
    the eligible expenses, the suspensive conditions, the project's dates and the signatories;
    its tranches (``Tranche``), calendar (``Milestone``), indicators (``Indicator``) and the
    partners of the dossier (those without direct aid too) are rows of their own. Its signed copy
    is uploaded; recording the signature moves the project to « en cours »."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="convention")
    funding_terms = models.TextField(_("modalités de financement"), max_length=TEXT_MAX, blank=True)
    eligible_expenses = models.TextField(
        _("détail des dépenses éligibles"), max_length=TEXT_MAX, blank=True
    )
    suspensive_conditions = models.TextField(
        _("conditions suspensives"), max_length=5000, blank=True
    )
    conditions_lifted_on = models.DateField(
        _("conditions suspensives levées le"), null=True, blank=True
    )
    starts_on = models.DateField(_("début du projet"), null=True, blank=True)
    ends_on = models.DateField(_("fin du projet"), null=True, blank=True)
    sponsor_signatory = models.CharField(
        _("signataire pour le porteur de projet"), max_length=200, blank=True
    )
    sponsor_signed_on = models.DateField(_("signé par le porteur le"), null=True, blank=True)
    cdc_signatory = models.CharField(
        _("signataire pour la Caisse des dépôts"), max_length=200, blank=True
    )
    cdc_signed_on = models.DateField(_("signé par la Caisse des dépôts le"), null=True, blank=True)
    signed_file = models.FileField(upload_to=follow_up_path, max_length=300, blank=True)
    signed_file_name = models.CharField(max_length=200, blank=True)
    signed_file_size = models.PositiveBigIntegerField(null=True, blank=True)
    signed_file_type = models.CharField(max_length=100, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"convention {self.dossier_id}"

    @property
    def is_signed(self):
        return self.signed_at is not None


class Milestone(models.Model):
    """A milestone of the project's calendar (R57), against which indicators set targets."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="milestones")
    label = models.CharField(_("jalon"), max_length=200)
    due_on = models.DateField(_("date prévue"))
    done_on = models.DateField(_("atteint le"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["due_on", "order", "id"]

    def __str__(self):
        return self.label


class Review(models.Model):
    """A review of the project (R60, R61): the final review that closes it, or, for a labs
    call, the interim review and each annual review. The form's six headings are the report's
    (L7401-7409)."""

    class Kind(models.TextChoices):
        INTERIM = "interim", _("Revue intermédiaire")
        ANNUAL = "annual", _("Revue annuelle")
        FINAL = "final", _("Revue finale")

    class Conclusion(models.TextChoices):
        SUCCESS = "success", _("Réussi")
        MIXED = "mixed", _("En partie réussi")
        FAILURE = "failure", _("Échec")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(_("revue"), max_length=10, choices=Kind.choices)
    # The year an annual review covers; 0 for the others.
    year = models.PositiveSmallIntegerField(_("année"), default=0)
    report = models.ForeignKey(
        "Report", on_delete=models.SET_NULL, null=True, blank=True, related_name="reviews"
    )
    administrative = models.TextField(_("aspects administratifs"), max_length=TEXT_MAX)
    technical = models.TextField(_("aspects techniques"), max_length=TEXT_MAX)
    financial = models.TextField(_("aspects financiers"), max_length=TEXT_MAX)
    modernisation = models.TextField(
        _("contribution à la modernisation de l'action publique"), max_length=TEXT_MAX
    )
    prospects = models.TextField(
        _("perspectives ouvertes (généralisation ou intégration)"), max_length=TEXT_MAX
    )
    other_benefits = models.TextField(_("autres bénéfices"), max_length=TEXT_MAX, blank=True)
    conclusion = models.CharField(
        _("appréciation d'ensemble"), max_length=10, choices=Conclusion.choices
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reviewed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "kind", "year"], name="calls_review_once")
        ]

    def __str__(self):
        return f"{self.kind} {self.year} {self.dossier_id}"


class Tranche(models.Model):
    """A funding tranche of the convention (R57, R58): its amount and conditions; payable once
    every condition is ticked (and, for a labs call, once the review it is tied to is done);
    then the four steps of the funding chain, each dated: the CDC's payment into the fonds de
    concours, the CBCM's revenue order, the credits opened by the weekly order, their
    distribution to the préfet's BOP."""

    STEPS = ("cdc_paid_on", "revenue_order_on", "credits_opened_on", "distributed_on")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="tranches")
    number = models.PositiveSmallIntegerField(_("numéro"))
    amount = models.DecimalField(_("montant (k€)"), **k_euros())
    planned_on = models.DateField(_("date prévue"), null=True, blank=True)
    # A labs call ties tranches to the reviews (R61): payable only once this review is done.
    review_kind = models.CharField(
        _("après la revue"), max_length=10, choices=Review.Kind.choices, blank=True
    )
    review_year = models.PositiveSmallIntegerField(default=0)
    payable_at = models.DateTimeField(null=True, blank=True)
    payable_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cdc_paid_on = models.DateField(
        _("versement de la CDC au fonds de concours"), null=True, blank=True
    )
    revenue_order_on = models.DateField(
        _("titre de perception émis par le CBCM"), null=True, blank=True
    )
    credits_opened_on = models.DateField(_("crédits ouverts par arrêté"), null=True, blank=True)
    distributed_on = models.DateField(
        _("crédits répartis sur le BOP du préfet"), null=True, blank=True
    )
    bop = models.CharField(_("BOP du préfet"), max_length=100, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "number"], name="calls_tranche_number")
        ]

    def __str__(self):
        return f"tranche {self.number} {self.dossier_id}"


class TrancheCondition(models.Model):
    """A condition of a tranche, ticked by the call's managers or the CDC once met."""

    tranche = models.ForeignKey(Tranche, on_delete=models.CASCADE, related_name="conditions")
    label = models.CharField(_("condition"), max_length=300)
    met_at = models.DateTimeField(null=True, blank=True)
    met_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.label


class Indicator(models.Model):
    """A follow-up indicator of the project (R59): its baseline, its target at each milestone
    (``IndicatorTarget``) and how often the team enters a value; a value is due every
    ``frequency_months`` from ``first_due_on`` until the convention's end."""

    class Frequency(models.IntegerChoices):
        MONTHLY = 1, _("Mensuelle")
        QUARTERLY = 3, _("Trimestrielle")
        HALF_YEARLY = 6, _("Semestrielle")
        YEARLY = 12, _("Annuelle")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="indicators")
    label = models.CharField(_("indicateur"), max_length=200)
    unit = models.CharField(_("unité"), max_length=50, blank=True)
    baseline = models.DecimalField(_("valeur de référence"), max_digits=14, decimal_places=2)
    frequency_months = models.PositiveSmallIntegerField(
        _("fréquence"), choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    first_due_on = models.DateField(_("première échéance"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.label


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    milestone = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, related_name="indicator_targets"
    )
    value = models.DecimalField(_("cible"), max_digits=14, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "milestone"], name="calls_target_once")
        ]

    def __str__(self):
        return f"{self.indicator_id} @ {self.milestone_id}: {self.value}"


class IndicatorValue(models.Model):
    """The value the team entered for one due date of an indicator, and its review by the
    region's SGAR officer or the call's managers."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    due_on = models.DateField(_("échéance"))
    value = models.DecimalField(_("valeur"), max_digits=14, decimal_places=2)
    comment = models.TextField(_("commentaire"), max_length=3000, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(_("avis"), max_length=3000, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "due_on"], name="calls_value_once")
        ]

    def __str__(self):
        return f"{self.indicator_id} {self.due_on}: {self.value}"


class IndicatorReminder(models.Model):
    """A reminder sent for a value missing at its due date: its unique row makes the scheduled
    task send it once, whatever the restarts or the schedulers running."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="reminders")
    due_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "due_on"], name="calls_reminder_once")
        ]

    def __str__(self):
        return f"reminder {self.indicator_id} {self.due_on}"


class Report(models.Model):
    """A report the team uploads (R60, R61): the final report with its deliverables, or, for a
    labs call, the report at the start of each year on the year before."""

    class Kind(models.TextChoices):
        FINAL = "final", _("Rapport final")
        ANNUAL = "annual", _("Rapport annuel")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("rapport"), max_length=10, choices=Kind.choices)
    # The year an annual report covers; 0 for the final report.
    year = models.PositiveSmallIntegerField(_("année"), default=0)
    file = models.FileField(upload_to=follow_up_path, max_length=300)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    deliverables = models.TextField(_("livrables (un par ligne)"), max_length=5000, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "kind", "year"], name="calls_report_once")
        ]

    def __str__(self):
        return self.name


class ReportFile(models.Model):
    """A deliverable uploaded with a report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=follow_up_path, max_length=300)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name


class Story(models.Model):
    """A success story or the lessons of a failure, published from a closed project (R31),
    tagged by region and theme; the region's SGAR officer may feature it on the region's page."""

    class Kind(models.TextChoices):
        SUCCESS = "success", _("Réussite")
        LESSONS = "lessons", _("Leçons d'un échec")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="stories")
    kind = models.CharField(_("type de retour d'expérience"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("titre"), max_length=TITLE_MAX)
    body = models.TextField(_("récit"), max_length=TEXT_MAX)
    region = models.ForeignKey(
        "directory.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("région")
    )
    theme = models.ForeignKey(
        Theme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thématique"),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)
    featured_at = models.DateTimeField(null=True, blank=True)
    featured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name_plural = _("retours d'expérience")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("calls:story", args=[self.pk])


class PurgeLog(models.Model):
    """What the retention task purged (R9): the dossier, when, after how long, and which
    fields; never the purged values."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.SET_NULL, null=True, blank=True, related_name="purges"
    )
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="purges")
    dossier_label = models.CharField(max_length=TITLE_MAX)
    fields = models.JSONField(default=list)
    retention_months = models.PositiveSmallIntegerField()
    purged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-purged_at", "-id"]

    def __str__(self):
        return f"purge {self.dossier_label}"
