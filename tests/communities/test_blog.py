"""The community's blog: annonces and articles, drafts and publication, ratings 1 to 5, the
animators' « mise en avant », unpublishing and deleting, written out as a permission matrix and
checked where a draft could leak (list, home, activity, notifications, search, a forged address)."""

import importlib
from html import unescape

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone

from communities import blog, services
from communities.models import Activity, Announcement, AnnouncementRating, AuditLog
from communities.permissions import post_abilities
from communities.personal_data import export_communities
from maillage import policy
from notifications.models import Notification
from tests.communities.content_helpers import add_member, ban, fresh, make_community, queries_of
from tests.factories import AgentFactory, AnnouncementFactory, ExternalAgentFactory

pytestmark = pytest.mark.django_db

ARTICLE = Announcement.Kind.ARTICLE
ANNONCE = Announcement.Kind.ANNOUNCEMENT


class World:
    """An open community: its animator, a platform administrator (not a member), a writer whose
    published article and draft are the « other's » posts, and one agent per persona."""

    def __init__(self):
        self.admin = AgentFactory(platform_admin=True)
        self.animator = AgentFactory(first_name="Alice", last_name="Anim")
        self.community = make_community(admin=self.admin, animator=self.animator)
        self.writer = add_member(self.community, AgentFactory(first_name="Wanda", last_name="Rit"))
        self.article = blog.post_create(
            community=self.community,
            actor=self.writer,
            kind=ARTICLE,
            title="Retour d'expérience",
            body="Un **article** publié.",
        )
        self.draft = blog.post_create(
            community=self.community,
            actor=self.writer,
            kind=ARTICLE,
            title="Brouillon secret",
            body="Pas encore prêt.",
            publish=False,
        )
        self.member = add_member(self.community)
        self.newcomer = add_member(self.community, accept=False)
        banned = add_member(self.community)
        self.banned = ban(self.community, banned, self.animator)
        self.outsider = AgentFactory()
        self.external = ExternalAgentFactory()
        self.community = fresh(self.community)

    def persona(self, name):
        return None if name == "anonymous" else getattr(self, name)


@pytest.fixture
def world():
    return World()


def url(name, post, *args):
    return reverse(f"communities:{name}", args=[post.community.slug, post.pk, *args])


def page(response):
    return unescape(response.content.decode())


# --- the permission matrix --------------------------------------------------------------------

PERSONAS = [
    "anonymous",
    "outsider",
    "newcomer",
    "member",
    "animator",
    "admin",
    "banned",
    "external",
]

# Who may do what, written out (not computed): the personas for which the action happens.
ALLOWED = {
    "write_article": {"member", "animator"},
    "write_annonce": {"animator", "admin"},
    "see_other_draft": set(),
    "publish_own": {"member", "animator"},
    "edit_own": {"member", "animator"},
    "edit_other": set(),
    "delete_own": {"member", "animator", "admin"},
    "delete_other": {"animator", "admin"},
    "rate_own": set(),
    "rate_other": {"member", "animator"},
    "rate_draft": set(),
    "feature": {"animator", "admin"},
    "unpublish": {"animator", "admin"},
}


def _own(world, agent, *, published=True):
    """A post of the persona's own, as if written while they could (the anonymous visitor has
    none: the writer's stands in, and nothing may happen to it either)."""
    return AnnouncementFactory(
        community=world.community,
        author=agent or world.writer,
        kind=ARTICLE,
        title="Le mien",
        published_at=timezone.now() if published else None,
    )


def _write(client, world, agent, kind):
    client.post(
        reverse("communities:announcement_create", args=[world.community.slug]),
        {"kind": kind, "title": "Billet de la matrice", "body": "Texte", "action": "publish"},
    )
    return Announcement.objects.filter(
        title="Billet de la matrice", kind=kind, published_at__isnull=False
    ).exists()


def _edited(client, post):
    client.post(url("announcement_edit", post), {"title": "Titre changé", "body": "Autre"})
    return fresh(post).title == "Titre changé"


def _deleted(client, post):
    client.post(url("announcement_delete", post))
    return not Announcement.objects.filter(pk=post.pk).exists()


def _rated(client, post, agent):
    client.post(url("announcement_rate", post), {"stars": "4"})
    return AnnouncementRating.objects.filter(announcement=post).exists()


ACTIONS = {
    "write_article": lambda c, w, a: _write(c, w, a, ARTICLE),
    "write_annonce": lambda c, w, a: _write(c, w, a, ANNONCE),
    "see_other_draft": lambda c, w, a: c.get(url("announcement", w.draft)).status_code == 200,
    "publish_own": lambda c, w, a: (
        (post := _own(w, a, published=False)),
        c.post(url("announcement_publish", post)),
        fresh(post).published_at is not None,
    )[-1],
    "edit_own": lambda c, w, a: _edited(c, _own(w, a)),
    "edit_other": lambda c, w, a: _edited(c, w.article),
    "delete_own": lambda c, w, a: _deleted(c, _own(w, a)),
    "delete_other": lambda c, w, a: _deleted(c, w.article),
    "rate_own": lambda c, w, a: _rated(c, _own(w, a), a),
    "rate_other": lambda c, w, a: _rated(c, w.article, a),
    "rate_draft": lambda c, w, a: _rated(c, w.draft, a),
    "feature": lambda c, w, a: (
        c.post(url("announcement_feature", w.article), {"featured": "1"}),
        fresh(w.article).featured_at is not None,
    )[-1],
    "unpublish": lambda c, w, a: (
        c.post(url("announcement_unpublish", w.article)),
        fresh(w.article).published_at is None,
    )[-1],
}


@pytest.mark.parametrize("action", sorted(ALLOWED))
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(client, world, persona, action):
    """Each persona × each action of the blog, through the pages: it happens exactly for the
    personas ALLOWED names, never with a 500."""
    agent = world.persona(persona)
    if agent is not None:
        client.force_login(agent)
    assert ACTIONS[action](client, world, agent) is (persona in ALLOWED[action])


def test_the_author_reads_their_draft_and_others_get_404(client, world):
    """A draft is its author's alone: the page says « Brouillon »; the animator, the platform
    administrator and the members get 404."""
    client.force_login(world.writer)
    response = client.get(url("announcement", world.draft))
    assert response.status_code == 200
    assert "il n'est visible que de vous" in page(response)
    for other in (world.animator, world.admin, world.member):
        client.force_login(other)
        assert client.get(url("announcement", world.draft)).status_code == 404


# --- drafts are invisible everywhere ----------------------------------------------------------


def test_a_draft_is_nowhere_but_in_its_authors_drafts(client, world, capture_effects):
    """Not in the list, the home, the activity, the notifications nor the policy's readable
    queryset (search); listed under « Mes brouillons » for its author only; once published, it
    is everywhere."""
    annonce_draft = blog.post_create(
        community=world.community,
        actor=world.animator,
        title="Annonce pas prête",
        body="…",
        publish=False,
    )
    slug = world.community.slug
    for agent in (world.member, world.animator):
        client.force_login(agent)
        for address in (
            reverse("communities:announcements", args=[slug]),
            reverse("communities:home", args=[slug]),
            reverse("communities:activity", args=[slug]),
            reverse("notifications:centre"),
        ):
            text = page(client.get(address))
            assert "Brouillon secret" not in text and "Annonce pas prête" not in text, address
    assert not Notification.objects.filter(target_id=annonce_draft.pk).exists()
    assert not Activity.objects.filter(object_id__in=[world.draft.pk, annonce_draft.pk]).exists()
    for agent in (world.member, world.writer, world.admin):
        readable = policy.readable_by(agent, Announcement)
        assert world.draft not in readable and world.article in readable

    client.force_login(world.writer)
    drafts = page(client.get(reverse("communities:announcement_drafts", args=[slug])))
    assert "Brouillon secret" in drafts and "Annonce pas prête" not in drafts
    client.force_login(world.member)
    drafts = page(client.get(reverse("communities:announcement_drafts", args=[slug])))
    assert "Brouillon secret" not in drafts and "Aucun brouillon." in drafts

    client.force_login(world.animator)
    with capture_effects():
        client.post(url("announcement_publish", annonce_draft))
    assert Notification.objects.filter(
        recipient=world.member, kind="announcement", target_id=annonce_draft.pk
    ).exists()
    client.force_login(world.member)
    assert "Annonce pas prête" in page(
        client.get(reverse("communities:announcements", args=[slug]))
    )


def test_a_draft_takes_no_comment_and_no_report(client, world):
    """A forged comment or report on a draft is refused: nothing is saved."""
    with pytest.raises(services.CommunityError):
        services.comment_create(announcement=world.draft, agent=world.writer, body="Moi")
    client.force_login(world.writer)
    client.post(url("announcement", world.draft), {"body": "Commentaire forgé"})
    assert not world.draft.comments.exists()
    assert not post_abilities(world.member, world.draft).can_report


def test_a_forged_report_or_moderation_of_a_draft_answers_404(client, world):
    """The animator forges the report and hide addresses of someone's draft: 404, its title
    is not shown, nothing is hidden."""
    from django.contrib.contenttypes.models import ContentType

    type_id = ContentType.objects.get_for_model(Announcement).pk
    slug = world.community.slug
    client.force_login(world.animator)
    report = reverse("communities:report", args=[slug, type_id, world.draft.pk])
    response = client.get(report)
    assert response.status_code == 404 and "Brouillon secret" not in page(response)
    hide = reverse("communities:moderate", args=[slug, type_id, world.draft.pk, "hide"])
    assert client.post(hide).status_code == 404
    assert not fresh(world.draft).is_hidden


def test_unpublishing_takes_the_post_out_and_back_to_its_author(client, world, capture_effects):
    """An animator unpublishes an annonce: it leaves the list, the activity and the members'
    notifications, the audit log says so, and its author finds it in their drafts."""
    with capture_effects():
        annonce = blog.post_create(
            community=world.community, actor=world.animator, title="Réunion annulée", body="…"
        )
    assert Notification.objects.filter(recipient=world.member, target_id=annonce.pk).exists()
    blog.post_feature(post=world.article, actor=world.animator)
    client.force_login(world.admin)
    with capture_effects():
        client.post(url("announcement_unpublish", annonce))
        client.post(url("announcement_unpublish", world.article))
    assert fresh(annonce).is_draft and fresh(world.article).is_draft
    assert not fresh(world.article).is_featured
    assert not Notification.objects.filter(target_id=annonce.pk).exists()
    assert not Activity.objects.filter(object_id=world.article.pk, verb="article").exists()
    lines = AuditLog.objects.filter(action="post_unpublished", actor=world.admin)
    assert {line.object_id for line in lines} == {annonce.pk, world.article.pk}
    client.force_login(world.writer)
    drafts = page(
        client.get(reverse("communities:announcement_drafts", args=[world.community.slug]))
    )
    assert "Retour d'expérience" in drafts


# --- ratings -----------------------------------------------------------------------------------


def test_ratings_average_and_count_in_french_on_the_list_and_the_post(client, world):
    """Three ratings (5, 4, 4) make « 4,3 » and « 3 avis »; a rating is changed (one per agent)
    and withdrawn."""
    raters = [world.member, world.animator, add_member(world.community)]
    for rater, stars in zip(raters, (5, 4, 4), strict=True):
        client.force_login(rater)
        client.post(url("announcement_rate", world.article), {"stars": str(stars)})
    post = fresh(world.article)
    assert (str(post.rating_average), post.rating_count) == ("4.3", 3)
    listing = page(client.get(reverse("communities:announcements", args=[world.community.slug])))
    detail = page(client.get(url("announcement", world.article)))
    for text in (listing, detail):
        assert "4,3" in text and "(3 avis)" in text
    client.force_login(world.member)
    client.post(url("announcement_rate", world.article), {"stars": "1"})
    assert AnnouncementRating.objects.filter(announcement=world.article).count() == 3
    assert str(fresh(world.article).rating_average) == "3.0"
    assert "Votre note : 1 sur 5" in page(client.get(url("announcement", world.article)))
    client.post(url("announcement_rate", world.article), {"withdraw": "1"})
    post = fresh(world.article)
    assert (str(post.rating_average), post.rating_count) == ("4.0", 2)


@pytest.mark.parametrize("stars", ["0", "6", "abc", "", "-1", "4.5"])
def test_bad_rating_values_are_refused_in_french(client, world, stars):
    """A rating outside 1–5 or not a number: a French message, no rating, never a 500."""
    client.force_login(world.member)
    response = client.post(url("announcement_rate", world.article), {"stars": stars}, follow=True)
    assert response.status_code == 200
    assert "Choisissez une note de 1 à 5 étoiles." in page(response)
    assert not AnnouncementRating.objects.exists()


def test_the_rating_form_is_accessible_radios_without_javascript(client, world):
    """Five labelled radio buttons in a fieldset with its legend, posted by a plain form."""
    client.force_login(world.member)
    text = page(client.get(url("announcement", world.article)))
    assert '<fieldset class="fr-fieldset"' in text and 'id="rating-title"' in text
    for n in range(1, 6):
        assert f'<input type="radio" id="stars-{n}" name="stars" value="{n}">' in text
        assert f'for="stars-{n}"' in text
    assert f'action="{url("announcement_rate", world.article)}"' in text


# --- featuring ---------------------------------------------------------------------------------


def test_featured_posts_on_the_home_latest_first_at_most_three(client, world):
    """Four featured posts: the home's « À la une » shows the three latest featured, newest
    first; the list marks them; the audit log records each."""
    posts = [world.article] + [
        blog.post_create(
            community=world.community, actor=world.animator, title=f"Une {n}", body="…"
        )
        for n in range(3)
    ]
    client.force_login(world.animator)
    for post in posts:
        client.post(url("announcement_feature", post), {"featured": "1"})
    assert AuditLog.objects.filter(action="post_featured").count() == 4
    client.force_login(world.member)
    home = page(client.get(reverse("communities:home", args=[world.community.slug])))
    block = home.split('data-testid="home-featured"')[1].split("</section>")[0]
    assert "Retour d'expérience" not in block
    assert block.index("Une 2") < block.index("Une 1") < block.index("Une 0")
    listing = page(client.get(reverse("communities:announcements", args=[world.community.slug])))
    assert listing.count('data-testid="featured-badge"') == 4


# --- edits -------------------------------------------------------------------------------------


def test_an_edited_published_post_keeps_its_date_and_says_modifie(client, world):
    """Its author edits a published article: same publication date, « modifié » shown."""
    published_at = world.article.published_at
    client.force_login(world.writer)
    client.post(url("announcement_edit", world.article), {"title": "Nouveau titre", "body": "B"})
    post = fresh(world.article)
    assert post.published_at == published_at and post.edited_at is not None
    assert 'data-testid="post-edited"' in page(client.get(url("announcement", post)))


# --- hostile input -----------------------------------------------------------------------------


def test_html_and_script_are_inert_in_title_and_body(client, world):
    """A title and a body with HTML and script are shown as text on the list, the post and the
    home."""
    client.force_login(world.member)
    client.post(
        reverse("communities:announcement_create", args=[world.community.slug]),
        {
            "title": '<script>alert("titre")</script>',
            "body": '<img src=x onerror=alert(1)><script>alert("corps")</script>',
        },
    )
    post = Announcement.objects.get(author=world.member)
    for address in (
        reverse("communities:announcements", args=[world.community.slug]),
        url("announcement", post),
        reverse("communities:home", args=[world.community.slug]),
    ):
        raw = client.get(address).content.decode()
        assert '<script>alert("titre")' not in raw and "&lt;script&gt;" in raw, address
        assert "<img src=x" not in raw and '<script>alert("corps")' not in raw, address


def test_forged_ids_of_another_communitys_post_answer_404(client, world):
    """Another community's post through this community's addresses: 404 everywhere, nothing
    changes."""
    other = make_community(name="Autre communauté")
    foreign = AnnouncementFactory(community=other, author=world.member, kind=ARTICLE)
    client.force_login(world.animator)
    slug = world.community.slug
    for name, data in (
        ("announcement", None),
        ("announcement_edit", None),
        ("announcement_publish", {}),
        ("announcement_unpublish", {}),
        ("announcement_delete", {}),
        ("announcement_feature", {"featured": "1"}),
        ("announcement_rate", {"stars": "5"}),
    ):
        address = reverse(f"communities:{name}", args=[slug, foreign.pk])
        response = client.get(address) if data is None else client.post(address, data)
        assert response.status_code == 404, name
    foreign = fresh(foreign)
    assert foreign.published_at is not None and not foreign.is_featured
    assert not AnnouncementRating.objects.exists()


def test_the_list_filters_and_sorts(client, world):
    """« Articles » and « Annonces » filter; « Note moyenne » puts the best rated first."""
    annonce = blog.post_create(
        community=world.community, actor=world.animator, title="Annonce du jour", body="…"
    )
    better = blog.post_create(
        community=world.community, actor=world.member, kind=ARTICLE, title="Mieux noté", body="…"
    )
    blog.post_rate(post=better, agent=world.animator, stars=5)
    blog.post_rate(post=world.article, agent=world.animator, stars=2)
    client.force_login(world.member)
    base = reverse("communities:announcements", args=[world.community.slug])
    articles = page(client.get(base + "?type=article"))
    assert "Retour d'expérience" in articles and annonce.title not in articles
    annonces = page(client.get(base + "?type=annonce"))
    assert annonce.title in annonces and "Retour d'expérience" not in annonces
    by_rating = page(client.get(base + "?tri=note"))
    assert by_rating.index("Mieux noté") < by_rating.index("Retour d'expérience")
    assert by_rating.index("Retour d'expérience") < by_rating.index("Annonce du jour")
    assert client.get(base + "?type=<b>&tri=%ff").status_code == 200


def test_the_list_query_count_does_not_grow_with_posts_and_ratings(client, world):
    """The list costs the same with 1 or 13 posts, each rated by three members."""
    client.force_login(world.member)
    address = reverse("communities:announcements", args=[world.community.slug])
    baseline = queries_of(client, address)
    raters = [add_member(world.community) for _ in range(3)]
    for n in range(12):
        post = blog.post_create(
            community=world.community, actor=world.writer, kind=ARTICLE, title=f"N{n}", body="…"
        )
        for rater in raters:
            blog.post_rate(post=post, agent=rater, stars=1 + n % 5)
    assert queries_of(client, address) <= baseline


# --- personal data and the migration -------------------------------------------------------------


def test_the_personal_data_export_has_the_agents_posts_drafts_and_ratings(world):
    """The export's communities section lists the writer's article and draft, and the member's
    ratings."""
    blog.post_rate(post=world.article, agent=world.member, stars=3)
    writer = export_communities(world.writer)
    states = {(p["titre"], p["etat"]) for p in writer["billets"]}
    assert states == {("Retour d'expérience", "publié"), ("Brouillon secret", "brouillon")}
    member = export_communities(world.member)
    assert member["notes"][0]["billet"] == "Retour d'expérience"
    assert member["notes"][0]["etoiles"] == 3


def test_the_migration_keeps_existing_announcements_as_published_annonces(world):
    """Announcements written before the blog become annonces published at their writing date."""
    migration = importlib.import_module(
        "communities.migrations.0006_blog_posts_drafts_ratings_featured"
    )
    old = AnnouncementFactory(community=world.community, author=world.animator)
    Announcement.objects.filter(pk=old.pk).update(published_at=None, kind=ARTICLE)
    migration.existing_posts_are_published_annonces(django_apps, None)
    old = fresh(old)
    assert old.kind == ANNONCE and old.published_at == old.created_at
