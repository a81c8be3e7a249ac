"""The wiki's writes: creating, saving, restoring, renaming, moving, protecting pages, the
settings; each refusal with its French message; the signals sent with each change."""

import pytest

from communities.models import Activity, AuditLog
from maillage.http import Refused
from tests.wiki.helpers import wiki_world
from wiki import services, signals
from wiki.models import Page, PageRedirect, Revision, WikiSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return wiki_world()


@pytest.fixture
def heard():
    """The wiki's signals received during the test: ``[(name, kwargs)]``."""
    received = []
    receivers = []
    for name in ("page_created", "page_changed", "page_renamed", "page_moved", "page_protected"):

        def receiver(sender, _name=name, **kwargs):
            kwargs.pop("signal", None)
            received.append((_name, kwargs))

        getattr(signals, name).connect(receiver, weak=False)
        receivers.append((name, receiver))
    yield received
    for name, receiver in receivers:
        getattr(signals, name).disconnect(receiver)


def _create(world, title="Guide", body="Texte", **kwargs):
    return services.page_create(
        community=world.community, agent=world.member, title=title, body=body, **kwargs
    )


def test_a_new_page_has_its_first_revision_a_slug_and_an_activity_line(world, heard):
    """Creating a page writes revision 1 (kind « création »), gives it a slug from its title,
    announces it and writes the community's activity line."""
    page = _create(world, title="Guide du télétravail", body="Bonjour", summary="Premier jet")
    assert page.slug == "guide-du-teletravail"
    assert page.last_number == 1 and page.body == "Bonjour\n"
    revision = Revision.objects.get(page=page)
    assert (revision.number, revision.kind, revision.summary) == (1, "create", "Premier jet")
    assert revision.author == world.member and revision.community == world.community
    assert revision.length == len("Bonjour\n") and revision.delta == len("Bonjour\n")
    assert [name for name, _kw in heard] == ["page_created"]
    assert heard[0][1]["revision"] == revision and heard[0][1]["agent"] == world.member
    assert Activity.objects.filter(community=world.community, verb="wiki_page").exists()


def test_the_same_title_twice_is_refused_and_a_slug_taken_gets_a_suffix(world):
    """A title names one page (case and spaces aside); two titles of the same slug get two
    addresses."""
    _create(world, title="Guide")
    with pytest.raises(services.WikiError, match="porte déjà le titre"):
        _create(world, title="  guide ")
    other = _create(world, title="Guide !")
    assert other.slug == "guide-2"


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("", "Donnez un titre"),
        ("x" * 201, "200 caractères"),
        ("Un [[lien]]", "crochets"),
        ("A | B", "barre verticale"),
    ],
)
def test_bad_titles_are_refused_in_french(world, title, message):
    with pytest.raises(services.WikiError, match=message):
        _create(world, title=title)


def test_a_body_too_long_is_refused(world):
    with pytest.raises(services.WikiError, match="caractères au plus"):
        _create(world, body="x" * 80_001)


@pytest.mark.parametrize("who", ["no_charter", "outsider"])
def test_who_may_not_contribute_creates_nothing(world, who):
    """A member without the charter and an outsider are refused, each with their reason."""
    with pytest.raises(Refused) as error:
        services.page_create(
            community=world.community, agent=getattr(world, who), title="Guide", body="x"
        )
    assert "charte" in str(error.value) or "membres" in str(error.value)
    assert not Page.objects.exists()


def test_saving_writes_the_next_revision_with_its_base_and_delta(world, heard):
    page = _create(world, body="Un")
    saved = services.page_save(
        page=page, agent=world.other, title="Guide", body="Un deux", summary="ajout", base_number=1
    )
    assert not saved.merged
    revision = saved.revision
    assert (revision.number, revision.base_number, revision.kind) == (2, 1, "edit")
    assert revision.delta == len("Un deux\n") - len("Un\n")
    page.refresh_from_db()
    assert (page.last_number, page.body, page.updated_by) == (2, "Un deux\n", world.other)
    assert [name for name, _kw in heard] == ["page_created", "page_changed"]


def test_a_save_that_changes_nothing_writes_no_revision(world):
    page = _create(world, body="Un")
    saved = services.page_save(
        page=page, agent=world.member, title="Guide", body="Un\r\n", base_number=1
    )
    assert saved.revision is None
    assert Revision.objects.filter(page=page).count() == 1


@pytest.mark.parametrize("base", [0, 5, None, "1"])
def test_an_unknown_base_number_is_refused(world, base):
    page = _create(world)
    with pytest.raises(services.WikiError, match="version de départ"):
        services.page_save(page=page, agent=world.member, title="Guide", body="x", base_number=base)


def test_a_new_title_in_the_editor_renames_the_page_and_keeps_a_redirect(world, heard):
    page = _create(world, title="Guide", body="Texte")
    services.page_save(
        page=page, agent=world.member, title="Guide pratique", body="Texte", base_number=1
    )
    page.refresh_from_db()
    assert page.slug == "guide-pratique" and page.title_key == "guide pratique"
    assert PageRedirect.objects.get(slug="guide").page == page
    assert Revision.objects.get(page=page, number=2).kind == "rename"
    assert "page_renamed" in [name for name, _kw in heard]


def test_restore_writes_a_new_revision_with_the_old_text(world):
    """Restoring revision 1 writes revision 3 with its text; the history keeps all three."""
    page = _create(world, body="Premier")
    services.page_save(page=page, agent=world.other, title="Guide", body="Second", base_number=1)
    revision = services.page_restore(page=page, agent=world.member, number=1)
    page.refresh_from_db()
    assert (revision.number, revision.kind, revision.restored_from) == (3, "restore", 1)
    assert page.body == "Premier\n" and page.last_number == 3
    assert list(Revision.objects.filter(page=page).values_list("number", flat=True)) == [3, 2, 1]
    with pytest.raises(services.WikiError, match="déjà celui de la page"):
        services.page_restore(page=page, agent=world.member, number=1)
    with pytest.raises(services.WikiError, match="n'existe pas"):
        services.page_restore(page=page, agent=world.member, number=9)


def test_rename_keeps_the_history_and_the_old_slug_redirects_even_twice(world):
    """Renamed twice, both old addresses lead to the page; renaming back takes its first
    address back."""
    page = _create(world, title="Alpha")
    services.page_rename(page=page, agent=world.member, title="Beta")
    page.refresh_from_db()
    services.page_rename(page=page, agent=world.member, title="Gamma")
    page.refresh_from_db()
    assert page.slug == "gamma"
    assert set(PageRedirect.objects.filter(page=page).values_list("slug", flat=True)) == {
        "alpha",
        "beta",
    }
    assert Revision.objects.filter(page=page).count() == 3
    services.page_rename(page=page, agent=world.member, title="Alpha")
    page.refresh_from_db()
    assert page.slug == "alpha"
    assert not PageRedirect.objects.filter(slug="alpha").exists()
    with pytest.raises(services.WikiError, match="déjà ce titre"):
        services.page_rename(page=page, agent=world.member, title="Alpha")


def test_a_new_page_never_takes_an_old_address_of_another(world):
    page = _create(world, title="Alpha")
    services.page_rename(page=page, agent=world.member, title="Beta")
    other = _create(world, title="Alpha")
    assert other.slug == "alpha-2"


def test_move_refuses_a_cycle_and_keeps_the_address(world, heard):
    """A page goes under another, never under itself or its own sub-page; its slug stays."""
    top = _create(world, title="Haut")
    middle = _create(world, title="Milieu", parent=top)
    bottom = _create(world, title="Bas", parent=middle)
    with pytest.raises(services.WikiError, match="sous elle-même"):
        services.page_move(page=top, agent=world.member, parent=bottom)
    with pytest.raises(services.WikiError, match="sous elle-même"):
        services.page_move(page=top, agent=world.member, parent=top)
    services.page_move(page=bottom, agent=world.member, parent=None)
    bottom.refresh_from_db()
    assert bottom.parent is None and bottom.slug == "bas"
    assert Revision.objects.get(page=bottom, number=2).kind == "move"
    assert "page_moved" in [name for name, _kw in heard]
    with pytest.raises(services.WikiError, match="déjà rangée"):
        services.page_move(page=bottom, agent=world.member, parent=None)


def test_a_parent_of_another_community_is_refused(world):
    elsewhere = wiki_world()
    foreign = services.page_create(
        community=elsewhere.community, agent=elsewhere.member, title="Ailleurs", body=""
    )
    with pytest.raises(services.WikiError, match="parente"):
        _create(world, title="Ici", parent=foreign)
    page = _create(world, title="Ici")
    with pytest.raises(services.WikiError, match="parente"):
        services.page_move(page=page, agent=world.member, parent=foreign)


def test_the_home_page_is_created_once_and_never_moved(world):
    home = services.home_create(community=world.community, agent=world.member)
    assert home.is_home and home.title == "Accueil"
    assert services.home_create(community=world.community, agent=world.other) == home
    other = _create(world, title="Autre")
    with pytest.raises(services.WikiError, match="page d'accueil"):
        services.page_move(page=home, agent=world.animator, parent=other)


def test_protection_keeps_the_members_out_and_is_audited(world, heard):
    """A protected page: the members may no longer save it, the animators may; the journal
    says who protected it."""
    page = _create(world, body="Texte")
    with pytest.raises(services.WikiError, match="Seule l'animation protège"):
        services.page_protect(page=page, agent=world.member, protected=True)
    services.page_protect(page=page, agent=world.animator, protected=True)
    assert AuditLog.objects.filter(action="wiki_page_protected").exists()
    with pytest.raises(services.WikiError, match="protégée"):
        services.page_save(page=page, agent=world.member, title="Guide", body="x", base_number=1)
    with pytest.raises(services.WikiError, match="protégée"):
        services.page_restore(page=page, agent=world.member, number=1)
    services.page_save(page=page, agent=world.animator, title="Guide", body="x", base_number=1)
    services.page_protect(page=page, agent=world.animator, protected=False)
    services.page_save(page=page, agent=world.member, title="Guide", body="y", base_number=2)
    assert [name for name, _kw in heard].count("page_protected") == 2


def test_settings_keep_the_editing_to_the_animators(world):
    _create(world, title="Avant")
    with pytest.raises(services.WikiError, match="Seule l'animation règle"):
        services.settings_update(
            community=world.community, agent=world.member, who_may_edit="animators"
        )
    with pytest.raises(services.WikiError, match="Choisissez"):
        services.settings_update(
            community=world.community, agent=world.animator, who_may_edit="tous"
        )
    services.settings_update(
        community=world.community, agent=world.animator, who_may_edit="animators"
    )
    assert WikiSettings.objects.get(community=world.community).who_may_edit == "animators"
    with pytest.raises(services.WikiError, match="Seule l'animation modifie"):
        _create(world, title="Après")
    services.page_create(community=world.community, agent=world.animator, title="Après", body="")


def test_an_archived_community_changes_nothing(world):
    page = _create(world)
    world.community.archived_at = page.created_at
    world.community.save()
    with pytest.raises(services.WikiError, match="archivée"):
        services.page_save(page=page, agent=world.member, title="Guide", body="x", base_number=1)


def test_a_page_of_another_community_is_not_found_for_its_services(world):
    """A forged page of another community is refused as missing (the abilities are the
    community's of the page, so the agent must read it)."""
    elsewhere = wiki_world(private_secret=True)
    foreign = services.page_create(
        community=elsewhere.community, agent=elsewhere.member, title="Secret", body=""
    )
    with pytest.raises(services.WikiError) as error:
        services.page_save(page=foreign, agent=world.member, title="x", body="x", base_number=1)
    assert error.value.code == "not_found"
