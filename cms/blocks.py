"""The blocks staff compose editorial pages with in the Wagtail back-office, rendered in DSFR
markup (templates/cms/blocks/)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul"]


def validate_link(value):
    """An address of the platform (« /annuaire/ ») or of the web (https://…); nothing else
    (no « javascript: », no protocol-relative « //host »)."""
    if not value:
        return
    if value.startswith("/") and not value.startswith("//"):
        return
    if value.startswith(("https://", "http://")) and len(value) > len("https://"):
        return
    raise ValidationError(
        _("Indiquez une adresse du site (commençant par « / ») ou une adresse en https://.")
    )


class LinkMixin:
    """A block with an optional link: a page of the site or an address."""

    def clean(self, value):
        value = super().clean(value)
        if value.get("page") and value.get("url"):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "url": ValidationError(_("Choisissez une page ou une adresse, pas les deux."))
                }
            )
        return value


class LinkStructValue(blocks.StructValue):
    def href(self):
        page = self.get("page")
        if page is not None:
            return page.url
        return self.get("url") or ""


class CardBlock(LinkMixin, blocks.StructBlock):
    title = blocks.CharBlock(label=_("titre"), max_length=120)
    text = blocks.TextBlock(label=_("texte"), max_length=600)
    page = blocks.PageChooserBlock(label=_("lien vers une page du site"), required=False)
    url = blocks.CharBlock(
        label=_("ou lien vers une adresse"),
        required=False,
        max_length=500,
        validators=[validate_link],
        help_text=_("Une adresse du site (« /annuaire/ ») ou en https://."),
    )

    class Meta:
        label = _("carte")
        icon = "form"
        value_class = LinkStructValue


class CardsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("titre de la rangée (facultatif)"), required=False)
    cards = blocks.ListBlock(CardBlock(), label=_("cartes"), min_num=1, max_num=6)

    class Meta:
        label = _("rangée de cartes")
        icon = "table"
        template = "cms/blocks/cards.html"


class CalloutBlock(LinkMixin, blocks.StructBlock):
    title = blocks.CharBlock(label=_("titre"), max_length=120)
    text = blocks.TextBlock(label=_("texte"), max_length=1000)
    page = blocks.PageChooserBlock(label=_("bouton vers une page du site"), required=False)
    url = blocks.CharBlock(
        label=_("ou bouton vers une adresse"),
        required=False,
        max_length=500,
        validators=[validate_link],
    )
    link_label = blocks.CharBlock(label=_("texte du bouton"), required=False, max_length=80)

    class Meta:
        label = _("mise en avant")
        icon = "pick"
        template = "cms/blocks/callout.html"
        value_class = LinkStructValue


class BodyBlock(blocks.StreamBlock):
    """What an editorial page's body is made of."""

    heading = blocks.CharBlock(
        label=_("intertitre"),
        max_length=160,
        form_classname="title",
        template="cms/blocks/heading.html",
    )
    text = blocks.RichTextBlock(
        label=_("texte"), features=RICH_TEXT_FEATURES, template="cms/blocks/text.html"
    )
    cards = CardsBlock()
    callout = CalloutBlock()
