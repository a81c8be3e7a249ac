"""Background tasks shared by every app."""

from django.core.mail import EmailMultiAlternatives
from django.tasks import task


@task
def send_email(*, subject, body, to, html=None, from_email=None, headers=None):
    """Send one e-mail outside the request: an SMTP server that is slow never delays a page."""
    message = EmailMultiAlternatives(subject, body, from_email, to, headers=headers or None)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
