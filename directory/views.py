from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from communities import permissions as community_permissions
from communities.models import Membership
from directory import permissions, services
from directory.forms import (
    CloseAccountForm,
    ConfirmSignUpForm,
    PasswordChangeForm,
    PasswordResetForm,
    ProfileForm,
    SetPasswordForm,
    SignInForm,
    SignUpForm,
)
from directory.models import Agent
from directory.personal_data import registry
from directory.tokens import email_confirmation_token


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    success_url = reverse_lazy("password_reset_complete")


class PasswordChangeView(auth_views.PasswordChangeView):
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
    return render(request, "registration/signup.html", {"form": form, "title": _("Inscription")})


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
def profile(request, pk):
    agent = get_object_or_404(
        Agent.objects.select_related(
            "service__kind", "service__ministry", "service__region", "service__department"
        ),
        pk=pk,
    )
    if not permissions.can_view_profile(request.user, agent):
        raise Http404
    # The communities of the agent that the viewer may see, in one query.
    communities = (
        community_permissions.communities_visible_to(request.user)
        .filter(memberships__agent=agent, memberships__state=Membership.State.ACTIVE)
        .order_by("name")
    )
    return render(
        request,
        "directory/profile.html",
        {
            "agent": agent,
            "communities": communities,
            "skills": sorted(agent.skills.names(), key=str.lower),
            "can_edit": permissions.can_edit_profile(request.user, agent),
            "title": agent.display_name,
        },
    )


@login_required
def profile_edit(request, pk):
    agent = get_object_or_404(Agent, pk=pk)
    if not permissions.can_edit_profile(request.user, agent):
        raise PermissionDenied(
            _("Seul l'agent lui-même ou un administrateur peut modifier ce profil.")
        )
    form = ProfileForm(request.POST or None, request.FILES or None, instance=agent)
    if request.method == "POST":
        if form.is_valid():
            services.agent_update_profile(agent=agent, form=form)
            messages.success(request, _("Le profil a été enregistré."))
            return redirect(agent.get_absolute_url())
        messages.error(
            request, _("Le profil n'a pas été enregistré : corrigez les erreurs signalées.")
        )
        agent.refresh_from_db()
    return render(
        request,
        "directory/profile_edit.html",
        {"form": form, "agent": agent, "title": _("Modifier le profil")},
        status=400 if form.errors else 200,
    )


@login_required
def photo(request, pk):
    agent = get_object_or_404(Agent, pk=pk)
    if not agent.photo or not permissions.can_view_profile(request.user, agent):
        raise Http404
    response = FileResponse(agent.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response


@login_required
def account(request):
    return render(
        request,
        "directory/account.html",
        {"title": _("Mon compte"), "sections": registry.section_names},
    )


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
    messages.info(request, _("Vous êtes déconnecté."))
    return redirect(reverse("login"))


def endorse(request, *args, **kwargs):  # placeholder until implemented
    raise Http404


def vcard(request, *args, **kwargs):  # placeholder until implemented
    raise Http404
