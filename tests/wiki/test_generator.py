"""The large wiki's generator (bench/wiki_generator.py, ``python -m bench.generate_wiki``) at a
small scale: what it makes, and the models' invariants over it."""

from collections import Counter
from io import StringIO

import pytest

from bench.generate_wiki import generate, parse_args
from bench.wiki_generator import LONG_TITLE, check_invariants
from communities.models import Community, Membership
from wiki.models import Page, PageLink, Revision

pytestmark = pytest.mark.django_db

SMALL = [
    "--pages", "300", "--revisions", "1500", "--long-revisions", "40", "--long-size", "6000",
    "--agents", "40",
]  # fmt: skip


@pytest.fixture
def generated():
    out = StringIO()
    made = generate(parse_args(SMALL), stdout=out)
    return made, out.getvalue()


def test_generator_makes_what_it_reports(generated):
    """300 pages and 1,500 revisions in one community's wiki, said on the output."""
    made, output = generated
    community = Community.objects.get(slug=made["community"])
    assert community.tool_wiki
    assert Page.objects.filter(community=community).count() == made["pages"] == 300
    assert Revision.objects.filter(community=community).count() == made["revisions"] == 1500
    assert PageLink.objects.filter(community=community).count() == made["links"] > 0
    assert "300 pages, 1500 révisions" in output
    assert f"/communautes/{made['community']}/wiki/" in output


def test_generated_wiki_keeps_the_models_invariants(generated):
    """Revision numbers without gaps, the page's denormalised current revision, lengths and
    deltas, communities, one home page and the links' targets all agree with the rows."""
    assert check_invariants() == []


def test_invariants_check_catches_a_gap_and_a_stale_page(generated):
    """The check can fail: a missing revision number, a page whose body is not its last
    revision's, and a wrong delta are each reported."""
    made, _output = generated
    long_page = Page.objects.get(pk=made["long_page"])
    Revision.objects.filter(page=long_page, number=7).delete()
    other = Page.objects.exclude(pk=long_page.pk).filter(last_number__gt=2).first()
    Page.objects.filter(pk=other.pk).update(body=other.body + "\n\nAjout non enregistré.")
    third = Revision.objects.exclude(page__in=[long_page, other]).filter(number=2).first()
    Revision.objects.filter(pk=third.pk).update(delta=third.delta + 1)
    problems = " ".join(check_invariants())
    assert f"page {long_page.pk} : révisions numérotées avec des trous" in problems
    assert f"page {other.pk} : titre, texte" in problems
    assert f"révision {third.pk} : écart de longueur faux" in problems


def test_long_page_has_its_revisions_of_the_asked_size_last_two_differing_a_little(generated):
    """The long page has exactly the asked revisions, each about the asked size; the last two
    differ in one to three paragraphs (a real diff, not a rewrite)."""
    made, _output = generated
    page = Page.objects.get(pk=made["long_page"])
    assert page.title == LONG_TITLE and page.last_number == 40
    lengths = list(Revision.objects.filter(page=page).values_list("length", flat=True))
    assert len(lengths) == 40
    assert all(5000 < length < 8000 for length in lengths), lengths
    before, last = (
        Revision.objects.filter(page=page, number__in=[39, 40])
        .order_by("number")
        .values_list("body", flat=True)
    )
    changed = set(last.split("\n\n")) - set(before.split("\n\n"))
    assert 1 <= len(changed) <= 3


def test_tree_has_a_home_sections_nested_pages_faqs_and_links(generated):
    """One home page, sections under it in the tree's top, sub-pages a few levels deep, FAQ
    pages made of « ## question ? » sections, links to pages and to missing pages."""
    made, _output = generated
    pages = Page.objects.filter(community_id=made["community_id"])
    assert pages.filter(is_home=True).count() == 1
    top = pages.filter(parent=None)
    assert top.count() >= 3
    assert pages.filter(parent__parent__isnull=False).exists()  # deeper than a section's page
    faq = pages.filter(kind=Page.Kind.FAQ).first()
    assert faq is not None and "\n## " in faq.body and "?" in faq.body
    assert PageLink.objects.filter(source__in=pages, target=None).exists()
    assert PageLink.objects.filter(source__in=pages, target__isnull=False).exists()
    siblings = Counter(pages.values_list("parent", "position"))
    assert max(siblings.values()) == 1  # positions are distinct among siblings


def test_revisions_are_spread_zipf_like_and_in_french(generated):
    """Every page has a revision, a few have many; bodies and summaries are French prose;
    revisions' ids follow their dates, so a page's revisions lie scattered in the table."""
    made, _output = generated
    numbers = list(Page.objects.exclude(pk=made["long_page"]).values_list("last_number", flat=True))
    assert min(numbers) == 1 and max(numbers) >= 10
    bodies = list(Revision.objects.values_list("body", flat=True)[:200])
    assert all(len(body) > 10 and "{" not in body for body in bodies)
    assert any("é" in body for body in bodies)
    summaries = set(Revision.objects.exclude(summary="").values_list("summary", flat=True))
    assert summaries and not any("{" in summary for summary in summaries)
    dates = list(Revision.objects.order_by("pk").values_list("created_at", flat=True))
    assert dates == sorted(dates)
    assert Revision.objects.filter(kind=Revision.Kind.CREATE).count() == 300


def test_measured_agent_is_a_member_who_accepted_the_charter(generated):
    """The measured agent is an active member (not an animator) who accepted the charter."""
    made, _output = generated
    community = Community.objects.get(slug=made["community"])
    membership = Membership.objects.get(community=community, agent_id=made["viewer"])
    assert membership.state == Membership.State.ACTIVE
    assert membership.role == Membership.Role.MEMBER
    assert membership.charter_accepted_id == community.current_charter_id


def test_generator_is_refused_under_production_settings(settings):
    """DEMO_DATA_ALLOWED false (production): the generator refuses and writes nothing."""
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(SystemExit, match="interdites"):
        generate(parse_args(SMALL))
    assert not Page.objects.exists()
    assert not Revision.objects.exists()


def test_too_few_revisions_is_refused_with_the_reason():
    """Fewer revisions than the pages need: a French reason, nothing written."""
    with pytest.raises(SystemExit, match="ne suffisent pas"):
        generate(parse_args(["--pages", "100", "--revisions", "120", "--agents", "20"]))
    assert not Page.objects.exists()
