"""Editorial pages managed by staff in the Wagtail back-office (/cms-admin/)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BodyBlock


class HomePage(Page):
    """The site root: the platform's presentation for visitors, a dashboard for agents."""

    intro = models.CharField(
        _("accroche"),
        max_length=255,
        default="Le réseau social professionnel des agents de l'État dans les territoires.",
    )
    body = StreamField(
        BodyBlock(),
        verbose_name=_("présentation (visiteurs)"),
        blank=True,
        help_text=_(
            "Ce que voient les visiteurs sous l'accroche : textes, intertitres, cartes, mises en "
            "avant. Ne décrivez que ce que la plateforme offre aujourd'hui."
        ),
    )
    agent_message = RichTextField(
        _("message aux agents (tableau de bord)"),
        blank=True,
        features=["bold", "italic", "link"],
        help_text=_("Affiché en haut du tableau de bord des agents connectés."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("agent_message"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.LegalPage", "cms.CallPage"]
    max_count = 1

    class Meta:
        verbose_name = _("page d'accueil")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if request.user.is_authenticated:
            # The blocks the apps registered (maillage.registries.register_dashboard_block).
            from maillage.registries import dashboard_for

            context["dashboard"] = dashboard_for(request.user)
        return context

    def get_template(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return "cms/home_dashboard.html"
        return "cms/home_page.html"


class LegalPage(Page):
    """A page every visitor may read: the legal notice, the privacy notice, the accessibility
    statement (linked from the footer by their address)."""

    body = StreamField(BodyBlock(), verbose_name=_("contenu"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    template = "cms/legal_page.html"

    class Meta:
        verbose_name = _("page d'information")
        verbose_name_plural = _("pages d'information")


class CallPage(Page):
    """An editorial page presenting a call for projects: the staff's introduction, then the
    call's title, summary and next deadline, and the way to the call's own page where a dossier
    is prepared. An unpublished call shows nothing of itself here."""

    intro = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "link", "ul", "ol"]
    )
    call = models.ForeignKey(
        "calls.Call",
        on_delete=models.PROTECT,
        related_name="pages",
        verbose_name=_("appel à projets présenté"),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("call")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    template = "cms/call_page.html"

    class Meta:
        verbose_name = _("page d'un appel à projets")
        verbose_name_plural = _("pages d'appels à projets")

    def get_context(self, request, *args, **kwargs):
        from calls.views.calls import deadline_label, next_wave

        context = super().get_context(request, *args, **kwargs)
        call = self.call
        upcoming = next_wave(call) if call.is_published and not call.is_historic else None
        context["call"] = call
        context["next_deadline"] = deadline_label(upcoming) if upcoming else ""
        return context
