from django.contrib.auth import views as auth_views
from django.urls import include, path

from directory.views import account, organisation, profiles, search

directory_patterns = [
    # views/search.py — the smart directory's search (facets, htmx, CSV) and skill completion
    path("annuaire/", search.search, name="search"),
    path("annuaire/export.csv", search.search_export_csv, name="search_export"),
    path("annuaire/competences/", search.skill_autocomplete, name="skill_autocomplete"),
    # views/organisation.py — the organisation: services, regions, departments; suggestions
    path("annuaire/services/<slug:slug>/", organisation.service_page, name="service"),
    path("annuaire/regions/<slug:slug>/", organisation.region_page, name="region"),
    path("annuaire/departements/<slug:slug>/", organisation.department_page, name="department"),
    path("suggestions/<int:pk>/masquer/", organisation.suggestion_hide, name="suggestion_hide"),
    # views/profiles.py — profiles
    path("agents/<int:pk>/recommander/", profiles.endorse, name="endorse"),
    path("agents/<int:pk>/vcard.vcf", profiles.vcard, name="vcard"),
    path("agents/<int:pk>/", profiles.profile, name="profile"),
    path("agents/<int:pk>/modifier/", profiles.profile_edit, name="profile_edit"),
    path("agents/<int:pk>/photo/", profiles.photo, name="photo"),
    # views/account.py — the account
    path("compte/", account.account, name="account"),
    path("compte/mes-donnees.zip", account.account_export, name="account_export"),
    path("compte/fermer/", account.account_close, name="account_close"),
]

urlpatterns = [
    path("connexion/", account.SignInView.as_view(), name="login"),
    path("deconnexion/", account.sign_out, name="logout"),
    path("inscription/", account.sign_up, name="signup"),
    path("inscription/envoyee/", account.sign_up_sent, name="signup_sent"),
    path(
        "inscription/confirmer/<uidb64>/<token>/",
        account.sign_up_confirm,
        name="signup_confirm",
    ),
    path("mot-de-passe/oubli/", account.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/reinitialiser/<uidb64>/<token>/",
        account.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/reinitialise/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("mot-de-passe/changer/", account.PasswordChangeView.as_view(), name="password_change"),
    path("", include((directory_patterns, "directory"))),
]
