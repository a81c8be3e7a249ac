"""The agent's account: signing in and out, signing up (with the e-mail confirmation), the
password (reset and change), the personal data archive and closing the account."""

from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from directory import services
from directory.forms import (
    CloseAccountForm,
    ConfirmSignUpForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    SignInForm,
    SignUpForm,
)
from directory.models import Agent
from directory.personal_data import registry
from directory.tokens import email_confirmation_token


class InvalidFormIs400:
    """A form sent back with errors answers 400, as every other form of the project (Django's
    auth views answer 200). django-axes's lockout page replaces the response in its middleware,
    whatever its status."""

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class SignInView(InvalidFormIs400, auth_views.LoginView):
    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class PasswordResetView(InvalidFormIs400, auth_views.PasswordResetView):
    form_class = PasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetConfirmView(InvalidFormIs400, auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    success_url = reverse_lazy("password_reset_complete")


class PasswordChangeView(InvalidFormIs400, auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    success_url = reverse_lazy("directory:account")

    def form_valid(self, form):
        messages.success(self.request, _("Votre mot de passe a été modifié."))
        return super().form_valid(form)


@sensitive_post_parameters("password1", "password2")
def sign_up(request):
    if request.user.is_authenticated:
        return redirect("/")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.agent_sign_up(form=form, request=request)
        request.session["signup_email"] = form.cleaned_data["email"]
        return redirect("signup_sent")
    return render(
        request,
        "registration/signup.html",
        {"form": form, "title": _("Inscription")},
        status=400 if form.errors else 200,
    )


def sign_up_sent(request):
    return render(
        request,
        "registration/signup_sent.html",
        {"email": request.session.get("signup_email", ""), "title": _("Vérifiez votre messagerie")},
    )


def sign_up_confirm(request, uidb64, token):
    try:
        agent = get_user_model().objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError, Agent.DoesNotExist):
        agent = None
    if agent is None or agent.is_closed or not email_confirmation_token.check_token(agent, token):
        return render(
            request,
            "registration/signup_invalid.html",
            {"title": _("Lien de confirmation invalide")},
            status=400,
        )
    form = ConfirmSignUpForm(agent, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.agent_confirm_email(agent=agent)
        login(request, agent, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("Votre adresse est confirmée : bienvenue sur Maillage ! Complétez votre profil."),
        )
        return redirect("directory:profile_edit", pk=agent.pk)
    return render(
        request,
        "registration/signup_confirm.html",
        {"form": form, "agent": agent, "title": _("Confirmer mon inscription")},
        status=400 if form.errors else 200,
    )


@login_required
def account(request):
    return render(
        request,
        "directory/account.html",
        {"title": _("Mon compte"), "sections": registry.section_names},
    )


# Personal data: no shared cache keeps it, nor the browser on disk (a shared computer).
PERSONAL_DATA = cache_control(private=True, no_store=True)


@PERSONAL_DATA
@login_required
def account_export(request):
    data = registry.build_archive(request.user)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="maillage-mes-donnees.zip"'
    return response


@login_required
@sensitive_post_parameters("password")
def account_close(request):
    form = CloseAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.agent_close_account(agent=request.user)
        logout(request)
        messages.success(
            request, _("Votre compte a été fermé. Merci d'avoir contribué à Maillage.")
        )
        return redirect("/")
    return render(
        request,
        "directory/account_close.html",
        {"form": form, "title": _("Fermer mon compte")},
        status=400 if form.errors else 200,
    )


@require_POST
def sign_out(request):
    logout(request)
    # Said on the sign-in page it lands on, in neutral French (session closed, not « déconnecté »).
    messages.success(request, _("Votre session est fermée : à bientôt sur Maillage."))
    return redirect(reverse("login"))
