"""Signing out and closing one's account end with a confirmation in a DSFR alert on the page
they land on (issue 13, item 11)."""

import re
from html import unescape

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def alerts(html):
    return [
        (kind, unescape(re.sub(r"<[^>]+>", "", body)).strip())
        for kind, body in re.findall(
            r'class="fr-alert fr-alert--sm fr-alert--(\w+)[^"]*">(.*?)</div>', html, re.S
        )
    ]


def test_sign_out_confirms_on_the_sign_in_page(agent_client):
    """« Se déconnecter » lands on the sign-in page with a success alert."""
    response = agent_client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert ("success", "Votre session est fermée : à bientôt sur Maillage.") in alerts(
        response.content.decode()
    )
    assert "_auth_user_id" not in agent_client.session


def test_account_closure_confirms_on_the_home_page(client, agent, password):
    """Closing the account lands on the home page with a success alert."""
    client.force_login(agent)
    response = client.post("/compte/fermer/", {"password": password, "confirm": "on"}, follow=True)
    assert response.redirect_chain, response.content.decode()[:2000]
    assert (
        "success",
        "Votre compte a été fermé. Merci d'avoir contribué à Maillage.",
    ) in alerts(response.content.decode())
