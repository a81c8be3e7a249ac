from django.contrib.auth import views as auth_views
from django.urls import include, path

from directory import views

directory_patterns = [
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
