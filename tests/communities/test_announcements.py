"""The announcements: list, writing by the animation, reading, comments, hidden content."""

from html import unescape

import pytest
from django.urls import reverse

from communities import services
from communities.content import moderation
from communities.models import Announcement, AnnouncementComment, Community
from tests.communities.content_helpers import (
    add_member,
    build_world,
    content_type_id,
    fresh,
    make_community,
    queries_of,
)
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('xss')</script>"


@pytest.fixture
def world():
    return build_world()


def list_url(community, query=""):
    return reverse("communities:announcements", args=[community.slug]) + query


def detail_url(community, announcement):
    return reverse("communities:announcement", args=[community.slug, announcement.pk])


def text(response):
    return unescape(response.content.decode())


def post(world, title, **kwargs):
    return services.announcement_create(
        community=world.community,
        actor=world.animator,
        title=title,
        body=f"Texte de {title}",
        **kwargs,
    )


# --- The list -----------------------------------------------------------------------------------


def test_list_shows_title_excerpt_author_date_and_comment_count(client, world):
    """Each announcement shows its title, an excerpt, its author, date and comment count."""
    client.force_login(world.member)
    response = client.get(list_url(world.community))
    assert response.status_code == 200
    page = text(response)
    assert "Réunion du réseau en mars" in page
    assert "La réunion aura lieu le 12 mars." in page  # the excerpt is plain text
    assert "Par Alice Anim" in page
    assert "1 commentaire" in page
    assert "Nouvelle annonce" not in page


def test_list_puts_pinned_first_and_paginates_by_ten(client, world):
    """Pinned announcements come first; ten per page."""
    for n in range(11):
        post(world, f"Annonce numéro {n:02d}")
    post(world, "Annonce épinglée", pinned=True)
    client.force_login(world.member)
    page = text(client.get(list_url(world.community)))
    assert page.count('class="fr-card__title"') == 10
    assert page.index("Annonce épinglée") < page.index("Annonce numéro 10")
    assert "Épinglée" in page
    second = text(client.get(list_url(world.community, "?page=2")))
    assert second.count('class="fr-card__title"') == 3
    assert "Réunion du réseau en mars" in second  # the oldest


def test_list_offers_new_announcement_to_animators(client, world):
    """The animation sees the « Nouvelle annonce » button."""
    client.force_login(world.animator)
    assert "Nouvelle annonce" in text(client.get(list_url(world.community)))


def test_list_is_404_when_the_tool_is_off(client, world):
    """A community that switched announcements off answers 404 on their pages."""
    Community.objects.filter(pk=world.community.pk).update(tool_announcements=False)
    client.force_login(world.member)
    assert client.get(list_url(world.community)).status_code == 404
    assert client.get(detail_url(world.community, world.announcement)).status_code == 404


def test_list_is_404_for_who_cannot_read(client):
    """The announcements of an on-request community are not for outsiders."""
    community = make_community(visibility=Community.Visibility.ON_REQUEST)
    client.force_login(AgentFactory())
    assert client.get(list_url(community)).status_code == 404


def test_hidden_announcements_are_listed_for_moderators_only(client, world):
    """A hidden announcement leaves the members' list; moderators see it with a « Masqué » badge."""
    hidden = post(world, "Annonce problématique")
    moderation.content_set_hidden(content=hidden, actor=world.animator, hidden=True)
    client.force_login(world.member)
    assert "Annonce problématique" not in text(client.get(list_url(world.community)))
    client.force_login(world.animator)
    page = text(client.get(list_url(world.community)))
    assert "Annonce problématique" in page
    assert "Masqué" in page


def test_list_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    """The list costs the same number of queries with 2 or 12 announcements with comments."""
    client.force_login(world.member)
    baseline = queries_of(client, list_url(world.community))
    assert baseline <= 8  # session, agent, community, membership, page count, page, layout
    for n in range(11):
        announcement = post(world, f"Annonce {n}")
        author = add_member(world.community)
        services.comment_create(announcement=announcement, agent=author, body="Merci")
    with django_assert_max_num_queries(baseline):
        assert client.get(list_url(world.community)).status_code == 200


# --- Writing --------------------------------------------------------------------------------------


def create_url(community):
    return reverse("communities:announcement_create", args=[community.slug])


def edit_url(community, announcement):
    return reverse("communities:announcement_edit", args=[community.slug, announcement.pk])


def test_animator_creates_a_pinned_announcement(client, world):
    """The animation publishes an announcement (title, Markdown body, pinned)."""
    client.force_login(world.animator)
    page = text(client.get(create_url(world.community)))
    assert "Mise en forme Markdown" in page
    response = client.post(
        create_url(world.community),
        {"title": "Séminaire", "body": "Le **séminaire** approche.", "pinned": "on"},
    )
    announcement = Announcement.objects.get(title="Séminaire")
    assert response.status_code == 302
    assert response["Location"] == announcement.get_absolute_url()
    assert announcement.pinned and announcement.author == world.animator


def test_announcement_form_errors_in_french(client, world):
    """A missing title is refused in French, nothing saved."""
    client.force_login(world.animator)
    response = client.post(create_url(world.community), {"title": "", "body": "Texte"})
    assert response.status_code == 400
    assert "Indiquez le titre de l'annonce." in text(response)
    assert Announcement.objects.count() == 1


def test_a_member_writes_articles_not_annonces(client, world):
    """A member who accepted the charter gets the writing page for an article only: a posted
    « annonce » is refused in French, the animators' annonce is not theirs to edit (404)."""
    client.force_login(world.member)
    page = text(client.get(create_url(world.community)))
    assert "Indiquez le titre" not in page and 'name="kind"' not in page
    response = client.post(
        create_url(world.community), {"kind": "annonce", "title": "Pirate", "body": "x"}
    )
    assert response.status_code == 400
    assert "Ce type de billet ne vous est pas ouvert." in text(response)
    assert not Announcement.objects.filter(title="Pirate").exists()
    response = client.post(
        edit_url(world.community, world.announcement), {"title": "Pirate", "body": "x"}
    )
    assert response.status_code == 404
    assert fresh(world.announcement).title == "Réunion du réseau en mars"


@pytest.mark.parametrize("who", ["newcomer", "outsider"])
def test_non_animators_cannot_post_or_edit(client, world, who):
    """A member without the charter and outsiders get 404 on the writing pages; nothing is
    saved."""
    client.force_login(AgentFactory() if who == "outsider" else getattr(world, who))
    assert client.get(create_url(world.community)).status_code == 404
    response = client.post(create_url(world.community), {"title": "Pirate", "body": "x"})
    assert response.status_code == 404
    response = client.post(
        edit_url(world.community, world.announcement), {"title": "Pirate", "body": "x"}
    )
    assert response.status_code == 404
    assert not Announcement.objects.filter(title="Pirate").exists()


def test_animator_edits_an_announcement(client, world):
    """The edit form is prefilled and saves the change."""
    client.force_login(world.animator)
    page = text(client.get(edit_url(world.community, world.announcement)))
    assert 'value="Réunion du réseau en mars"' in page
    response = client.post(
        edit_url(world.community, world.announcement),
        {"title": "Réunion reportée", "body": "Nouvelle date à venir."},
    )
    assert response.status_code == 302
    assert fresh(world.announcement).title == "Réunion reportée"


def test_announcement_of_another_community_is_404(client, world):
    """An announcement id of another community in this community's URLs answers 404."""
    other = make_community(name="Sécurité alimentaire", animator=world.animator)
    foreign = services.announcement_create(
        community=other, actor=fresh(world.animator), title="Ailleurs", body="Secret d'ailleurs"
    )
    client.force_login(world.animator)
    assert client.get(detail_url(world.community, foreign)).status_code == 404
    response = client.post(edit_url(world.community, foreign), {"title": "Modifié", "body": "x"})
    assert response.status_code == 404
    assert fresh(foreign).title == "Ailleurs"
    response = client.post(detail_url(world.community, foreign), {"body": "Intrus"})
    assert response.status_code == 404
    assert not AnnouncementComment.objects.filter(body="Intrus").exists()


# --- Reading and commenting ------------------------------------------------------------------------


def test_detail_renders_markdown_and_comments(client, world):
    """The body goes through the sanitiser; comments show their author and date."""
    client.force_login(world.member)
    response = client.get(detail_url(world.community, world.announcement))
    assert response.status_code == 200
    page = response.content.decode()
    assert "La <strong>réunion</strong> aura lieu le 12 mars." in page
    assert "Je serai présent." in page
    assert "Marc Membre" in page
    assert 'data-testid="comment-form"' in page


def test_comment_allowed_after_acceptance(client, world):
    """A member who accepted the charter comments; they land on their comment."""
    client.force_login(world.member)
    response = client.post(detail_url(world.community, world.announcement), {"body": "Bonne idée"})
    comment = AnnouncementComment.objects.get(body="Bonne idée")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#commentaire-{comment.pk}")
    assert comment.author == world.member and comment.community == world.community


def test_comment_refused_before_acceptance(client, world):
    """Before accepting the charter, a member is told so in French, and nothing is saved."""
    client.force_login(world.newcomer)
    detail = detail_url(world.community, world.announcement)
    page = text(client.get(detail))
    assert "Acceptez la charte pour commenter" in page
    assert 'data-testid="comment-form"' not in page
    assert f"?next={detail}" in page
    response = client.post(detail, {"body": "Trop tôt"})
    assert response.status_code == 400
    assert "Acceptez la charte de la communauté avant de contribuer." in text(response)
    assert not AnnouncementComment.objects.filter(body="Trop tôt").exists()


def test_comment_refused_to_an_outsider(client, world):
    """An outsider reads an open community but cannot comment: French error, no 500."""
    client.force_login(AgentFactory())
    detail = detail_url(world.community, world.announcement)
    page = text(client.get(detail))
    assert 'data-testid="comment-form"' not in page
    assert "Signaler" not in page
    response = client.post(detail, {"body": "De passage"})
    assert response.status_code == 400
    assert "Seuls les membres commentent." in text(response)
    assert not AnnouncementComment.objects.filter(body="De passage").exists()


def test_empty_comment_is_refused_in_french(client, world):
    """An empty comment gets a French error on the form."""
    client.force_login(world.member)
    response = client.post(detail_url(world.community, world.announcement), {"body": "  "})
    assert response.status_code == 400
    assert "Écrivez votre commentaire avant de l'envoyer." in text(response)


def test_comment_in_an_archived_community_is_refused(client, world):
    """An archived community is read-only for everyone."""
    services.community_archive(community=world.community, actor=world.admin)
    client.force_login(world.member)
    response = client.post(detail_url(world.community, world.announcement), {"body": "Encore"})
    assert response.status_code == 400
    assert not AnnouncementComment.objects.filter(body="Encore").exists()


def test_html_and_scripts_are_inert(client, world):
    """HTML and scripts in titles, bodies and comments are rendered inert, the text readable."""
    announcement = services.announcement_create(
        community=world.community,
        actor=world.animator,
        title=f"Titre {SCRIPT} piégé",
        body=f"Corps **gras** {SCRIPT} <img src=x onerror=alert(1)> [lien](javascript:alert(2))",
    )
    client.force_login(world.member)
    detail = detail_url(world.community, announcement)
    client.post(detail, {"body": f"Commentaire {SCRIPT} <b onmouseover=alert(3)>vu</b>"})
    for url in (list_url(world.community), detail):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page
        assert "onerror" not in page and "onmouseover" not in page
        assert "javascript:" not in page
        assert "Titre &lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt; piégé" in page
    page = client.get(detail).content.decode()
    assert "Corps <strong>gras</strong>" in page
    assert "<b>vu</b>" in page


def test_hidden_announcement_is_404_for_members_and_shown_to_moderators(client, world):
    """A hidden announcement is gone for members; moderators see it badged, with « Rétablir »."""
    moderation.content_set_hidden(content=world.announcement, actor=world.animator, hidden=True)
    detail = detail_url(world.community, world.announcement)
    client.force_login(world.member)
    assert client.get(detail).status_code == 404
    assert client.post(detail, {"body": "Toujours là ?"}).status_code == 404
    client.force_login(world.animator)
    page = text(client.get(detail))
    assert 'data-testid="hidden-badge"' in page
    assert "Rétablir" in page


def test_hidden_comment_is_invisible_to_members_and_shown_to_moderators(client, world):
    """A hidden comment disappears for members; moderators see it with « Masqué » and « Rétablir »."""
    moderation.content_set_hidden(content=world.comment, actor=world.animator, hidden=True)
    detail = detail_url(world.community, world.announcement)
    client.force_login(world.member)
    assert "Je serai présent." not in text(client.get(detail))
    assert "0 commentaire" in text(client.get(list_url(world.community)))
    client.force_login(world.animator)
    page = text(client.get(detail))
    comment_block = page.split(f'id="commentaire-{world.comment.pk}"')[1].split("</ul>")[0]
    assert "Je serai présent." in comment_block
    assert "Masqué" in comment_block and "Rétablir" in comment_block


def test_report_links_for_members(client, world):
    """Members see a « Signaler » link on the announcement and on each comment."""
    client.force_login(world.newcomer)
    page = client.get(detail_url(world.community, world.announcement)).content.decode()
    slug = world.community.slug
    assert (
        f"/communautes/{slug}/signaler/{content_type_id(Announcement)}/{world.announcement.pk}/"
        in page
    )
    assert (
        f"/communautes/{slug}/signaler/{content_type_id(AnnouncementComment)}/{world.comment.pk}/"
        in page
    )


def test_detail_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    """The detail page costs the same number of queries with 1 or 21 comments."""
    client.force_login(world.member)
    detail = detail_url(world.community, world.announcement)
    baseline = queries_of(client, detail)
    # session, agent, community, membership, announcement, comments, the member's rating, layout
    assert baseline <= 9
    for n in range(20):
        author = add_member(world.community) if n % 5 == 0 else world.member
        services.comment_create(announcement=world.announcement, agent=author, body=f"Avis {n}")
    with django_assert_max_num_queries(baseline):
        assert client.get(detail).status_code == 200
