"""Back-office screens of the communities: the managed list of themes.

The charter template is a Wagtail setting (``CharterTemplate``), in the settings menu.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from communities.models import Theme


class ThemeViewSet(ModelViewSet):
    model = Theme
    icon = "tag"
    menu_label = _("Thématiques")
    menu_order = 320
    add_to_admin_menu = True
    list_display = ["name", "slug"]
    search_fields = ["name"]
    form_fields = ["name", "slug"]
    copy_view_enabled = False


@hooks.register("register_admin_viewset")
def register_theme_viewset():
    return ThemeViewSet("themes")
