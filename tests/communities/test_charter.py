"""The charter pages: reading any version, accepting the current one, publishing a new one, who
accepted what."""

from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from communities import services
from communities.models import CharterAcceptance, CharterVersion, Community, Membership
from communities.permissions import abilities
from tests.communities.content_helpers import (
    accept_charter,
    add_member,
    build_world,
    fresh,
    make_community,
)
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def charter_url(community, query=""):
    return reverse("communities:charter", args=[community.slug]) + query


def text(response):
    return unescape(response.content.decode())


def publish(world, body):
    return services.charter_publish(community=world.community, actor=world.animator, text=body)


def membership(world, agent):
    return Membership.objects.get(community=world.community, agent=agent)


# --- Reading ------------------------------------------------------------------------------------


def test_charter_shows_current_text_number_and_date(client, world):
    """A member reads the current charter, rendered from Markdown, with its number and date."""
    client.force_login(world.member)
    response = client.get(charter_url(world.community))
    assert response.status_code == 200
    page = text(response)
    assert "Version 1, publiée le" in page
    assert "<h2>Charte de la communauté</h2>" in page  # the template's Markdown heading
    assert "respecter les autres membres" in page
    assert 'data-testid="charter-accept"' not in page  # already accepted
    assert "Vous avez accepté la version en vigueur" in page


def test_charter_readable_by_an_outsider_of_an_open_community(client, world):
    """An agent outside an open community reads its charter, with no acceptance form."""
    client.force_login(AgentFactory())
    response = client.get(charter_url(world.community))
    assert response.status_code == 200
    assert 'data-testid="charter-accept"' not in response.content.decode()


def test_charter_of_a_secret_community_is_404_for_an_outsider(client):
    """The charter of a secret community is not told apart from a missing page."""
    community = make_community(visibility=Community.Visibility.PRIVATE_SECRET)
    client.force_login(AgentFactory())
    assert client.get(charter_url(community)).status_code == 404


def test_charter_markup_is_inert(client, world):
    """HTML and scripts typed in a charter come out inert, the text still readable."""
    publish(
        world, "Soyez **courtois**. <script>alert('charte')</script><img src=x onerror=alert(1)>"
    )
    client.force_login(world.member)
    page = client.get(charter_url(world.community)).content.decode()
    assert "<script>alert" not in page
    assert "onerror" not in page
    assert "Soyez <strong>courtois</strong>." in page


def test_previous_versions_are_listed_and_readable(client, world):
    """Every previous version stays readable with ?version=N."""
    publish(world, "Deuxième version de la charte.")
    client.force_login(world.member)
    page = text(client.get(charter_url(world.community)))
    assert "Deuxième version de la charte." in page
    assert "?version=1" in page and "?version=2" in page
    old = text(client.get(charter_url(world.community, "?version=1")))
    assert "Vous lisez une version précédente" in old
    assert "respecter les autres membres" in old
    assert "Deuxième version" not in old.split('data-testid="charter-text"')[1].split("</div>")[0]


@pytest.mark.parametrize("version", ["3", "0", "abc", "-1", "99999999999999999999999"])
def test_unknown_version_is_404(client, world, version):
    """A version number this community does not have answers 404, never a 500."""
    client.force_login(world.member)
    assert client.get(charter_url(world.community, f"?version={version}")).status_code == 404


def test_versions_of_another_community_cannot_be_read(client, world):
    """?version=N only looks among this community's versions."""
    other = make_community(name="Sécurité alimentaire")
    services.charter_publish(
        community=other,
        actor=fresh(other.memberships.get(role="animator").agent),
        text="Texte confidentiel de l'autre communauté",
    )
    other_version = CharterVersion.objects.get(community=other, number=2)
    client.force_login(world.member)
    assert client.get(charter_url(world.community, "?version=2")).status_code == 404
    response = client.get(charter_url(world.community, f"?version={other_version.pk}"))
    assert "Texte confidentiel" not in text(response)


# --- Accepting ------------------------------------------------------------------------------------


def test_member_who_must_accept_sees_the_form(client, world):
    """A member who has not accepted sees the form with the current version id and the checkbox."""
    client.force_login(world.newcomer)
    page = text(client.get(charter_url(world.community)))
    assert 'data-testid="charter-accept"' in page
    assert f'name="version" value="{world.community.current_charter_id}"' in page
    assert "J'ai lu la charte et je m'engage à la respecter" in page


def test_acceptance_is_recorded_with_version_and_time(client, world):
    """Accepting records the version and the time, and lets the member contribute."""
    client.force_login(world.newcomer)
    before = timezone.now()
    response = client.post(
        charter_url(world.community),
        {"version": world.community.current_charter_id, "accept": "on"},
    )
    assert response.status_code == 302
    assert response["Location"] == world.community.get_absolute_url()
    acceptance = CharterAcceptance.objects.get(agent=world.newcomer)
    assert acceptance.version_id == world.community.current_charter_id
    assert before <= acceptance.accepted_at <= timezone.now()
    assert membership(world, world.newcomer).charter_accepted_id == acceptance.version_id
    assert abilities(fresh(world.newcomer), world.community).can_contribute


def test_acceptance_goes_back_to_next(client, world):
    """After accepting, the member goes back to the page that sent them, never to another site."""
    client.force_login(world.newcomer)
    target = world.announcement.get_absolute_url()
    response = client.post(
        charter_url(world.community),
        {"version": world.community.current_charter_id, "accept": "on", "next": target},
    )
    assert response["Location"] == target


def test_acceptance_ignores_a_next_to_another_site(client, world):
    """A ``next`` pointing outside the site is ignored."""
    client.force_login(world.newcomer)
    response = client.post(
        charter_url(world.community),
        {
            "version": world.community.current_charter_id,
            "accept": "on",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == world.community.get_absolute_url()


def test_acceptance_requires_the_checkbox(client, world):
    """Without the box ticked, nothing is recorded and the form says why, in French."""
    client.force_login(world.newcomer)
    response = client.post(
        charter_url(world.community), {"version": world.community.current_charter_id}
    )
    assert response.status_code == 400
    assert "Cochez la case pour accepter la charte." in text(response)
    assert not CharterAcceptance.objects.filter(agent=world.newcomer).exists()


def test_outdated_version_is_refused_and_changes_nothing(client, world):
    """A version posted from an old tab after a new one was published is refused in French."""
    old_version = world.community.current_charter_id
    publish(world, "Version 2 de la charte.")
    client.force_login(world.newcomer)
    response = client.post(charter_url(world.community), {"version": old_version, "accept": "on"})
    assert response.status_code == 400
    page = text(response)
    assert "Cette version de la charte n'est plus en vigueur" in page
    assert "Version 2 de la charte." in page  # the current version is shown again
    assert membership(world, world.newcomer).charter_accepted_id is None
    assert not CharterAcceptance.objects.filter(agent=world.newcomer).exists()


@pytest.mark.parametrize("version", ["abc", "", "99999"])
def test_forged_version_is_refused(client, world, version):
    """A forged version id gets a French answer, never a 500, and nothing is saved."""
    client.force_login(world.newcomer)
    response = client.post(charter_url(world.community), {"version": version, "accept": "on"})
    assert response.status_code == 400
    assert not CharterAcceptance.objects.filter(agent=world.newcomer).exists()


def test_another_communitys_version_is_refused(client, world):
    """The current version of another community cannot be accepted here."""
    other = make_community(name="Sécurité alimentaire")
    client.force_login(world.newcomer)
    response = client.post(
        charter_url(world.community), {"version": other.current_charter_id, "accept": "on"}
    )
    assert response.status_code == 400
    assert membership(world, world.newcomer).charter_accepted_id is None


def test_outsider_cannot_accept(client, world):
    """An agent outside the community is told only members accept the charter."""
    outsider = AgentFactory()
    client.force_login(outsider)
    response = client.post(
        charter_url(world.community),
        {"version": world.community.current_charter_id, "accept": "on"},
    )
    assert response.status_code == 400
    assert "Seuls les membres acceptent la charte." in text(response)
    assert not CharterAcceptance.objects.filter(agent=outsider).exists()


def test_new_version_must_be_accepted_again_before_commenting(client, world):
    """After a new version, a member reads but cannot comment until they accept it again."""
    publish(world, "Version 2 : soyez bref.")
    client.force_login(world.member)
    detail = world.announcement.get_absolute_url()
    response = client.get(detail)
    assert response.status_code == 200  # reading stays possible
    assert "Acceptez la charte pour commenter" in text(response)
    response = client.post(detail, {"body": "Un avis"})
    assert response.status_code == 400
    assert "Acceptez la charte de la communauté avant de contribuer." in text(response)
    assert not world.announcement.comments.filter(body="Un avis").exists()

    accept_charter(world.community, world.member)
    response = client.post(detail, {"body": "Un avis"})
    assert response.status_code == 302
    assert world.announcement.comments.filter(body="Un avis").exists()


# --- Publishing -------------------------------------------------------------------------------------


def publish_url(community):
    return reverse("communities:charter_publish", args=[community.slug])


def test_publish_form_is_prefilled_with_the_current_text(client, world):
    """The animator's form starts from the text in force."""
    client.force_login(world.animator)
    response = client.get(publish_url(world.community))
    assert response.status_code == 200
    page = text(response)
    assert "respecter les autres membres" in page.split("<textarea")[1]
    assert "Chaque membre devra accepter la nouvelle version" in page


def test_preview_publishes_nothing(client, world):
    """Previewing shows the rendered text and publishes nothing."""
    client.force_login(world.animator)
    response = client.post(
        publish_url(world.community), {"text": "Nouvelle **règle**", "preview": ""}
    )
    assert response.status_code == 200
    assert "Nouvelle <strong>règle</strong>" in response.content.decode()
    assert world.community.charter_versions.count() == 1


def test_publish_creates_a_version_and_asks_everyone_again(client, world):
    """Publishing makes a new current version and tells the animator every member must accept it."""
    client.force_login(world.animator)
    response = client.post(
        publish_url(world.community), {"text": "Version 2 de la charte.", "publish": ""}
    )
    assert response.status_code == 302
    assert response["Location"] == charter_url(world.community)
    community = fresh(world.community)
    assert community.current_charter.number == 2
    assert community.current_charter.text == "Version 2 de la charte."
    page = text(client.get(response["Location"]))
    assert "doit maintenant l'accepter à nouveau avant de contribuer" in page
    assert abilities(fresh(world.member), community).must_accept_charter


def test_publish_stores_lf_line_ends(client, world):
    """The CRLF line ends a browser sends are stored as LF, so an unchanged text is recognised."""
    client.force_login(world.animator)
    current = world.community.current_charter.text.replace("\n", "\r\n")
    response = client.post(publish_url(world.community), {"text": current, "publish": ""})
    assert response.status_code == 400
    response = client.post(
        publish_url(world.community), {"text": "Ligne un\r\nLigne deux", "publish": ""}
    )
    assert fresh(world.community).current_charter.text == "Ligne un\nLigne deux"


def test_publish_refuses_an_unchanged_or_empty_text(client, world):
    """An unchanged or empty text is refused with a French message."""
    client.force_login(world.animator)
    current = world.community.current_charter.text
    response = client.post(publish_url(world.community), {"text": current, "publish": ""})
    assert response.status_code == 400
    assert "Le texte est identique à la version en vigueur" in text(response)
    response = client.post(publish_url(world.community), {"text": "   ", "publish": ""})
    assert response.status_code == 400
    assert world.community.charter_versions.count() == 1


@pytest.mark.parametrize("who", ["member", "newcomer", "outsider"])
def test_publish_by_a_non_animator_is_refused(client, world, who):
    """Only the animation publishes: others get 404 and no version is created."""
    agent = AgentFactory() if who == "outsider" else getattr(world, who)
    client.force_login(agent)
    assert client.get(publish_url(world.community)).status_code == 404
    response = client.post(publish_url(world.community), {"text": "Putsch", "publish": ""})
    assert response.status_code == 404
    assert world.community.charter_versions.count() == 1


def test_publish_is_refused_in_an_archived_community(client, world):
    """An archived community is read-only: no new charter version."""
    services.community_archive(community=world.community, actor=world.admin)
    client.force_login(world.animator)
    assert client.get(publish_url(world.community)).status_code == 404


# --- Who accepted what ---------------------------------------------------------------------------


def acceptances_url(community):
    return reverse("communities:charter_acceptances", args=[community.slug])


def test_acceptances_table_shows_versions_dates_and_counts(client, world):
    """The table lists each member with the version they accepted and when, pending ones flagged."""
    publish(world, "Version 2.")
    accept_charter(world.community, world.animator)
    client.force_login(world.member)
    response = client.get(acceptances_url(world.community))
    assert response.status_code == 200
    page = text(response)
    counts = page.split('data-testid="acceptance-counts"')[1].split("</ul>")[0]
    assert "<strong>1</strong> sur 3" in counts
    assert "encore l'accepter : <strong>2</strong>" in counts
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr")[1:]
    by_name = {
        name: row
        for row in rows
        for name in ("Alice Anim", "Marc Membre", "Nina Nouvelle")
        if name in row
    }
    assert "Version 2" in by_name["Alice Anim"] and "À jour" in by_name["Alice Anim"]
    assert "Version 1" in by_name["Marc Membre"]
    assert "charter-pending" in by_name["Marc Membre"]
    assert "Doit accepter la version 2" in by_name["Marc Membre"]
    accepted = CharterAcceptance.objects.get(agent=world.member).accepted_at
    assert timezone.localtime(accepted).strftime("%Y") in by_name["Marc Membre"]
    assert "Aucune" in by_name["Nina Nouvelle"]


def test_acceptances_hidden_from_those_who_cannot_read(client):
    """Someone who may not read an on-request community gets 404 on its acceptances."""
    community = make_community(visibility=Community.Visibility.ON_REQUEST)
    client.force_login(AgentFactory())
    assert client.get(acceptances_url(community)).status_code == 404


def test_acceptance_date_follows_the_latest_accepted_version(client, world):
    """The date shown is the acceptance of the version the member last accepted."""
    old = CharterAcceptance.objects.get(agent=world.member)
    CharterAcceptance.objects.filter(pk=old.pk).update(
        accepted_at=timezone.now() - timedelta(days=400)
    )
    publish(world, "Version 2.")
    accept_charter(world.community, world.member)
    client.force_login(world.animator)
    page = text(client.get(acceptances_url(world.community)))
    row = [r for r in page.split("<tr")[1:] if "Marc Membre" in r][0]
    assert timezone.localtime().strftime("%Y") in row
    assert "Version 2" in row


def test_members_of_a_larger_community_are_paginated(client, world):
    """Members beyond the first 50 go to the next page, with the counts on every page."""
    for _n in range(50):
        add_member(world.community, accept=False)
    client.force_login(world.animator)
    page = text(client.get(acceptances_url(world.community)))
    assert "<strong>2</strong> sur 53" in page
    assert "fr-pagination" in page
    assert client.get(acceptances_url(world.community) + "?page=2").status_code == 200
