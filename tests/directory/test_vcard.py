"""The profile as a vCard 3.0: name, service, position, expertise; e-mail and phone only when the
viewer may see them (the privacy matrix itself is in test_privacy.py)."""

import pytest
from django.test import Client

from directory.vcard import build_vcard, escape, fold
from tests.factories import AgentFactory, ExternalAgentFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def signed_in(agent):
    client = Client()
    client.force_login(agent)
    return client


def unfold(text):
    return text.replace("\r\n ", "")


@pytest.fixture
def anne():
    agent = AgentFactory(
        first_name="Élodie",
        last_name="Lefèvre",
        email="elodie.lefevre@ddtm.gouv.fr",
        phone="02 99 00 00 00",
        phone_visibility="all",
        email_visibility="all",
        position="Cheffe de l'unité ADS",
        service=ServiceFactory(short_name="DDTM 35", name="Direction départementale 35"),
    )
    agent.expertise.set(["marchés publics", "FEDER"])
    return agent


def test_vcard_download(anne):
    """A signed-in agent downloads the vCard: text/vcard in UTF-8, a file named after the agent."""
    response = signed_in(AgentFactory()).get(f"/agents/{anne.pk}/vcard.vcf")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="elodie-lefevre.vcf"'
    text = response.content.decode("utf-8")
    assert text.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n")
    assert text.endswith("END:VCARD\r\n")
    lines = unfold(text).split("\r\n")
    assert "N:Lefèvre;Élodie;;;" in lines
    assert "FN:Élodie Lefèvre" in lines
    assert "ORG:Direction départementale 35" in lines
    assert "TITLE:Cheffe de l'unité ADS" in lines
    assert "EMAIL;TYPE=INTERNET,WORK:elodie.lefevre@ddtm.gouv.fr" in lines
    assert "TEL;TYPE=WORK,VOICE:02 99 00 00 00" in lines
    assert "NOTE:Je peux aider sur : FEDER\\, marchés publics" in lines
    assert f"URL:http://testserver/agents/{anne.pk}/" in lines


def test_every_line_ends_with_crlf_and_fits_in_75_octets(anne):
    """Lines end with CRLF and long ones are folded at 75 octets, never inside a character."""
    anne.expertise.set([f"sujet très spécialisé numéro {n}" for n in range(8)])
    text = signed_in(anne).get(f"/agents/{anne.pk}/vcard.vcf").content.decode("utf-8")
    assert "\n" not in text.replace("\r\n", "")
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
    assert "sujet très spécialisé numéro 7" in unfold(text)


def test_special_characters_are_escaped(anne):
    """Commas, semicolons, backslashes and line breaks typed by the agent cannot add fields."""
    anne.position = "Adjointe, urbanisme; ADS\r\nEMAIL:faux@exemple.fr\\"
    anne.last_name = "Le Gall; Dupont"
    anne.save()
    text = unfold(signed_in(AgentFactory()).get(f"/agents/{anne.pk}/vcard.vcf").content.decode())
    lines = text.split("\r\n")
    assert "TITLE:Adjointe\\, urbanisme\\; ADS\\nEMAIL:faux@exemple.fr\\\\" in lines
    assert "N:Le Gall\\; Dupont;Élodie;;;" in lines
    assert not any(line.startswith("EMAIL:faux") for line in lines)


def test_no_optional_lines_when_empty():
    """No service, position, phone or expertise: no ORG, TITLE, TEL or NOTE line."""
    agent = AgentFactory(service=None, position="", phone="")
    text = signed_in(agent).get(f"/agents/{agent.pk}/vcard.vcf").content.decode()
    for prefix in ("ORG:", "TITLE:", "TEL", "NOTE:"):
        assert f"\r\n{prefix}" not in text


def test_vcard_refused_to_who_may_not_view_the_profile(anne):
    """404 for an external user outside the agent's communities and for an unknown agent;
    the sign-in page for an anonymous visitor."""
    assert signed_in(ExternalAgentFactory()).get(f"/agents/{anne.pk}/vcard.vcf").status_code == 404
    assert signed_in(anne).get("/agents/999999/vcard.vcf").status_code == 404
    response = Client().get(f"/agents/{anne.pk}/vcard.vcf")
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


def test_vcard_of_a_closed_account_is_404(anne):
    """A closed account's vCard is no longer available to agents."""
    from directory.services import agent_close_account

    agent_close_account(agent=anne)
    assert signed_in(AgentFactory()).get(f"/agents/{anne.pk}/vcard.vcf").status_code == 404


def test_profile_links_to_the_vcard(anne):
    """The profile page offers « Télécharger la fiche (vCard) »."""
    html = signed_in(AgentFactory()).get(f"/agents/{anne.pk}/").content.decode()
    assert f'href="/agents/{anne.pk}/vcard.vcf"' in html
    assert "Télécharger la fiche (vCard)" in html


def test_escape_and_fold_helpers():
    """The text escaping of RFC 2426 and the folding of RFC 2425."""
    assert escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    assert escape("x\x00\x07y") == "xy"
    folded = fold("NOTE:" + "é" * 100)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "NOTE:" + "é" * 100


def test_build_vcard_hides_what_it_is_told_to(anne):
    """The builder leaves out the e-mail and phone when the caller says they are hidden."""
    text = build_vcard(anne, show_email=False, show_phone=False)
    assert "EMAIL" not in text
    assert "TEL" not in text
    assert "elodie.lefevre" not in text
