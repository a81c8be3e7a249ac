from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordMixin
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagField, TagWidget

from directory.models import Agent, CareerEntry, Service, email_domain_allowed
from maillage.forms import DsfrFormMixin
from maillage.mail import send_email
from maillage.uploads import check_image_upload


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        territory = obj.department or obj.region
        return f"{obj.short_name} — {obj.name} ({territory.name})"


def service_field(**kwargs):
    kwargs = {
        "required": False,
        "label": _("Service"),
        "empty_label": _("— Choisir mon service —"),
        **kwargs,
    }
    return ServiceChoiceField(
        queryset=Service.objects.select_related("region", "department").order_by(
            "region__name", "department__code", "short_name"
        ),
        **kwargs,
    )


class SignInForm(DsfrFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Adresse électronique ou mot de passe incorrect. Vérifiez votre saisie ; après "
            "plusieurs échecs, la connexion est suspendue pendant quelques minutes."
        ),
        "inactive": _(
            "Ce compte n'est pas encore actif : ouvrez le lien de confirmation reçu par "
            "courriel à l'inscription."
        ),
    }

    def clean(self):
        try:
            return super().clean()
        except ValidationError as error:
            # The authentication backend refuses inactive accounts like wrong passwords; tell the
            # person who typed the right password of an unconfirmed account what to do instead.
            email, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
            agent = Agent.objects.filter(email__iexact=email or "").first()
            if (
                agent is not None
                and not agent.is_active
                and not agent.is_closed
                and password
                and agent.check_password(password)
            ):
                raise ValidationError(self.error_messages["inactive"], code="inactive") from error
            raise

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Adresse électronique")
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "type": "email"})
        self.fields["password"].label = _("Mot de passe")


class ConfirmSignUpForm(DsfrFormMixin, forms.Form):
    """The confirmation link alone is not enough: the password chosen at sign-up is asked too, so
    that someone who signed up with another person's address cannot have them activate it."""

    password = forms.CharField(
        label=_("Le mot de passe choisi à l'inscription"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, agent, *args, **kwargs):
        self.agent = agent
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.agent.check_password(password):
            raise ValidationError(
                _(
                    "Ce n'est pas le mot de passe choisi à l'inscription. Si vous ne vous êtes pas "
                    "inscrit vous-même, inscrivez-vous à nouveau avec votre adresse."
                )
            )
        return password


class SignUpForm(DsfrFormMixin, SetPasswordMixin, forms.ModelForm):
    """Self sign-up, open to the allowed e-mail domains only."""

    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("Mot de passe"), label2=_("Confirmation du mot de passe")
    )
    service = service_field()

    class Meta:
        model = Agent
        fields = ["email", "first_name", "last_name", "service", "position"]
        labels = {"email": _("Adresse électronique professionnelle")}
        help_texts = {
            "email": _(
                "Une adresse en gouv.fr (ou d'un domaine autorisé) : un lien de "
                "confirmation y sera envoyé."
            ),
        }

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if not email_domain_allowed(email):
            domains = ", ".join(settings.SIGNUP_ALLOWED_DOMAINS)
            raise ValidationError(
                _(
                    "L'inscription est réservée aux adresses des domaines : %(domains)s "
                    "(et de leurs sous-domaines)."
                )
                % {"domains": domains},
                code="domain_not_allowed",
            )
        return email

    def validate_unique(self):
        # An address already known is handled by the sign-up service without telling a
        # stranger that the account exists.
        pass

    def clean(self):
        cleaned = super().clean()
        self.validate_passwords()
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        self.validate_password_for_user(self.instance)


MAX_TAGS = 30
MAX_TAG_LENGTH = 100  # taggit's Tag.name


class TagListField(TagField):
    """A comma-separated tag list (skills, expertise, interests, languages): at most 30 tags of at
    most 100 characters each; duplicates (whatever the case) are dropped."""

    def __init__(self, *args, max_tags=MAX_TAGS, **kwargs):
        self.max_tags = max_tags
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        names, seen = [], set()
        for name in super().clean(value):
            if name.lower() not in seen:
                seen.add(name.lower())
                names.append(name)
        too_long = [name for name in names if len(name) > MAX_TAG_LENGTH]
        if too_long:
            raise ValidationError(
                _("« %(start)s… » est trop long : %(max)d caractères au plus par élément.")
                % {"start": too_long[0][:30], "max": MAX_TAG_LENGTH},
                code="tag_too_long",
            )
        if len(names) > self.max_tags:
            raise ValidationError(
                _("%(max)d éléments au plus : vous en avez saisi %(count)d.")
                % {"max": self.max_tags, "count": len(names)},
                code="too_many_tags",
            )
        return names


def tag_list_field(label, help_text, **attrs):
    return TagListField(
        label=label,
        help_text=help_text,
        widget=TagWidget(attrs={"autocomplete": "off", **attrs}),
    )


SKILL_SUGGESTIONS_ID = "skill-suggestions"


class ProfileForm(DsfrFormMixin, forms.ModelForm):
    service = service_field()
    remove_photo = forms.BooleanField(label=_("Supprimer ma photo"), required=False)
    skills = tag_list_field(
        _("Compétences"),
        _(
            "Séparées par des virgules, par exemple : urbanisme, droit des sols. "
            "30 au plus ; vos collègues pourront les recommander."
        ),
        list=SKILL_SUGGESTIONS_ID,
    )
    expertise = tag_list_field(
        _("Je peux aider sur…"),
        _(
            "Les sujets sur lesquels des collègues peuvent vous solliciter, séparés par des "
            "virgules, par exemple : marchés publics, instruction des dossiers FEDER."
        ),
    )
    interests = tag_list_field(
        _("Centres d'intérêt"),
        _("Séparés par des virgules, par exemple : transition écologique, numérique."),
    )
    languages = tag_list_field(
        _("Langues"), _("Séparées par des virgules, par exemple : anglais, breton, LSF.")
    )

    class Meta:
        model = Agent
        fields = [
            "first_name",
            "last_name",
            "service",
            "position",
            "phone",
            "phone_visibility",
            "email_visibility",
            "bio",
            "skills",
            "expertise",
            "interests",
            "languages",
            "open_to_mentoring",
            "seeking_mobility",
            "innovators_network",
            "photo",
        ]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 5}),
            "phone_visibility": forms.RadioSelect,
            "email_visibility": forms.RadioSelect,
        }
        labels = {
            "phone_visibility": _("Qui voit mon numéro de téléphone ?"),
            "email_visibility": _("Qui voit mon adresse électronique ?"),
            "open_to_mentoring": _("Je suis ouvert au mentorat"),
            "seeking_mobility": _("Je suis en recherche de mobilité"),
            "innovators_network": _("Je suis membre du réseau des innovateurs"),
        }
        help_texts = {
            "phone": _("Format libre, par exemple 02 99 00 00 00."),
            "phone_visibility": _(
                "Vous-même et les administrateurs de la plateforme le voient toujours."
            ),
            "email_visibility": _(
                "Vous-même et les administrateurs de la plateforme la voient toujours."
            ),
            "bio": _("Quelques lignes sur vos missions et ce sur quoi vous pouvez aider."),
            "open_to_mentoring": _(
                "Affiché sur votre profil : des collègues pourront vous demander de les "
                "accompagner (prise de poste, nouvelles missions)."
            ),
            "seeking_mobility": _(
                "Affiché sur votre profil, que consultent tous les agents connectés, y compris "
                "ceux de votre service. Ne cochez que si vous souhaitez que cela se sache."
            ),
            "innovators_network": _(
                "Affiché sur votre profil : vous participez au réseau des innovateurs publics "
                "et acceptez d'être sollicité à ce titre."
            ),
            "photo": _("JPEG, PNG ou WebP, %(size)s au plus. Elle sera recadrée à 512 pixels."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        photo_widget = forms.FileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp", "class": "fr-upload"}
        )
        photo_widget.group_class = "fr-upload-group"
        self.fields["photo"].widget = photo_widget
        if not self.instance.photo:
            del self.fields["remove_photo"]
        self.fields["photo"].help_text = self.fields["photo"].help_text % {
            "size": filesizeformat(settings.PHOTO_MAX_UPLOAD_BYTES)
        }

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not all(c.isdigit() or c in " +.-()" for c in phone):
            raise ValidationError(
                _(
                    "Un numéro de téléphone ne contient que des chiffres, "
                    "des espaces et les signes + . - ( )."
                )
            )
        return phone

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not photo or photo == self.initial.get("photo"):
            return photo
        check_image_upload(photo, subject=_("La photo"))
        return photo


MAX_CAREER_ENTRIES = 30


class CareerEntryForm(DsfrFormMixin, forms.ModelForm):
    """One step of the career path: a position in a service of the directory or elsewhere."""

    service = service_field(empty_label=_("— Hors annuaire —"))

    class Meta:
        model = CareerEntry
        fields = ["title", "service", "organisation", "start_date", "end_date"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {"end_date": _("Laissez vide pour le poste actuel.")}

    def __init__(self, *args, service_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].label = _("Intitulé du poste")
        self.fields["service"].label = _("Service (dans l'annuaire)")
        if service_choices is not None:
            # Computed once by the formset: one query for every row instead of one per row.
            self.fields["service"].choices = service_choices

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("service") and not (cleaned.get("organisation") or "").strip():
            self.add_error(
                "organisation",
                _("Choisissez un service de l'annuaire ou indiquez l'organisme."),
            )
        return cleaned


class BaseCareerFormSet(forms.BaseInlineFormSet):
    default_error_messages = {
        "too_many_forms": _("Le parcours compte %(num)d étapes au plus."),
        "missing_management_form": _(
            "Le formulaire du parcours est incomplet : rechargez la page et recommencez."
        ),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "career")
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Supprimer cette étape")

    @cached_property
    def service_choices(self):
        return list(service_field(empty_label=_("— Hors annuaire —")).choices)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "service_choices": self.service_choices}


CareerFormSet = forms.inlineformset_factory(
    Agent,
    CareerEntry,
    form=CareerEntryForm,
    formset=BaseCareerFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_CAREER_ENTRIES,
    validate_max=True,
    absolute_max=MAX_CAREER_ENTRIES + 10,
)


class CloseAccountForm(DsfrFormMixin, forms.Form):
    password = forms.CharField(
        label=_("Votre mot de passe, pour confirmer"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_(
            "Je comprends que mon compte sera fermé définitivement et que mes contributions "
            "resteront visibles sous le nom « ancien agent »."
        )
    )

    def __init__(self, agent, *args, **kwargs):
        self.agent = agent
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.agent.check_password(password):
            raise ValidationError(_("Mot de passe incorrect."))
        return password


class PasswordResetForm(DsfrFormMixin, auth_forms.PasswordResetForm):
    """Password reset whose e-mail is sent by a background task."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Adresse électronique")

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        send_email.enqueue(
            subject=settings.EMAIL_SUBJECT_PREFIX + subject,
            body=render_to_string(email_template_name, context),
            html=render_to_string(html_email_template_name, context)
            if html_email_template_name
            else None,
            to=[to_email],
            from_email=from_email,
        )


class SetPasswordForm(DsfrFormMixin, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(DsfrFormMixin, auth_forms.PasswordChangeForm):
    pass
