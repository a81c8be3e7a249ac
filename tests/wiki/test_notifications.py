"""Who the wiki notifies: the followers of a page of each new revision (with the link to its
diff), the followers of a page of a new page under it — never the actor, never who chose
« jamais », never who may not read the page (an outsider of a secret community, a banned member,
the wiki switched off, a hidden page)."""

import pytest

from communities.content import services as content
from communities.content.moderation import content_set_hidden
from communities.models import Community, Membership
from notifications.models import Email, Notification, Preference
from tests.factories import AgentFactory, CommunityFactory
from tests.notifications.conftest import notifications_of
from tests.wiki.social_helpers import create, edit, member, no_failed_tasks, run_on_commit
from wiki.models import Page

__all__ = ["no_failed_tasks", "run_on_commit"]  # fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_failed_tasks")]


@pytest.fixture
def wiki():
    """A secret community's wiki: its animator, two members and an outsider."""
    community = CommunityFactory(private_secret=True, name="Réseau des référents crues")
    return {
        "community": community,
        "animator": member(community, animator=True),
        "author": member(community),
        "editor": member(community),
        "outsider": AgentFactory(),
    }


def test_an_edit_reaches_the_followers_with_the_diff_link(wiki, run_on_commit):
    """The page's creator follows it and hears of an edit, with the diff of the new revision
    against the one before; the editor follows it from then on, not notified of their own."""
    with run_on_commit():
        page = create(wiki["community"], wiki["author"], title="Plan de crue")
    assert content.is_following(wiki["author"], page)
    with run_on_commit():
        edit(page, wiki["editor"], "Le nouveau texte.", summary="Ajout des contacts")
    assert notifications_of(wiki["author"]) == ["wiki_page_changed"]
    assert notifications_of(wiki["editor"]) == []
    assert content.is_following(wiki["editor"], page)
    notification = Notification.objects.get(recipient=wiki["author"])
    slug = wiki["community"].slug
    assert notification.url == f"/communautes/{slug}/wiki/pages/{page.slug}/comparer/?de=1&a=2"
    editor = wiki["editor"].display_name
    assert notification.summary == f"{editor} a modifié « Plan de crue » : Ajout des contacts"
    assert notification.target == page

    with run_on_commit():
        edit(page, wiki["author"], "Le troisième texte.")
    assert notifications_of(wiki["editor"]) == ["wiki_page_changed"]
    assert notifications_of(wiki["author"]) == ["wiki_page_changed"]
    last = Notification.objects.get(recipient=wiki["editor"])
    assert last.url.endswith("/comparer/?de=2&a=3")
    assert last.summary == f"{wiki['author'].display_name} a modifié « Plan de crue »"


def test_a_new_page_under_a_followed_page_reaches_its_followers(wiki, run_on_commit):
    """« wiki_page_created » goes to the parent's followers who read it, not to the creator."""
    with run_on_commit():
        parent = create(wiki["community"], wiki["author"], title="Guides")
    content.follow(agent=wiki["animator"], target=parent)
    content.follow(agent=wiki["outsider"], target=parent)
    with run_on_commit():
        child = create(wiki["community"], wiki["editor"], title="Guide des digues", parent=parent)
    assert notifications_of(wiki["author"]) == ["wiki_page_created"]
    assert notifications_of(wiki["animator"]) == ["wiki_page_created"]
    assert notifications_of(wiki["outsider"]) == []
    assert notifications_of(wiki["editor"]) == []
    notification = Notification.objects.get(recipient=wiki["animator"])
    assert notification.summary == "Nouvelle page sous « Guides » : Guide des digues"
    assert notification.url == child.get_absolute_url()
    # A page at the top of the tree is nobody's news.
    with run_on_commit():
        create(wiki["community"], wiki["editor"], title="Une autre page")
    assert Notification.objects.count() == 2


def test_never_means_no_notification_and_no_email(wiki, run_on_commit, mailoutbox):
    """An agent who chose neither the app nor e-mail for « wiki_page_changed » gets nothing; the
    others get theirs."""
    Preference.objects.create(
        agent=wiki["author"], kind="wiki_page_changed", in_app=False, email=Email.NONE
    )
    with run_on_commit():
        page = create(wiki["community"], wiki["author"])
        content.follow(agent=wiki["animator"], target=page)
        edit(page, wiki["editor"], "Modifié.")
    assert notifications_of(wiki["author"]) == []
    assert notifications_of(wiki["animator"]) == ["wiki_page_changed"]
    assert [m.to for m in mailoutbox] == []


def test_an_outsider_of_a_secret_community_is_not_notified(wiki, run_on_commit):
    """A follow row of someone who cannot read the wiki (written behind the policy's back)
    brings them nothing."""
    with run_on_commit():
        page = create(wiki["community"], wiki["author"])
    content.follow(agent=wiki["outsider"], target=page)
    with run_on_commit():
        edit(page, wiki["editor"], "Modifié.")
    assert notifications_of(wiki["outsider"]) == []
    assert notifications_of(wiki["author"]) == ["wiki_page_changed"]


def test_a_banned_member_is_not_notified(wiki, run_on_commit):
    """A follower banned before the edit is not told of it."""
    with run_on_commit():
        page = create(wiki["community"], wiki["author"])
    Membership.objects.filter(agent=wiki["author"], community=wiki["community"]).update(
        state=Membership.State.BANNED
    )
    content.follow(agent=wiki["animator"], target=page)
    with run_on_commit():
        edit(page, wiki["editor"], "Modifié.")
    assert notifications_of(wiki["author"]) == []
    assert notifications_of(wiki["animator"]) == ["wiki_page_changed"]


def test_nothing_about_a_switched_off_wiki(wiki, run_on_commit, django_capture_on_commit_callbacks):
    """When the wiki tool goes off between the edit and the fan-out, nobody is notified."""
    with run_on_commit():
        page = create(wiki["community"], wiki["author"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        edit(page, wiki["editor"], "Modifié.")
    Community.objects.filter(pk=wiki["community"].pk).update(tool_wiki=False)
    with run_on_commit():
        for callback in callbacks:
            callback()
    assert Notification.objects.count() == 0


def test_a_page_hidden_before_the_fan_out_notifies_nobody(wiki, django_capture_on_commit_callbacks):
    """A page hidden by the animation between an edit and the fan-out reaches nobody, the
    animators included; the same edit of a visible page reaches its followers."""
    with django_capture_on_commit_callbacks(execute=True):
        page = create(wiki["community"], wiki["author"])
        content.follow(agent=wiki["animator"], target=page)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        edit(page, wiki["editor"], "Modifié.")
    content_set_hidden(content=Page.objects.get(pk=page.pk), actor=wiki["animator"], hidden=True)
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert Notification.objects.filter(kind="wiki_page_changed").count() == 0
    content_set_hidden(content=Page.objects.get(pk=page.pk), actor=wiki["animator"], hidden=False)
    with django_capture_on_commit_callbacks(execute=True):
        edit(page, wiki["editor"], "Modifié encore.")
    assert notifications_of(wiki["animator"]) == ["wiki_page_changed"]


def test_an_open_community_outsider_following_is_notified(run_on_commit):
    """In an open community an outsider reads the wiki: following a page, they hear of it."""
    community = CommunityFactory(open=True)
    author = member(community)
    reader = AgentFactory()
    with run_on_commit():
        page = create(community, author)
        content.follow(agent=reader, target=page)
        edit(page, member(community), "Modifié.")
    assert notifications_of(reader) == ["wiki_page_changed"]
    assert notifications_of(author) == ["wiki_page_changed"]


def test_the_kinds_are_on_the_preferences_page(client):
    """The wiki's two kinds are listed, in French, on the preferences page."""
    client.force_login(AgentFactory())
    text = client.get("/notifications/preferences/").content.decode()
    assert "Pages de wiki modifiées" in text
    assert "Nouvelles pages de wiki" in text
