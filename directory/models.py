"""Agents (the user model) and the territorial model they work in.

Regions, departments, ministries and kinds of service are reference data shipped in
``directory/reference/`` and loaded by a migration; services are created by staff or the demo data.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase


class Region(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=100)
    slug = models.SlugField(unique=True)
    overseas = models.BooleanField(_("outre-mer"), default=False)
    chef_lieu = models.CharField(_("chef-lieu"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("région")

    def __str__(self):
        return self.name


class Department(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=100)
    slug = models.SlugField(unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments")
    prefecture = models.CharField(_("préfecture"), max_length=100, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("département")

    def __str__(self):
        return f"{self.name} ({self.code})"


class Ministry(models.Model):
    INTERMINISTERIAL = "interministeriel"

    code = models.SlugField(unique=True)
    name = models.CharField(_("nom"), max_length=200)
    short_name = models.CharField(_("nom court"), max_length=100)

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("ministère")

    def __str__(self):
        return self.short_name

    @property
    def is_interministerial(self):
        return self.code == self.INTERMINISTERIAL


class ServiceKind(models.Model):
    class Family(models.TextChoices):
        PREFECTURE = "prefecture", _("Préfecture")
        SGAR = "sgar", _("SGAR")
        DR = "dr", _("Direction régionale")
        DDI = "ddi", _("Direction départementale interministérielle")
        OTHER = "other", _("Autre service")

    class Level(models.TextChoices):
        REGION = "region", _("Régional")
        DEPARTMENT = "department", _("Départemental")
        INFRA = "infra", _("Infra-départemental")

    code = models.CharField(_("sigle"), max_length=20, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    family = models.CharField(_("famille"), max_length=20, choices=Family.choices)
    level = models.CharField(_("échelon"), max_length=20, choices=Level.choices)
    default_ministry = models.ForeignKey(
        Ministry, on_delete=models.PROTECT, related_name="+", verbose_name=_("ministère")
    )
    ate = models.BooleanField(_("administration territoriale de l'État"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("type de service")
        verbose_name_plural = _("types de service")

    def __str__(self):
        return self.code


class Service(models.Model):
    """A State service: it has a kind and a ministry and sits in a region or a department."""

    name = models.CharField(_("nom"), max_length=200)
    short_name = models.CharField(_("sigle"), max_length=60)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.ForeignKey(ServiceKind, on_delete=models.PROTECT, verbose_name=_("type"))
    ministry = models.ForeignKey(
        Ministry, on_delete=models.PROTECT, related_name="services", verbose_name=_("ministère")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="services", verbose_name=_("région")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="services",
        null=True,
        blank=True,
        verbose_name=_("département"),
        help_text=_("Vide pour un service régional."),
    )
    city = models.CharField(_("ville"), max_length=100, blank=True)

    class Meta:
        ordering = ["short_name", "name"]
        verbose_name = _("service")

    def __str__(self):
        return self.short_name

    def save(self, *args, **kwargs):
        # The region of a departmental service is always the region of its department.
        if self.department_id:
            self.region_id = Department.objects.values_list("region_id", flat=True).get(
                pk=self.department_id
            )
        super().save(*args, **kwargs)

    def clean(self):
        if self.department_id and self.region_id and self.department.region_id != self.region_id:
            raise ValidationError(
                {"department": _("Ce département n'appartient pas à la région choisie.")}
            )

    @property
    def territory(self):
        return self.department or self.region


class AgentManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An agent needs an e-mail address.")
        agent = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        agent.set_password(password)
        agent.save(using=self._db)
        return agent

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role", Agent.Role.ADMIN)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class TaggedInterest(TaggedItemBase):
    """Interests: a second tag list on agents (skills use taggit's default through model)."""

    content_object = models.ForeignKey("Agent", on_delete=models.CASCADE, related_name="+")


class TaggedExpertise(TaggedItemBase):
    """Areas of expertise: « je peux aider sur… »."""

    content_object = models.ForeignKey("Agent", on_delete=models.CASCADE, related_name="+")


class TaggedLanguage(TaggedItemBase):
    content_object = models.ForeignKey("Agent", on_delete=models.CASCADE, related_name="+")


def photo_upload_to(agent, filename):
    return f"photos/{agent.pk or 'new'}/{timezone.now():%Y%m%d%H%M%S}.jpg"


class Agent(AbstractBaseUser, PermissionsMixin):
    """A State agent. Signs in with their e-mail address."""

    class Role(models.TextChoices):
        AGENT = "agent", _("Agent")
        SGAR = "sgar", _("Mission numérique du SGAR")
        ADMIN = "admin", _("Administration de la plateforme")

    email = models.EmailField(_("adresse électronique"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    service = models.ForeignKey(
        Service,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agents",
        verbose_name=_("service"),
    )
    position = models.CharField(_("fonction"), max_length=200, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    bio = models.TextField(_("présentation"), max_length=2000, blank=True)
    skills = TaggableManager(
        _("compétences"), blank=True, help_text=_("Séparées par des virgules.")
    )
    photo = models.ImageField(_("photo"), upload_to=photo_upload_to, blank=True)
    expertise = TaggableManager(
        _("je peux aider sur…"),
        through=TaggedExpertise,
        blank=True,
        related_name="expert_agents",
        help_text=_("Les sujets sur lesquels des collègues peuvent vous solliciter."),
    )
    interests = TaggableManager(
        _("centres d'intérêt"), through=TaggedInterest, blank=True, related_name="interested_agents"
    )
    languages = TaggableManager(
        _("langues"), through=TaggedLanguage, blank=True, related_name="speaking_agents"
    )

    # Shown on the profile only when the agent ticks them (their consent).
    open_to_mentoring = models.BooleanField(_("ouvert au mentorat"), default=False)
    seeking_mobility = models.BooleanField(_("en recherche de mobilité"), default=False)
    innovators_network = models.BooleanField(_("membre du réseau des innovateurs"), default=False)

    class Visibility(models.TextChoices):
        ALL = "all", _("Tous les agents connectés")
        COMMUNITIES = "communities", _("Les membres d'une communauté que nous partageons")
        NOBODY = "nobody", _("Personne")

    phone_visibility = models.CharField(
        _("qui voit mon téléphone"),
        max_length=12,
        choices=Visibility.choices,
        default=Visibility.COMMUNITIES,
    )
    email_visibility = models.CharField(
        _("qui voit mon adresse électronique"),
        max_length=12,
        choices=Visibility.choices,
        default=Visibility.ALL,
    )
    # Lower-cased, accent-free text of the searchable fields, kept by save() and the skill
    # services: the database search backend matches "eleve" with "élève" on every engine.
    search_text = models.TextField(default="", blank=True, editable=False)
    # The facets' tags the database search counts ("region:<code>", "skill:<tag id>",
    # "community:<slug>"…), kept by ``directory.facet_tags`` and never written by ``save()``.
    facet_tags = models.JSONField(default=list, blank=True, editable=False)

    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.AGENT)
    sgar_region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sgar_officers",
        verbose_name=_("région suivie (SGAR)"),
    )
    is_external = models.BooleanField(
        _("utilisateur externe"),
        default=False,
        help_text=_(
            "Partenaire hors de l'administration territoriale de l'État, invité dans une "
            "communauté : il n'accède qu'aux communautés où il a été invité."
        ),
    )
    is_staff = models.BooleanField(_("accès au back-office"), default=False)
    is_active = models.BooleanField(_("actif"), default=True)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)
    closed_at = models.DateTimeField(_("compte fermé le"), null=True, blank=True)
    # Kept by notifications.services so that the bell of every page costs no query.
    notifications_unread = models.PositiveIntegerField(default=0, editable=False)

    objects = AgentManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("agent")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="sgar") | models.Q(sgar_region__isnull=False),
                name="sgar_officer_has_region",
            )
        ]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        # Platform administrators work in the Wagtail back-office; nobody else does.
        self.is_staff = self.role == self.Role.ADMIN or self.is_superuser
        if self.role != self.Role.SGAR:
            self.sgar_region = None
        if not self._state.adding and kwargs.get("update_fields") is None:
            # Every field read but the facets' tags, which ``directory.facet_tags`` alone
            # writes: an agent read before its skills or memberships changed would put its
            # old tags back.
            kwargs["update_fields"] = [
                field.attname
                for field in self._meta.concrete_fields
                if not field.primary_key
                and field.attname != "facet_tags"
                and field.attname in self.__dict__
            ]
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "role" in update_fields:
            from directory.roles import sync_platform_admin_group

            # Whatever path set the role (back-office, Django admin, a script), the back-office
            # permissions follow it.
            sync_platform_admin_group(self)

    @property
    def is_closed(self):
        return self.closed_at is not None

    @property
    def display_name(self):
        if self.is_closed:
            return str(_("ancien agent"))
        return f"{self.first_name} {self.last_name}".strip() or self.email

    def get_full_name(self):
        return self.display_name

    def get_short_name(self):
        return self.first_name

    @property
    def initials(self):
        if self.is_closed:
            return "?"
        return f"{self.first_name[:1]}{self.last_name[:1]}".upper()

    @property
    def is_platform_admin(self):
        return self.role == self.Role.ADMIN or self.is_superuser

    @property
    def is_sgar_officer(self):
        return self.role == self.Role.SGAR

    def get_absolute_url(self):
        return reverse("directory:profile", args=[self.pk])

    @property
    def photo_url(self):
        if not self.photo:
            return ""
        return (
            reverse("directory:photo", args=[self.pk]) + f"?v={self.photo.name.rsplit('/', 1)[-1]}"
        )


def email_domain_allowed(email, allowed_domains=None):
    """True when the address belongs to an allowed domain or one of its sub-domains."""
    allowed = settings.SIGNUP_ALLOWED_DOMAINS if allowed_domains is None else allowed_domains
    domain = email.rsplit("@", 1)[-1].strip().lower()
    return any(domain == d.lower() or domain.endswith("." + d.lower()) for d in allowed)


class CareerEntry(models.Model):
    """A previous (or current) position of an agent: their career path."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="career")
    title = models.CharField(_("fonction"), max_length=200)
    service = models.ForeignKey(
        Service,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service"),
    )
    organisation = models.CharField(
        _("organisme (hors annuaire)"),
        max_length=200,
        blank=True,
        help_text=_("Si le service n'est pas dans l'annuaire."),
    )
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"), null=True, blank=True, help_text=_("Vide si en cours."))

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("étape de parcours")

    def __str__(self):
        return f"{self.title} ({self.start_date:%Y})"

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("La fin précède le début.")})


class Endorsement(models.Model):
    """An agent vouches for another's skill, once per skill (and may withdraw it)."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="endorsements_received")
    tag = models.ForeignKey("taggit.Tag", on_delete=models.CASCADE, related_name="+")
    endorser = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="endorsements_given")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agent", "tag", "endorser"], name="one_endorsement"),
            models.CheckConstraint(
                condition=~models.Q(agent=models.F("endorser")), name="no_self_endorsement"
            ),
        ]
        indexes = [models.Index(fields=["tag", "agent"])]

    def __str__(self):
        return f"{self.endorser} → {self.agent} : {self.tag}"


class HiddenSuggestion(models.Model):
    """A « whom to meet » suggestion the agent chose not to see again."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="hidden_suggestions")
    hidden = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agent", "hidden"], name="one_hidden_suggestion")
        ]

    def __str__(self):
        return f"{self.agent} ✕ {self.hidden}"
