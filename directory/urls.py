from django.contrib.auth import views as auth_views
from django.urls import include, path

from directory import views, views_org, views_search

directory_patterns = [
    # views_search.py — the smart directory's search (facets, htmx, CSV) and skill completion
    path("annuaire/", views_search.search, name="search"),
    path("annuaire/export.csv", views_search.search_export_csv, name="search_export"),
    path("annuaire/competences/", views_search.skill_autocomplete, name="skill_autocomplete"),
    # views_org.py — the organisation: services, regions, departments; suggestions
    path("annuaire/services/<slug:slug>/", views_org.service_page, name="service"),
    path("annuaire/regions/<slug:slug>/", views_org.region_page, name="region"),
    path("annuaire/departements/<slug:slug>/", views_org.department_page, name="department"),
    path("suggestions/<int:pk>/masquer/", views_org.suggestion_hide, name="suggestion_hide"),
    # views.py — profiles
    path("agents/<int:pk>/recommander/", views.endorse, name="endorse"),
    path("agents/<int:pk>/vcard.vcf", views.vcard, name="vcard"),
    path("agents/<int:pk>/", views.profile, name="profile"),
    path("agents/<int:pk>/modifier/", views.profile_edit, name="profile_edit"),
    path("agents/<int:pk>/photo/", views.photo, name="photo"),
    path("compte/", views.account, name="account"),
    path("compte/mes-donnees.zip", views.account_export, name="account_export"),
    path("compte/fermer/", views.account_close, name="account_close"),
]

urlpatterns = [
    path("connexion/", views.SignInView.as_view(), name="login"),
    path("deconnexion/", views.sign_out, name="logout"),
    path("inscription/", views.sign_up, name="signup"),
    path("inscription/envoyee/", views.sign_up_sent, name="signup_sent"),
    path(
        "inscription/confirmer/<uidb64>/<token>/",
        views.sign_up_confirm,
        name="signup_confirm",
    ),
    path("mot-de-passe/oubli/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/reinitialiser/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/reinitialise/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("mot-de-passe/changer/", views.PasswordChangeView.as_view(), name="password_change"),
    path("", include((directory_patterns, "directory"))),
]
