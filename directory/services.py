"""Writes on agents: sign-up, confirmation, profile, endorsements, account closing."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from directory.models import Agent, Endorsement
from directory.permissions import can_view_profile
from directory.search_index import refresh_search_text
from directory.signals import agent_closed
from directory.tokens import email_confirmation_token
from maillage.french import de
from maillage.mail import send_templated_mail
from maillage.uploads import reencode_jpeg

logger = logging.getLogger(__name__)


def agent_sign_up(*, form, request):
    """Create an inactive agent from a valid sign-up form and send the confirmation link.

    An address that already has an account gets a message saying so (with the way to reset the
    password) rather than a second account; the visitor sees the same page either way.
    """
    email = form.cleaned_data["email"]
    existing = Agent.objects.filter(email__iexact=email).first()
    if existing is not None and existing.is_active:
        transaction.on_commit(
            lambda: send_templated_mail(
                to=existing.email,
                template="directory/email/signup_existing",
                context={"agent": existing},
                request=request,
            )
        )
        return existing
    with transaction.atomic():
        if existing is not None:  # signed up before but never confirmed: start again
            agent = existing
            for field in ("first_name", "last_name", "service", "position"):
                setattr(agent, field, form.cleaned_data[field])
        else:
            agent = form.save(commit=False)
        agent.is_active = False
        agent.set_password(form.cleaned_data["password1"])
        agent.save()
        link = request.build_absolute_uri(
            reverse(
                "signup_confirm",
                args=[
                    urlsafe_base64_encode(force_bytes(agent.pk)),
                    email_confirmation_token.make_token(agent),
                ],
            )
        )
        transaction.on_commit(
            lambda: send_templated_mail(
                to=agent.email,
                template="directory/email/signup_confirm",
                context={"agent": agent, "link": link},
                request=request,
            )
        )
    logger.info("agent signed up", extra={"agent_id": agent.pk})
    return agent


def agent_confirm_email(*, agent):
    """Activate an agent whose confirmation link was checked."""
    agent.is_active = True
    agent.save(update_fields=["is_active"])
    return agent


def agent_update_profile(*, agent, form, career=None):
    """Save a valid profile form (and its valid career formset, if given) in one transaction.

    A new photo is re-encoded and resized, the old one removed after commit. Skills taken off the
    profile lose their endorsements (``directory.receivers``); the search text is refreshed.
    """
    # The stored name, from the database: by now the form has already put the upload on the
    # instance, so agent.photo would name the new file, not the one to delete.
    old_photo = Agent.objects.filter(pk=agent.pk).values_list("photo", flat=True).first() or ""
    new_photo = form.cleaned_data.get("photo")
    with transaction.atomic():
        agent = form.save(commit=False)
        if form.cleaned_data.get("remove_photo"):
            agent.photo = ""
        elif new_photo and "photo" in form.changed_data:
            agent.photo.save(
                "photo.jpg",
                reencode_jpeg(
                    new_photo, max_dimension=settings.PHOTO_MAX_DIMENSION, name="photo.jpg"
                ),
                save=False,
            )
        agent.save()
        form.save_m2m()
        if career is not None:
            career.instance = agent
            career.save()
        refresh_search_text(agent)
    if old_photo and old_photo != (agent.photo.name if agent.photo else ""):
        storage = agent._meta.get_field("photo").storage
        transaction.on_commit(lambda: storage.delete(old_photo))
    return agent


# --- endorsements -------------------------------------------------------------------------------


def _check_may_endorse(*, agent, endorser, tag):
    if endorser.pk == agent.pk:
        raise ValidationError(_("Vous ne pouvez pas recommander vos propres compétences."))
    if not endorser.is_active or endorser.is_closed:
        raise ValidationError(_("Votre compte ne permet pas de recommander une compétence."))
    if agent.is_closed:
        raise ValidationError(
            _("Ce compte est fermé : ses compétences ne peuvent plus être recommandées.")
        )
    if not can_view_profile(endorser, agent):
        raise ValidationError(_("Vous ne pouvez pas recommander les compétences de cet agent."))
    if not agent.skills.filter(pk=tag.pk).exists():
        raise ValidationError(
            _("« %(skill)s » ne figure pas parmi les compétences %(of_name)s.")
            % {"skill": tag.name, "of_name": de(agent.display_name)}
        )


def skill_endorse(*, agent, endorser, tag):
    """``endorser`` recommends ``agent``'s skill ``tag``; returns the new ``Endorsement``.

    Raises ``ValidationError`` (French message) on self-endorsement, on a closed account on either
    side, when the endorser may not open the profile, when the agent does not have the skill, and
    when the endorser already recommended it — a second click and two racing requests alike: the
    unique constraint decides.
    """
    _check_may_endorse(agent=agent, endorser=endorser, tag=tag)
    already = ValidationError(
        _("Vous avez déjà recommandé la compétence « %(skill)s ».") % {"skill": tag.name},
        code="already_endorsed",
    )
    # No « exists? » check first: the unique constraint answers, for a second click and for two
    # requests racing alike, and there is one code path to test.
    try:
        with transaction.atomic():
            endorsement = Endorsement.objects.create(agent=agent, tag=tag, endorser=endorser)
    except IntegrityError as exc:
        if Endorsement.objects.filter(agent=agent, tag=tag, endorser=endorser).exists():
            raise already from exc
        raise
    logger.info(
        "skill endorsed",
        extra={"agent_id": agent.pk, "endorser_id": endorser.pk, "tag_id": tag.pk},
    )
    return endorsement


def skill_endorsement_withdraw(*, agent, endorser, tag):
    """``endorser`` withdraws their recommendation of ``agent``'s skill ``tag``.

    Raises ``ValidationError`` when there was none (a second click, another tab).
    """
    deleted, _rows = Endorsement.objects.filter(agent=agent, tag=tag, endorser=endorser).delete()
    if not deleted:
        raise ValidationError(
            _("Vous n'aviez pas recommandé la compétence « %(skill)s ».") % {"skill": tag.name},
            code="not_endorsed",
        )
    logger.info(
        "skill endorsement withdrawn",
        extra={"agent_id": agent.pk, "endorser_id": endorser.pk, "tag_id": tag.pk},
    )


def agent_close_account(*, agent):
    """Close an account: personal data erased, contributions kept under « ancien agent »."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    photo = agent.photo.name if agent.photo else ""
    with transaction.atomic():
        # The sign-in history is kept under the address (it is part of the personal-data export).
        for model in (AccessLog, AccessAttempt, AccessFailureLog):
            model.objects.filter(username__iexact=agent.email).delete()
        agent.email = f"ancien-agent-{agent.pk}@invalid.maillage"
        agent.first_name = ""
        agent.last_name = ""
        agent.phone = ""
        agent.bio = ""
        agent.position = ""
        agent.photo = ""
        agent.is_active = False
        agent.role = Agent.Role.AGENT
        agent.is_superuser = False
        agent.closed_at = timezone.now()
        agent.set_unusable_password()
        agent.save()
        agent.skills.clear()
        agent.expertise.clear()
        agent.interests.clear()
        agent.languages.clear()
        agent.career.all().delete()
        # Closed accounts neither endorse nor are endorsed (the received ones went with the
        # skills, see directory.receivers).
        Endorsement.objects.filter(Q(endorser=agent) | Q(agent=agent)).delete()
        agent.open_to_mentoring = agent.seeking_mobility = agent.innovators_network = False
        agent.save(update_fields=["open_to_mentoring", "seeking_mobility", "innovators_network"])
        refresh_search_text(agent)
        agent_closed.send(sender=Agent, agent=agent)
    if photo:
        storage = agent._meta.get_field("photo").storage
        transaction.on_commit(lambda: storage.delete(photo))
    logger.info("agent account closed", extra={"agent_id": agent.pk})
    return agent


def agent_set_role(*, agent, role, sgar_region=None):
    """Give an agent a role; platform administrators get the Wagtail back-office (on save)."""
    agent.role = role
    agent.sgar_region = sgar_region if role == Agent.Role.SGAR else None
    agent.save()
    return agent
