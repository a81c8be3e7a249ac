from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from maillage import views

lazy_static = lazy(static, str)

# Django's admin is for superusers only; staff use the Wagtail back-office.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser
admin.site.site_header = "Maillage — administration technique"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path(
        "favicon.ico",
        # Resolved at the first request, not at import: the manifest storage of production only
        # knows the hashed name once collectstatic has run, and `check` imports this module.
        RedirectView.as_view(url=lazy_static("dsfr/dist/favicon/favicon.ico"), permanent=True),
    ),
    path("admin/", admin.site.urls),
    path("cms-admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("communautes/", include("communities.urls")),
    path("communautes/", include("forums.urls")),
    path("communautes/", include("wiki.urls")),
    path("communautes/", include("documents.urls")),
    path("communautes/", include("ideas.urls")),
    path("messagerie/", include("chat.urls")),
    path("notifications/", include("notifications.urls")),
    path("recherche/", include("search.urls")),
    path("appels/", include("calls.urls")),
    path("", include("directory.urls")),
]

# Wagtail's page tree serves everything else, starting with the home page.
urlpatterns.append(path("", include(wagtail_urls)))

# The 500 page in the layout (Django's own renders templates/500.html without the request).
handler500 = "maillage.errors.server_error"
