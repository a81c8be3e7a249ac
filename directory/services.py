"""Writes on agents: sign-up, confirmation, profile, account closing."""

import io
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from PIL import Image, ImageOps

from directory.models import Agent
from directory.search_index import refresh_search_text
from directory.signals import agent_closed
from directory.tokens import email_confirmation_token
from maillage.tasks import send_email

logger = logging.getLogger(__name__)


def send_templated_mail(*, to, template, context, request=None):
    """Queue a French e-mail in text and HTML from ``<template>_subject.txt/.txt/.html``."""
    context = {"site_url": settings.SITE_URL, **context}
    if request is not None:
        context["site_url"] = request.build_absolute_uri("/").rstrip("/")
    subject = render_to_string(f"{template}_subject.txt", context).strip()
    send_email.enqueue(
        subject=settings.EMAIL_SUBJECT_PREFIX + subject,
        body=render_to_string(f"{template}.txt", context),
        html=render_to_string(f"{template}.html", context),
        to=[to],
    )


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


def resize_photo(uploaded):
    """Return the photo as a JPEG no larger than the configured box, EXIF orientation applied."""
    uploaded.seek(0)
    with Image.open(uploaded) as image:
        image = ImageOps.exif_transpose(image)
        image = image.convert("RGB")
        image.thumbnail((settings.PHOTO_MAX_DIMENSION, settings.PHOTO_MAX_DIMENSION))
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=85, optimize=True)
    return ContentFile(buffer.getvalue(), name="photo.jpg")


def agent_update_profile(*, agent, form):
    """Save a valid profile form; a new photo is re-encoded and resized, the old one removed."""
    # The stored name, from the database: by now the form has already put the upload on the
    # instance, so agent.photo would name the new file, not the one to delete.
    old_photo = Agent.objects.filter(pk=agent.pk).values_list("photo", flat=True).first() or ""
    new_photo = form.cleaned_data.get("photo")
    with transaction.atomic():
        agent = form.save(commit=False)
        if form.cleaned_data.get("remove_photo"):
            agent.photo = ""
        elif new_photo and "photo" in form.changed_data:
            agent.photo.save("photo.jpg", resize_photo(new_photo), save=False)
        agent.save()
        form.save_m2m()
        refresh_search_text(agent)
    if old_photo and old_photo != (agent.photo.name if agent.photo else ""):
        storage = agent._meta.get_field("photo").storage
        transaction.on_commit(lambda: storage.delete(old_photo))
    return agent


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
