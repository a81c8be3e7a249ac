"""Forms of the browsing page and of the community settings (creation and edition)."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image

from communities.models import Community, Theme
from communities.tools import installed_tools
from directory.models import Agent, Department, Ministry, Region
from maillage.forms import DsfrFormMixin
from maillage.uploads import check_image_upload, reencode_jpeg

IMAGE_MAX_DIMENSION = 1200
MAX_ANIMATOR_ADDRESSES = 20


class CommunityFilterForm(DsfrFormMixin, forms.Form):
    """The browsing page's filters. Every field is optional; a wrong value is ignored."""

    q = forms.CharField(label=_("Rechercher"), required=False, max_length=100)
    theme = forms.ChoiceField(label=_("Thématique"), required=False)
    region = forms.ChoiceField(label=_("Région"), required=False)
    department = forms.ChoiceField(label=_("Département"), required=False)
    ministry = forms.ChoiceField(label=_("Ministère"), required=False)
    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("Tous les types")), *Community.Kind.choices],
    )
    mine = forms.BooleanField(label=_("Mes communautés seulement"), required=False)
    # Platform administrators only (removed for the others): the archived communities, to restore.
    archived = forms.BooleanField(label=_("Archivées"), required=False)

    FILTERS = ("q", "theme", "region", "department", "ministry", "kind", "mine", "archived")

    def __init__(self, *args, show_archived=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_archived:
            del self.fields["archived"]
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs["placeholder"] = _("Nom, description, objectif…")
        self.fields["theme"].choices = [("", _("Toutes les thématiques"))] + list(
            Theme.objects.values_list("slug", "name")
        )
        self.fields["region"].choices = [("", _("Toutes les régions"))] + list(
            Region.objects.values_list("code", "name")
        )
        self.fields["department"].choices = [("", _("Tous les départements"))] + [
            (code, f"{name} ({code})")
            for code, name in Department.objects.values_list("code", "name")
        ]
        self.fields["ministry"].choices = [("", _("Tous les ministères"))] + list(
            Ministry.objects.values_list("code", "short_name")
        )

    def filters(self):
        """The valid filters, as keyword arguments of ``selectors.community_list``."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        values = {name: cleaned.get(name) for name in self.FILTERS if name not in self.errors}
        values["q"] = (values.get("q") or "").strip()
        values["mine"] = bool(values.get("mine"))
        values["archived"] = bool(values.get("archived"))
        return {name: value for name, value in values.items() if value}


class CommunityForm(DsfrFormMixin, forms.ModelForm):
    """The animators' settings of a community (and, with the animators, the creation form)."""

    tools = forms.MultipleChoiceField(
        label=_("Outils de la communauté"),
        choices=(),  # the installed tools (``communities.tools``), set per form
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Un outil désactivé disparaît des pages de la communauté."),
    )

    FIELDSETS = [
        (_("Présentation"), ["name", "description", "objective", "kind", "themes", "image"]),
        (_("Animation"), ["animators"]),
        (_("Visibilité et adhésion"), ["visibility"]),
        (_("Territoire et ministères"), ["scope", "region", "department", "ministries"]),
        (_("Outils"), ["tools"]),
    ]

    class Meta:
        model = Community
        fields = [
            "name",
            "description",
            "objective",
            "kind",
            "themes",
            "visibility",
            "scope",
            "region",
            "department",
            "ministries",
            "image",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "objective": forms.Textarea(attrs={"rows": 3}),
            "themes": forms.CheckboxSelectMultiple,
            "ministries": forms.CheckboxSelectMultiple,
            "visibility": forms.RadioSelect,
        }
        help_texts = {
            "description": _(
                "Présentez la communauté : son public, ses sujets. Mise en forme Markdown "
                "possible (**gras**, listes, liens)."
            ),
            "objective": _("Obligatoire : ce que la communauté cherche à accomplir ensemble."),
            "ministries": _("Plusieurs ministères : la communauté est interministérielle."),
            "region": _("Obligatoire pour une communauté régionale."),
            "department": _(
                "Obligatoire pour une communauté départementale (la région en découle)."
            ),
            "image": _("JPEG, PNG ou WebP, %(size)s au plus."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].required = True
        self.fields["region"].empty_label = _("— Choisir une région —")
        self.fields["department"].empty_label = _("— Choisir un département —")
        self.fields["department"].queryset = Department.objects.order_by("code")
        self.fields["visibility"].choices = Community.Visibility.choices
        self.fields["visibility"].label = _("Qui voit la communauté, et comment la rejoindre")
        self.fields["tools"].choices = [(tool.key, tool.label) for tool in installed_tools()]
        self.fields["tools"].initial = [
            tool.key for tool in installed_tools() if self.instance.tool_enabled(tool.key)
        ]
        for name in ("themes", "ministries", "tools"):
            self.fields[name].widget.inline = True
        image_widget = forms.FileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp", "class": "fr-upload"}
        )
        image_widget.group_class = "fr-upload-group"
        self.fields["image"].widget = image_widget
        self.fields["image"].help_text = self.fields["image"].help_text % {
            "size": filesizeformat(settings.PHOTO_MAX_UPLOAD_BYTES)
        }

    def fieldsets(self):
        """The form's fields grouped under their legends, for the template."""
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.FIELDSETS
            if any(name in self.fields for name in names)
        ]

    def clean_tools(self):
        tools = self.cleaned_data.get("tools") or []
        # Not model fields of the form: set on the instance, which the form then saves. A tool
        # that is not installed keeps its switch as it is.
        for tool in installed_tools():
            setattr(self.instance, f"tool_{tool.key}", tool.key in tools)
        return tools

    def clean_name(self):
        # One line: the name goes into e-mail subjects.
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError(_("Donnez un nom à la communauté."))
        return name

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if not image or image == self.initial.get("image"):
            return image
        check_image_upload(image, subject=_("L'image"))
        try:
            return reencode_jpeg(image, max_dimension=IMAGE_MAX_DIMENSION, name="image.jpg")
        except (OSError, ValueError, Image.DecompressionBombError) as error:
            raise ValidationError(_("Cette image n'a pas pu être lue."), code="invalid") from error

    def clean(self):
        cleaned = super().clean()
        scope = cleaned.get("scope")
        region, department = cleaned.get("region"), cleaned.get("department")
        if scope == Community.Scope.NATIONAL:
            cleaned["region"] = cleaned["department"] = None
        elif scope == Community.Scope.REGION:
            if region is None and "region" not in self.errors:
                self.add_error("region", _("Choisissez la région d'une communauté régionale."))
            cleaned["department"] = None
        elif scope == Community.Scope.DEPARTMENT:
            if department is None:
                if "department" not in self.errors:
                    self.add_error(
                        "department",
                        _("Choisissez le département d'une communauté départementale."),
                    )
            else:
                cleaned["region"] = department.region
        return cleaned

    def community_fields(self):
        """The cleaned values the creation service takes as model fields."""
        fields = {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name not in ("themes", "ministries")
        }
        for tool in installed_tools():
            fields[f"tool_{tool.key}"] = tool.key in self.cleaned_data["tools"]
        return fields


class CommunityCreateForm(CommunityForm):
    """Creation by a platform administrator: the settings plus the first animators."""

    animators = forms.CharField(
        label=_("Animation"),
        required=False,
        # MAX_ANIMATOR_ADDRESSES addresses of at most 254 characters each, and their separators.
        max_length=MAX_ANIMATOR_ADDRESSES * 256,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "prenom.nom@ministere.gouv.fr"}),
        help_text=_(
            "Les adresses électroniques des agents qui animeront la communauté, une par ligne "
            "(ou séparées par des virgules). Vide : vous l'animez vous-même."
        ),
    )

    field_order = ["name", "description", "objective", "kind", "animators"]

    def clean_animators(self):
        raw = self.cleaned_data.get("animators", "")
        addresses = []
        for chunk in raw.replace(",", "\n").replace(";", "\n").splitlines():
            address = chunk.strip().lower()
            if address and address not in addresses:
                addresses.append(address)
        if len(addresses) > MAX_ANIMATOR_ADDRESSES:
            raise ValidationError(
                _("%(max)s animateurs au plus à la création.") % {"max": MAX_ANIMATOR_ADDRESSES}
            )
        too_long = [address for address in addresses if len(address) > 254]
        if too_long:
            raise ValidationError(
                _("Une adresse électronique compte 254 caractères au plus."), code="too_long"
            )
        lookup = Q(pk__in=[])
        for address in addresses:
            lookup |= Q(email__iexact=address)
        agents = {
            agent.email.lower(): agent
            for agent in Agent.objects.filter(
                lookup, is_active=True, closed_at__isnull=True, is_external=False
            )
        }
        unknown = [address for address in addresses if address not in agents]
        if unknown:
            raise ValidationError(
                _("Aucun agent actif n'a ces adresses : %(addresses)s.")
                % {"addresses": ", ".join(unknown)},
                code="unknown_agent",
            )
        return [agents[address] for address in addresses]
