"""The Wagtail page presenting a call for projects: staff's introduction, the call's title,
summary and next deadline, the way to the call's own page; nothing of an unpublished call."""

from html import unescape

import pytest
from django.urls import reverse

from calls.views.calls import deadline_label
from cms.models import CallPage, HomePage, LegalPage
from tests.calls.factories import CallFactory

pytestmark = pytest.mark.django_db


def publish_page(call, title="L'appel à projets 2026", intro="<p>Un appel pour les agents.</p>"):
    home = HomePage.objects.get()
    page = CallPage(title=title, slug="appel-2026", intro=intro, call=call)
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_a_call_page_renders_with_its_calls_next_deadline(client):
    """The page shows its introduction, the call's title and summary, the deadline of the next
    wave in Paris time, and links the call's page."""
    call = CallFactory(title="Communautés professionnelles 2026")
    page = publish_page(call)
    response = client.get(page.url)
    assert response.status_code == 200
    text = unescape(response.content.decode())
    assert "L'appel à projets 2026" in text
    assert "Un appel pour les agents." in text
    assert "Communautés professionnelles 2026" in text
    assert call.summary in text
    assert deadline_label(call.waves.get(number=1)) in text
    assert "Voir l'appel et préparer un dossier" in text
    assert f'href="{reverse("calls:call", args=[call.slug])}"' in text


def test_a_call_page_says_nothing_of_an_unpublished_call(client):
    """While the call is in preparation, its page shows neither its title nor its deadline."""
    call = CallFactory(title="Appel encore secret", published_at=None)
    page = publish_page(call)
    text = unescape(client.get(page.url).content.decode())
    assert "Appel encore secret" not in text
    assert "Clôture de la vague" not in text
    assert "dès sa publication" in text


def test_a_call_page_of_a_closed_call_has_no_deadline(client):
    """A historic call is said closed, without a deadline."""
    call = CallFactory(is_historic=True)
    text = unescape(client.get(publish_page(call).url).content.decode())
    assert "Clôture de la vague" not in text
    assert "Cet appel est clos." in text


def test_a_call_page_lives_under_the_home_page_and_has_no_subpages():
    """The home page accepts call pages; a call page accepts no subpage."""
    assert CallPage in HomePage.allowed_subpage_models()
    assert CallPage.allowed_subpage_models() == []
    page = publish_page(CallFactory())
    assert CallPage.can_create_at(HomePage.objects.get())
    assert not LegalPage.can_create_at(page)
    assert not CallPage.can_create_at(page)
