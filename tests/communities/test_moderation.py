"""Reports, the moderation queue, hiding and restoring, dismissing, and the audit log."""

from html import unescape

import pytest
from django.urls import reverse

from communities import services
from communities.content import moderation
from communities.models import (
    Announcement,
    AnnouncementComment,
    AuditLog,
    CharterVersion,
    Report,
)
from directory.models import Agent
from tests.communities.content_helpers import (
    add_member,
    ban,
    build_world,
    content_type_id,
    fresh,
    make_community,
    queries_of,
)
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def text(response):
    return unescape(response.content.decode())


def report_url(community, obj, ct_id=None):
    return reverse(
        "communities:report",
        args=[community.slug, ct_id or content_type_id(obj), obj.pk],
    )


def moderate_url(community, obj, action, ct_id=None):
    return reverse(
        "communities:moderate",
        args=[community.slug, ct_id or content_type_id(obj), obj.pk, action],
    )


def queue_url(community):
    return reverse("communities:moderation", args=[community.slug])


def audit_url(community):
    return reverse("communities:audit_log", args=[community.slug])


def dismiss_url(community, report):
    return reverse("communities:report_dismiss", args=[community.slug, report.pk])


def detail_url(world):
    return world.announcement.get_absolute_url()


@pytest.fixture
def other_world():
    """Another community, with its own announcement and comment, animated by someone else."""
    other = make_community(name="Sécurité alimentaire")
    animator = fresh(other.memberships.get(role="animator").agent)
    member = add_member(other)
    announcement = services.announcement_create(
        community=other, actor=animator, title="Annonce d'ailleurs", body="Texte d'ailleurs"
    )
    comment = services.comment_create(
        announcement=announcement, agent=member, body="Commentaire confidentiel d'ailleurs"
    )
    return other, announcement, comment


# --- The whole story ------------------------------------------------------------------------------


def test_report_hide_audit_restore(client, world):
    """A member reports a comment; the animator sees it, hides it with a reason, members no longer
    see it, the audit log has the line; restoring brings it back."""
    client.force_login(world.newcomer)
    url = report_url(world.community, world.comment)
    page = text(client.get(url))
    assert "Je serai présent." in page  # the excerpt of the reported comment
    assert "Motif du signalement" in page
    response = client.post(url, {"reason": "Hors sujet et agressif"})
    assert response.status_code == 302
    assert response["Location"] == world.comment.get_absolute_url()
    report = Report.objects.get()
    assert (report.reporter, report.community, report.content) == (
        world.newcomer,
        world.community,
        world.comment,
    )
    assert "votre signalement est transmis" in text(client.get(response["Location"]))

    client.force_login(world.animator)
    page = text(client.get(queue_url(world.community)))
    assert "Signalements à traiter (1)" in page
    assert "Je serai présent." in page
    assert "Hors sujet et agressif" in page
    assert "Nina Nouvelle" in page
    response = client.post(
        moderate_url(world.community, world.comment, "hide"), {"reason": "Propos agressifs"}
    )
    assert response.status_code == 302
    assert response["Location"] == queue_url(world.community)
    assert fresh(world.comment).is_hidden
    assert fresh(report).status == Report.Status.HIDDEN
    page = text(client.get(queue_url(world.community)))
    assert "Aucun signalement à traiter." in page
    hidden_section = page.split('data-testid="hidden-content"')[1]
    assert "Je serai présent." in hidden_section and "Rétablir" in hidden_section

    client.force_login(world.member)
    assert "Je serai présent." not in text(client.get(detail_url(world)))

    client.force_login(world.animator)
    audit = text(client.get(audit_url(world.community)))
    line = audit.split("<tbody>")[1].split("</tr>")[0]
    assert "Contenu masqué" in line
    assert "Alice Anim" in line
    assert "Propos agressifs" in line
    assert "Commentaire « Je serai présent. »" in line

    response = client.post(moderate_url(world.community, world.comment, "restore"))
    assert response.status_code == 302
    assert not fresh(world.comment).is_hidden
    audit = text(client.get(audit_url(world.community)))
    assert "Contenu rétabli" in audit.split("<tbody>")[1].split("</tr>")[0]
    client.force_login(world.member)
    assert "Je serai présent." in text(client.get(detail_url(world)))


def test_hide_from_the_announcement_goes_back_there(client, world):
    """Hiding from the announcement page comes back to it, not to the queue."""
    client.force_login(world.animator)
    response = client.post(
        moderate_url(world.community, world.announcement, "hide"), {"next": detail_url(world)}
    )
    assert response["Location"] == detail_url(world)
    assert fresh(world.announcement).is_hidden


def test_queue_groups_reports_by_content(client, world):
    """Several reports of one content show as one item with every reporter's reason."""
    moderation.report_create(agent=world.newcomer, content=world.comment, reason="Raison une")
    moderation.report_create(agent=world.animator, content=world.comment, reason="Raison deux")
    moderation.report_create(agent=world.member, content=world.announcement, reason="Raison trois")
    client.force_login(world.animator)
    page = text(client.get(queue_url(world.community)))
    assert "Signalements à traiter (2)" in page
    assert page.count('data-testid="report-group"') == 2
    groups = page.split('data-testid="report-group"')[1:]
    comment_group = next(g for g in groups if "Je serai présent." in g)
    assert "Raison une" in comment_group and "Raison deux" in comment_group
    assert comment_group.count("Classer sans suite") == 2


def test_dismiss_closes_the_report_and_is_audited(client, world):
    """« Classer sans suite » closes the report, keeps the content, writes the audit log."""
    report = moderation.report_create(agent=world.member, content=world.comment, reason="Bof")
    client.force_login(world.animator)
    response = client.post(dismiss_url(world.community, report))
    assert response.status_code == 302
    assert fresh(report).status == Report.Status.DISMISSED
    assert not fresh(world.comment).is_hidden
    assert AuditLog.objects.filter(action="report_dismissed", community=world.community).exists()
    page = text(client.get(response["Location"]))
    assert "Le signalement est classé sans suite." in page
    response = client.post(dismiss_url(world.community, report))
    assert "Ce signalement a déjà été traité." in text(client.get(response["Location"]))
    assert AuditLog.objects.filter(action="report_dismissed").count() == 1


def test_hiding_twice_is_refused_without_a_second_audit_line(client, world):
    """Hiding hidden content says so in French and writes nothing more."""
    client.force_login(world.animator)
    client.post(moderate_url(world.community, world.comment, "hide"))
    response = client.post(moderate_url(world.community, world.comment, "hide"))
    assert "Ce contenu est déjà masqué." in text(client.get(response["Location"]))
    assert AuditLog.objects.filter(action="hidden").count() == 1


def test_report_needs_a_reason(client, world):
    """An empty reason is refused in French and nothing is saved."""
    client.force_login(world.member)
    response = client.post(report_url(world.community, world.comment), {"reason": "  "})
    assert response.status_code == 400
    assert "Indiquez le motif du signalement." in text(response)
    assert not Report.objects.exists()


def test_too_long_moderation_reason_is_refused(client, world):
    """A reason over 1,000 characters is refused; the content stays as it was."""
    client.force_login(world.animator)
    response = client.post(
        moderate_url(world.community, world.comment, "hide"), {"reason": "x" * 1001}
    )
    assert response.status_code == 302
    assert not fresh(world.comment).is_hidden
    assert "ne peut pas dépasser 1 000 caractères" in text(client.get(response["Location"]))


# --- Bad input ------------------------------------------------------------------------------------


def test_forged_ids_of_another_community_are_404_and_change_nothing(client, world, other_world):
    """Another community's comment id in this community's report and moderate URLs answers 404."""
    _other, announcement, comment = other_world
    client.force_login(world.member)
    response = client.get(report_url(world.community, comment))
    assert response.status_code == 404
    assert "confidentiel" not in text(response)
    response = client.post(report_url(world.community, comment), {"reason": "Forgé"})
    assert response.status_code == 404
    assert not Report.objects.exists()

    client.force_login(world.animator)
    for obj in (comment, announcement):
        response = client.post(moderate_url(world.community, obj, "hide"))
        assert response.status_code == 404
        assert not fresh(obj).is_hidden
    assert not AuditLog.objects.filter(action="hidden").exists()


def test_dismissing_a_report_of_another_community_is_404(client, world, other_world):
    """A report id of another community cannot be dismissed from this one."""
    other, _announcement, comment = other_world
    reporter = fresh(other.memberships.get(role="animator").agent)
    foreign = moderation.report_create(agent=reporter, content=comment, reason="Chez eux")
    client.force_login(world.animator)
    assert client.post(dismiss_url(world.community, foreign)).status_code == 404
    assert fresh(foreign).status == Report.Status.OPEN


@pytest.mark.parametrize(
    "model", [Agent, CharterVersion, Report], ids=["agent", "charter", "report"]
)
def test_unregistered_content_type_is_404(client, world, model):
    """Only registered content can be reported or moderated: anything else answers 404."""
    obj = {
        Agent: world.member,
        CharterVersion: fresh(world.community).current_charter,
        Report: moderation.report_create(agent=world.member, content=world.comment, reason="x"),
    }[model]
    client.force_login(world.member)
    assert client.get(report_url(world.community, obj)).status_code == 404
    client.force_login(world.animator)
    assert client.post(moderate_url(world.community, obj, "hide")).status_code == 404


@pytest.mark.parametrize("ct_id", [0, 999999, 99999999999999999999])
def test_unknown_content_type_is_404(client, world, ct_id):
    """A content type id that does not exist answers 404, never a 500."""
    client.force_login(world.animator)
    url = f"/communautes/{world.community.slug}/signaler/{ct_id}/{world.comment.pk}/"
    assert client.get(url).status_code == 404
    url = f"/communautes/{world.community.slug}/moderation/{ct_id}/{world.comment.pk}/hide/"
    assert client.post(url).status_code == 404


def test_missing_object_is_404(client, world):
    """An object id that does not exist answers 404."""
    client.force_login(world.member)
    url = reverse(
        "communities:report",
        args=[world.community.slug, content_type_id(AnnouncementComment), 987654],
    )
    assert client.get(url).status_code == 404


def test_unknown_moderation_action_is_404(client, world):
    """Only « hide » and « restore » exist."""
    client.force_login(world.animator)
    assert client.post(moderate_url(world.community, world.comment, "delete")).status_code == 404
    assert AnnouncementComment.objects.filter(pk=world.comment.pk).exists()


def test_hidden_content_cannot_be_reported_by_members(client, world):
    """Hidden content answers 404 to a member's report: its existence is not confirmed."""
    moderation.content_set_hidden(content=world.comment, actor=world.animator, hidden=True)
    client.force_login(world.member)
    assert client.get(report_url(world.community, world.comment)).status_code == 404


def test_comment_below_a_hidden_announcement_cannot_be_reported(client, world):
    """A comment that went with its hidden announcement is not confirmed to a member either."""
    moderation.content_set_hidden(content=world.announcement, actor=world.animator, hidden=True)
    client.force_login(world.member)
    response = client.get(report_url(world.community, world.comment))
    assert response.status_code == 404
    assert "Je serai présent." not in text(response)


@pytest.mark.parametrize("name", ["moderate", "dismiss"])
def test_state_changes_are_post_only(client, world, name):
    """GET on the moderation actions answers 405 and changes nothing."""
    report = moderation.report_create(agent=world.member, content=world.comment, reason="x")
    url = (
        moderate_url(world.community, world.comment, "hide")
        if name == "moderate"
        else dismiss_url(world.community, report)
    )
    client.force_login(world.animator)
    assert client.get(url).status_code == 405
    assert not fresh(world.comment).is_hidden
    assert fresh(report).status == Report.Status.OPEN


def test_non_members_cannot_report(client, world):
    """An agent outside an open community reads it but cannot report: 404, nothing saved."""
    client.force_login(AgentFactory())
    url = report_url(world.community, world.comment)
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "Je passais"}).status_code == 404
    assert not Report.objects.exists()


# --- The audit log ----------------------------------------------------------------------------------


def test_audit_log_says_actions_in_french(client, world):
    """The log names each action in French, with actor, target and reason, newest first."""
    services.charter_publish(community=world.community, actor=world.animator, text="V2")
    membership = world.community.memberships.get(agent=world.newcomer)
    services.member_set_role(membership=membership, actor=world.animator, role="animator")
    ban(world.community, world.member, world.animator)
    client.force_login(world.animator)
    page = text(client.get(audit_url(world.community)))
    rows = page.split("<tbody>")[1].split("</tbody>")[0]
    assert rows.index("Exclusion") < rows.index("Animation confiée")
    assert rows.index("Animation confiée") < rows.index("Publication de la charte")
    assert "Création de la communauté" in rows
    assert "Charte, version 2" in rows
    assert "Propos injurieux" in rows
    assert "Marc Membre" in rows and "Nina Nouvelle" in rows
    assert "role_animator" not in rows


def test_audit_log_names_a_target_that_is_not_community_content(client, world):
    """An audit line may target any object of the community (a forum's category, a membership):
    the log names it by its own name instead of failing."""
    from communities.content import audit

    membership = world.community.memberships.get(agent=world.member)
    audit.record(
        community=world.community, actor=world.animator, action="member_note", target=membership
    )
    client.force_login(world.animator)
    response = client.get(audit_url(world.community))
    assert response.status_code == 200
    assert str(membership) in text(response)


def test_audit_log_is_paginated(client, world, django_assert_max_num_queries):
    """Twenty-five lines a page; the query count does not grow with the lines."""
    client.force_login(world.animator)

    def add_lines(count):
        for n in range(count):
            AuditLog.objects.create(
                community=world.community,
                actor=AgentFactory(),
                action="hidden" if n % 2 else "charter_published",
                content_type_id=content_type_id(AnnouncementComment)
                if n % 2
                else content_type_id(CharterVersion),
                object_id=world.comment.pk if n % 2 else world.community.current_charter_id,
                target_agent=AgentFactory(),
                reason=f"motif {n}",
            )

    add_lines(2)
    baseline = queries_of(client, audit_url(world.community))
    assert baseline <= 10  # the page, its count, one query per kind of target, the layout
    add_lines(30)
    with django_assert_max_num_queries(baseline):
        page = text(client.get(audit_url(world.community)))
    assert page.split("<tbody>")[1].count("<tr>") == 25
    assert "fr-pagination" in page
    assert client.get(audit_url(world.community) + "?page=2").status_code == 200


# --- The permission matrix ------------------------------------------------------------------------

ROLES = [
    "anonymous",
    "outsider",
    "member_without_charter",
    "member",
    "animator",
    "banned",
    "sgar_officer",
    "platform_admin",
]


def agent_for(role, world):
    if role == "anonymous":
        return None
    if role == "outsider":
        return AgentFactory()
    if role == "member_without_charter":
        return world.newcomer
    if role == "member":
        return world.member
    if role == "animator":
        return world.animator
    if role == "banned":
        return ban(world.community, add_member(world.community), world.animator)
    if role == "sgar_officer":
        return AgentFactory(sgar=True)
    if role == "platform_admin":
        return world.admin
    raise AssertionError(role)


def as_role(client, role, world):
    agent = agent_for(role, world)
    if agent is not None:
        client.force_login(agent)
    return client


# In an open community (whose content every State agent may read), the expected answers.
REPORT = {  # GET the report form of a member's comment
    "anonymous": 302,
    "outsider": 404,
    "member_without_charter": 200,
    "member": 200,
    "animator": 200,
    "banned": 404,
    "sgar_officer": 404,
    "platform_admin": 404,
}
SEE_QUEUE = {
    "anonymous": 302,
    "outsider": 404,
    "member_without_charter": 404,
    "member": 404,
    "animator": 200,
    "banned": 404,
    "sgar_officer": 404,
    "platform_admin": 200,
}
HIDE = {  # POST hide on a member's comment: (status, hidden afterwards)
    "anonymous": (302, False),
    "outsider": (404, False),
    "member_without_charter": (404, False),
    "member": (404, False),
    "animator": (302, True),
    "banned": (404, False),
    "sgar_officer": (404, False),
    "platform_admin": (302, True),
}
SEE_AUDIT_LOG = {
    "anonymous": 302,
    "outsider": 404,
    "member_without_charter": 404,
    "member": 404,
    "animator": 200,
    "banned": 404,
    "sgar_officer": 404,
    "platform_admin": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_matrix_report(client, world, role):
    """Who may open the report form of a comment."""
    response = as_role(client, role, world).get(report_url(world.community, world.comment))
    assert response.status_code == REPORT[role]
    if role == "anonymous":
        assert response["Location"].startswith("/connexion/")


@pytest.mark.parametrize("role", ROLES)
def test_matrix_see_queue(client, world, role):
    """Who may see the moderation queue."""
    response = as_role(client, role, world).get(queue_url(world.community))
    assert response.status_code == SEE_QUEUE[role]


@pytest.mark.parametrize("role", ROLES)
def test_matrix_hide(client, world, role):
    """Who may hide a member's comment."""
    response = as_role(client, role, world).post(
        moderate_url(world.community, world.comment, "hide")
    )
    assert (response.status_code, fresh(world.comment).is_hidden) == HIDE[role]


@pytest.mark.parametrize("role", ROLES)
def test_matrix_see_audit_log(client, world, role):
    """Who may see the audit log."""
    response = as_role(client, role, world).get(audit_url(world.community))
    assert response.status_code == SEE_AUDIT_LOG[role]


def test_announcement_is_reportable_too(client, world):
    """The announcement itself can be reported, through the same generic mechanism."""
    client.force_login(world.member)
    url = report_url(world.community, world.announcement)
    assert "Réunion du réseau en mars" in text(client.get(url))
    client.post(url, {"reason": "Date erronée"})
    assert Report.objects.get().content == world.announcement
    assert isinstance(Report.objects.get().content, Announcement)
