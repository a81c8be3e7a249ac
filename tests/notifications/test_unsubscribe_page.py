"""The unsubscribe page of the e-mails' links: it works without signing in, GET only asks to
confirm, the POST (the button, or the mail client's one-click « List-Unsubscribe-Post » without
any CSRF token) stops those e-mails and keeps the notifications in the app; a tampered or invalid
token is a clear French page with status 400, never a 500."""

from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from notifications import services
from notifications.models import Email, Preference

pytestmark = pytest.mark.django_db


def text(response):
    return unescape(response.content.decode())


def url(agent, kind):
    return reverse("notifications:unsubscribe", args=[services.unsubscribe_token(agent, kind)])


@pytest.fixture
def csrf_client():
    """A client that checks CSRF tokens, as a real browser or mail client meets them."""
    return Client(enforce_csrf_checks=True)


def email_of(agent, kind):
    return services.preferences_of([agent.pk], kind)[agent.pk]


def test_get_without_signing_in_names_the_kind_and_changes_nothing(client, agent):
    """GET shows « Ne plus recevoir par e-mail : Annonces » and a « Me désabonner » button only."""
    link = url(agent, "announcement")
    response = client.get(link)
    assert response.status_code == 200
    page = text(response)
    assert "Ne plus recevoir par e-mail : Annonces" in page
    assert "Me désabonner" in page
    assert f'<form method="post" action="{link}">' in page
    assert not Preference.objects.exists()


def test_get_keeps_the_token_out_of_referers(client, agent):
    """The page's links do not leak the token to other sites."""
    response = client.get(url(agent, "announcement"))
    assert response["Referrer-Policy"] == "no-referrer"
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_post_without_csrf_token_unsubscribes(csrf_client, agent):
    """The button's POST, without a CSRF token nor a session, stops the e-mails of that kind."""
    Preference.objects.create(agent=agent, kind="announcement", in_app=True, email=Email.DAILY)
    response = csrf_client.post(url(agent, "announcement"))
    assert response.status_code == 200
    page = text(response)
    done = "Vous ne recevrez plus ces e-mails. Les notifications restent visibles dans Maillage."
    assert done in page
    assert f'href="{reverse("notifications:preferences")}"' in page
    assert email_of(agent, "announcement") == (True, Email.NONE)


def test_one_click_unsubscribe_of_mail_clients(csrf_client, agent):
    """RFC 8058's one-click POST (``List-Unsubscribe=One-Click``) unsubscribes too."""
    response = csrf_client.post(
        url(agent, "mention"),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert email_of(agent, "mention") == (True, Email.NONE)


def test_unsubscribing_keeps_the_in_app_choice(csrf_client, agent):
    """Only the e-mails stop: an agent who hid the kind in the app keeps it hidden."""
    Preference.objects.create(agent=agent, kind="report", in_app=False, email=Email.IMMEDIATE)
    csrf_client.post(url(agent, "report"))
    assert email_of(agent, "report") == (False, Email.NONE)


def test_unsubscribing_touches_only_that_agent_and_that_kind(csrf_client, agent, other_agent):
    """The other kinds and the other agents keep their e-mails."""
    csrf_client.post(url(agent, "announcement"))
    assert email_of(agent, "mention") == (True, Email.IMMEDIATE)
    assert email_of(other_agent, "announcement") == (True, Email.WEEKLY)


def test_posting_twice_is_harmless(csrf_client, agent):
    """A second POST (a double click, a retried one-click) confirms again."""
    link = url(agent, "announcement")
    csrf_client.post(link)
    response = csrf_client.post(link)
    assert response.status_code == 200
    assert email_of(agent, "announcement") == (True, Email.NONE)


def test_digest_link_names_the_digest_and_stops_it(csrf_client, agent):
    """A weekly digest's link names the digest and stops every kind it carried."""
    Preference.objects.create(agent=agent, kind="mention", in_app=True, email=Email.DAILY)
    link = url(agent, "digest-weekly")
    assert "Ne plus recevoir par e-mail : Résumé hebdomadaire de vos notifications" in text(
        csrf_client.get(link)
    )
    assert csrf_client.post(link).status_code == 200
    assert email_of(agent, "announcement") == (True, Email.NONE)
    assert email_of(agent, "mention") == (True, Email.DAILY)


def test_the_links_of_the_emails_lead_here(client, agent):
    """The address the e-mails carry (services) is this page's."""
    path = services._unsubscribe_path(agent, "announcement")
    assert client.get(path).status_code == 200


def test_a_signed_in_agent_may_use_the_link_too(agent_client, agent):
    """Being signed in changes nothing: the token decides."""
    assert agent_client.post(url(agent, "invitation")).status_code == 200
    assert email_of(agent, "invitation") == (True, Email.NONE)


@pytest.mark.parametrize("method", ["get", "post"])
def test_tampered_token_is_a_clear_400(csrf_client, agent, method):
    """A modified token answers 400 with a French explanation, and changes nothing."""
    token = services.unsubscribe_token(agent, "announcement")
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = getattr(csrf_client, method)(reverse("notifications:unsubscribe", args=[tampered]))
    assert response.status_code == 400
    assert "Ce lien de désabonnement n'est pas valide" in text(response)
    assert not Preference.objects.exists()


@pytest.mark.parametrize("token", ["x", "nimporte-quoi", "a:b:c", "." * 300, "é" * 10])
def test_garbage_tokens_are_a_400(client, token):
    """Any string in the address is a 400 page, never a 500."""
    response = client.get(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert "Ce lien de désabonnement n'est pas valide" in text(response)


def test_token_of_another_purpose_is_refused(client, agent):
    """A value signed for something else (another salt) is not an unsubscribe token."""
    from django.core import signing

    forged = signing.dumps({"a": agent.pk, "k": "announcement"}, compress=True)
    response = client.post(reverse("notifications:unsubscribe", args=[forged]))
    assert response.status_code == 400
    assert not Preference.objects.exists()


def test_token_of_an_unknown_kind_is_refused(client, agent):
    """A correctly signed token naming no kind is a 400."""
    response = client.get(url(agent, "telepathy"))
    assert response.status_code == 400


def test_token_of_a_deactivated_agent_is_refused(client, agent):
    """Once the account is deactivated, its links stop working (400)."""
    link = url(agent, "announcement")
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    assert client.get(link).status_code == 400


def test_other_methods_are_refused(client, agent):
    """PUT and DELETE answer 405."""
    link = url(agent, "announcement")
    assert client.put(link).status_code == 405
    assert client.delete(link).status_code == 405


def test_only_this_page_is_csrf_exempt(csrf_client, agent):
    """The signed-in pages still require a CSRF token."""
    csrf_client.force_login(agent)
    assert csrf_client.post(reverse("notifications:mark_all_read")).status_code == 403
    assert csrf_client.post(reverse("notifications:preferences")).status_code == 403
