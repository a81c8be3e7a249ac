"""Moderating wiki pages through the one moderation of the content contract: a member reports a
page from its « Signaler » link, an animator hides it from the page's button (the report closed,
the action audited, the notifications about it withdrawn); a hidden page is gone for members and
shown to the animators with a mark, until it is restored."""

import pytest
from django.contrib.contenttypes.models import ContentType

from communities.models import AuditLog, Report
from tests.factories import CommunityFactory
from tests.notifications.conftest import notifications_of
from tests.wiki.social_helpers import create, edit, member, run_on_commit
from wiki.models import Page

__all__ = ["run_on_commit"]  # a fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def wiki():
    community = CommunityFactory(open=True)
    author = member(community)
    return {
        "community": community,
        "author": author,
        "member": member(community),
        "animator": member(community, animator=True),
        "page": create(community, author, title="Annuaire des astreintes", body="Les numéros."),
    }


def moderate_url(page, action):
    page_ct = ContentType.objects.get_for_model(Page).pk
    return f"/communautes/{page.community.slug}/moderation/{page_ct}/{page.pk}/{action}/"


def report_url(page):
    page_ct = ContentType.objects.get_for_model(Page).pk
    return f"/communautes/{page.community.slug}/signaler/{page_ct}/{page.pk}/"


def test_an_animator_hides_and_restores_a_page_from_its_buttons(client, wiki):
    """« Masquer la page » hides it (audited), back on the page with the mark; members get a
    404 and no longer see it in the list; « Rétablir la page » brings it back."""
    page, url = wiki["page"], wiki["page"].get_absolute_url()
    client.force_login(wiki["animator"])
    html = client.get(url).content.decode()
    assert "Masquer la page" in html
    assert moderate_url(page, "hide") in html
    assert 'data-testid="wiki-report"' not in html  # the animators hide, they do not report

    answer = client.post(moderate_url(page, "hide"), {"next": url}, follow=True)
    assert answer.redirect_chain[-1][0] == url
    html = answer.content.decode()
    assert "Masquée par la modération" in html
    assert "Rétablir la page" in html
    assert Page.objects.get(pk=page.pk).is_hidden
    assert AuditLog.objects.filter(
        action="hidden", object_id=page.pk, actor=wiki["animator"]
    ).exists()

    client.force_login(wiki["member"])
    assert client.get(url).status_code == 404
    listing = client.get(f"/communautes/{page.community.slug}/wiki/pages/").content.decode()
    assert "Annuaire des astreintes" not in listing

    client.force_login(wiki["animator"])
    client.post(moderate_url(page, "restore"), {"next": url})
    assert not Page.objects.get(pk=page.pk).is_hidden
    assert AuditLog.objects.filter(action="restored", object_id=page.pk).exists()
    client.force_login(wiki["member"])
    assert client.get(url).status_code == 200


def test_a_member_reports_a_page_and_hiding_closes_the_report(client, wiki):
    """A member's « Signaler » leads to the report form; the report reaches the queue; hiding
    the page closes it."""
    page = wiki["page"]
    client.force_login(wiki["member"])
    html = client.get(page.get_absolute_url()).content.decode()
    assert report_url(page) in html
    assert "Masquer la page" not in html
    form = client.get(report_url(page))
    assert form.status_code == 200
    assert "Annuaire des astreintes" in form.content.decode()
    answer = client.post(report_url(page), {"reason": "Numéros personnels publiés"})
    assert answer.status_code == 302 and answer["Location"] == page.get_absolute_url()
    report = Report.objects.get()
    assert (report.content, report.status) == (page, Report.Status.OPEN)

    client.force_login(wiki["animator"])
    client.post(moderate_url(page, "hide"))
    report.refresh_from_db()
    assert report.status == Report.Status.HIDDEN


def test_a_member_cannot_hide_a_page(client, wiki):
    """The moderation's address answers 404 to a member; the page stays."""
    client.force_login(wiki["member"])
    assert client.post(moderate_url(wiki["page"], "hide")).status_code == 404
    assert not Page.objects.get(pk=wiki["page"].pk).is_hidden


def test_hiding_withdraws_the_notifications_about_the_page(client, wiki, run_on_commit):
    """The followers' notifications of a page's changes go when the page is hidden."""
    with run_on_commit():
        edit(wiki["page"], wiki["member"], "Les numéros de service.")
    assert notifications_of(wiki["author"]) == ["wiki_page_changed"]
    client.force_login(wiki["animator"])
    with run_on_commit():
        client.post(moderate_url(wiki["page"], "hide"))
    assert notifications_of(wiki["author"]) == []
