"""E-mail: one background task sends every message, one helper renders the French templated ones.

A message is rendered in the request or the task that decides to send it, and handed to the
``send_email`` task (Django's tasks API): an SMTP server that is slow or down never delays a page
or fails a write. What must wait for a transaction to commit goes through
``maillage.effects.mail``, which calls ``send_templated_mail`` on commit.

E-mails to agents about what happens on the platform go through the notification kinds (their
preferences, their unsubscribe link); this module is for the rest: account e-mails and
invitations of people who have no account yet.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string


@task
def send_email(*, subject, body, to, html=None, from_email=None, headers=None):
    """Send one e-mail outside the request: an SMTP server that is slow never delays a page."""
    message = EmailMultiAlternatives(subject, body, from_email, to, headers=headers or None)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


def send_templated_mail(*, to, template, context, request=None, subject=None, headers=None):
    """Queue a French e-mail in text and HTML from ``<template>.txt`` and ``<template>.html``,
    its subject from ``<template>_subject.txt`` unless ``subject`` is given. Links are built on
    ``site_url``: the request's own address when there is one, ``settings.SITE_URL`` otherwise."""
    context = {"site_url": settings.SITE_URL, **context}
    if request is not None:
        context["site_url"] = request.build_absolute_uri("/").rstrip("/")
    if subject is None:
        subject = render_to_string(f"{template}_subject.txt", context).strip()
    send_email.enqueue(
        subject=settings.EMAIL_SUBJECT_PREFIX + subject,
        body=render_to_string(f"{template}.txt", context),
        html=render_to_string(f"{template}.html", context),
        to=[to],
        headers=headers or None,
    )
