"""Every write on communities goes through these functions (views and consumers only call them).

Each validates with the permission policy, writes in one transaction, records the activity and
the audit log, and raises ``CommunityError`` with a French message the page can show as is.
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from communities.content import activity, audit
from communities.content import services as content_services
from communities.errors import CommunityError
from communities.models import (
    Announcement,
    AnnouncementComment,
    AnnouncementCommentRevision,
    CharterAcceptance,
    CharterTemplate,
    CharterVersion,
    Community,
    Invitation,
    Membership,
)
from communities.permissions import abilities, can_create_community, content_abilities
from maillage import effects
from notifications.services import notify, withdraw_on_commit

logger = logging.getLogger(__name__)
S = Membership.State
R = Membership.Role


def _check(allowed, message):
    if not allowed:
        raise CommunityError(message)


def _animator_ids(community):
    return Membership.objects.filter(
        community=community, state=S.ACTIVE, role=R.ANIMATOR
    ).values_list("agent_id", flat=True)


def _member_ids(community):
    return Membership.objects.filter(community=community, state=S.ACTIVE).values_list(
        "agent_id", flat=True
    )


def _refresh_member_count(community):
    community.member_count = community.memberships.filter(state=S.ACTIVE).count()
    Community.objects.filter(pk=community.pk).update(member_count=community.member_count)


# Addresses under /communautes/ that are not communities.
RESERVED_SLUGS = {"creer", "propositions", "invitation", "fichiers"}


def unique_slug(name, model=Community):
    base = slugify(name)[:140] or "communaute"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


# --- creating, editing, archiving -------------------------------------------------------------


def community_create(*, actor, animators=(), themes=(), ministries=(), source=None, **fields):
    """Create a community: the platform administrators, or whoever the app of ``source`` lets
    create one from it (a selected project of a call: ``register_creation_right``).

    It starts with version 1 of its charter, copied from the platform's template, and the
    given animators (the creator animates it when none is given).
    """
    _check(
        can_create_community(actor, source=source),
        _("Seuls les administrateurs créent des communautés."),
    )
    with transaction.atomic():
        community = Community(created_by=actor, **fields)
        if not community.slug:
            community.slug = unique_slug(community.name)
        community.full_clean(exclude=["current_charter"])
        community.save()
        community.themes.set(themes)
        community.ministries.set(ministries)
        template = CharterTemplate.load()
        charter = CharterVersion.objects.create(
            community=community, number=1, text=template.text, published_by=actor
        )
        community.current_charter = charter
        community.save(update_fields=["current_charter"])
        for agent in animators or [actor]:
            _activate(community, agent, role=R.ANIMATOR)
        _refresh_member_count(community)
        audit.record(community=community, actor=actor, action="community_created")
        activity.record(
            community=community,
            actor=actor,
            verb="created",
            summary=_("Création de la communauté « %(name)s »") % {"name": community.name},
            url=community.get_absolute_url(),
        )
    return community


# The visibility as the audit log says it (« Visibilité : ouverte → sur demande »).
VISIBILITY_SHORT = {
    Community.Visibility.OPEN: _lazy("ouverte"),
    Community.Visibility.ON_REQUEST: _lazy("sur demande"),
    Community.Visibility.PRIVATE_LISTED: _lazy("privée listée"),
    Community.Visibility.PRIVATE_SECRET: _lazy("privée secrète"),
}
# Long texts: the log says they changed, not their whole text.
_CHANGED_ONLY = {"description", "objective", "image"}
_AUDITED_FIELDS = (
    "name",
    "description",
    "objective",
    "kind",
    "visibility",
    "scope",
    "region",
    "department",
    "image",
)


def _settings_snapshot(community):
    """What the audit log compares before and after an edit of the settings (from the
    database: a bound form has already written the posted values on its instance)."""
    from communities.tools import installed_tools

    fields = {}
    for name in _AUDITED_FIELDS:
        field = Community._meta.get_field(name)
        value = getattr(community, name)
        if name == "visibility":
            shown = str(VISIBILITY_SHORT.get(value, value))
        elif field.choices:
            shown = str(dict(field.flatchoices).get(value, value))
        elif name == "image":
            shown = value.name if value else ""
        else:
            shown = str(value) if value is not None else ""
        label = _("visibilité") if name == "visibility" else str(field.verbose_name)
        fields[name] = (label, shown)
    for name in ("themes", "ministries"):
        names = sorted(str(obj) for obj in getattr(community, name).all())
        fields[name] = (str(Community._meta.get_field(name).verbose_name), ", ".join(names))
    for tool in installed_tools():
        fields[f"tool_{tool.key}"] = (str(tool.label), community.tool_enabled(tool.key))
    return fields


def settings_changes(before, after):
    """The lines the audit log shows for an edit of the settings, in French: « Nom : A → B »,
    « Visibilité : ouverte → sur demande », « Outil Messagerie instantanée : désactivé »."""
    lines = []
    for key, (label, old) in before.items():
        new = after[key][1]
        if old == new:
            continue
        label = label[:1].upper() + label[1:]
        if key.startswith("tool_"):
            state = _("activé") if new else _("désactivé")
            lines.append(_("Outil %(tool)s : %(state)s") % {"tool": label, "state": state})
        elif key in _CHANGED_ONLY:
            lines.append(_("%(field)s : modifié") % {"field": label})
        else:
            lines.append(
                _("%(field)s : %(old)s → %(new)s")
                % {"field": label, "old": old or _("aucun"), "new": new or _("aucun")}
            )
    return lines


def community_update(*, community, actor, form):
    """Save the animators' edit form (name, description, image, themes, territory, visibility,
    tools); the audit line says what changed."""
    _check(abilities(actor, community).can_edit, _("Seule l'animation modifie la communauté."))
    with transaction.atomic():
        before = _settings_snapshot(Community.objects.get(pk=community.pk))
        community = form.save()
        changes = settings_changes(before, _settings_snapshot(community))
        audit.record(
            community=community,
            actor=actor,
            action="community_updated",
            reason="\n".join(changes),
        )
    return community


def community_archive(*, community, actor, reason=""):
    _check(abilities(actor, community).can_archive, _("Seuls les administrateurs archivent."))
    with transaction.atomic():
        community.archived_at = timezone.now()
        community.save(update_fields=["archived_at"])
        audit.record(community=community, actor=actor, action="community_archived", reason=reason)
        _resync_animators_of(community)
    return community


def community_restore(*, community, actor):
    _check(abilities(actor, community).can_restore, _("Seuls les administrateurs restaurent."))
    with transaction.atomic():
        community.archived_at = None
        community.save(update_fields=["archived_at"])
        audit.record(community=community, actor=actor, action="community_restored")
        _resync_animators_of(community)
    return community


def _resync_animators_of(community):
    """An archived community animates nobody: its animators' seats in the animators' community
    follow."""
    for membership in community.memberships.filter(state=S.ACTIVE, role=R.ANIMATOR).select_related(
        "agent"
    ):
        sync_animators_community(membership.agent)


# --- memberships -----------------------------------------------------------------------------


def _activate(community, agent, *, role=R.MEMBER, membership=None):
    membership = membership or Membership.objects.filter(community=community, agent=agent).first()
    if membership is None:
        membership = Membership(community=community, agent=agent)
    membership.state = S.ACTIVE
    membership.role = role if role == R.ANIMATOR else membership.role or R.MEMBER
    membership.joined_at = membership.joined_at or timezone.now()
    membership.save()
    if membership.role == R.ANIMATOR:
        sync_animators_community(agent)
    return membership


def _check_not_archived(community):
    if community.is_archived:
        raise CommunityError(_("Cette communauté est archivée : plus rien n'y change."))


def community_join(*, community, agent):
    """Join an open community in one click."""
    _check_not_archived(community)
    ability = abilities(agent, community)
    if ability.is_member:
        raise CommunityError(_("Vous êtes déjà membre de cette communauté."))
    if ability.is_banned:
        raise CommunityError(_("Vous avez été exclu de cette communauté."))
    _check(ability.can_join, _("Cette communauté ne s'ouvre pas en un clic."))
    with transaction.atomic():
        try:
            membership = _activate(community, agent)
        except IntegrityError:  # a double click raced us
            raise CommunityError(_("Vous êtes déjà membre de cette communauté.")) from None
        _refresh_member_count(community)
        activity.record(
            community=community,
            actor=agent,
            verb="joined",
            summary=_("%(agent)s a rejoint la communauté") % {"agent": agent.display_name},
            url=community.get_absolute_url(),
        )
    return membership


def community_request(*, community, agent, message=""):
    """Ask to join an on-request community; the animators answer."""
    _check_not_archived(community)
    ability = abilities(agent, community)
    if ability.has_requested:
        raise CommunityError(_("Votre demande est déjà en attente."))
    if ability.is_banned:
        raise CommunityError(_("Vous avez été exclu de cette communauté."))
    if ability.is_member:
        raise CommunityError(_("Vous êtes déjà membre de cette communauté."))
    _check(ability.can_request, _("Cette communauté n'accepte pas de demande d'adhésion."))
    with transaction.atomic():
        membership = Membership.objects.create(
            community=community, agent=agent, state=S.REQUESTED, message=message.strip()
        )
        notify(
            "join_request",
            _animator_ids(community),
            target=membership,
            community=community,
            actor=agent,
            summary=_("%(agent)s demande à rejoindre « %(community)s »")
            % {"agent": agent.display_name, "community": community.name},
            url=reverse("communities:members", args=[community.slug]),
        )
    return membership


def request_cancel(*, community, agent):
    membership = Membership.objects.filter(
        community=community, agent=agent, state=S.REQUESTED
    ).first()
    _check(membership is not None, _("Aucune demande en attente."))
    membership.delete()


def request_answer(*, membership, actor, accept, reason=""):
    """Accept or refuse a request to join; refusing may give a reason the agent is shown."""
    community = membership.community
    _check(
        abilities(actor, community).can_manage_members, _("Seule l'animation répond aux demandes.")
    )
    with transaction.atomic():
        # Re-read under a lock: a page loaded before another answer must not answer twice.
        membership = (
            Membership.objects.select_for_update()
            .select_related("agent")
            .filter(pk=membership.pk, state=S.REQUESTED)
            .first()
        )
        _check(membership is not None, _("Cette demande a déjà reçu une réponse."))
        if accept:
            _activate(community, membership.agent, membership=membership)
            _refresh_member_count(community)
            activity.record(
                community=community,
                actor=membership.agent,
                verb="joined",
                summary=_("%(agent)s a rejoint la communauté")
                % {"agent": membership.agent.display_name},
                url=community.get_absolute_url(),
            )
            audit.record(
                community=community,
                actor=actor,
                action="request_accepted",
                target_agent=membership.agent,
            )
            notify(
                "request_answered",
                [membership.agent],
                target=community,
                community=community,
                actor=actor,
                summary=_("Votre demande pour « %(community)s » est acceptée")
                % {"community": community.name},
                url=community.get_absolute_url(),
            )
        else:
            audit.record(
                community=community,
                actor=actor,
                action="request_refused",
                target_agent=membership.agent,
                reason=reason,
            )
            notify(
                "request_answered",
                [membership.agent],
                target=community,
                community=community,
                actor=actor,
                summary=_refusal_summary(community, reason),
                url=reverse("communities:list"),
            )
            membership.delete()
    return membership


SUMMARY_LENGTH = 300  # Notification.summary


def _refusal_summary(community, reason):
    """The refused agent's notification, with the animators' reason (cut to fit): it is what
    tells them why, in the app and by e-mail."""
    summary = _("Votre demande pour « %(community)s » n'est pas acceptée") % {
        "community": community.name
    }
    reason = " ".join(reason.split())
    if not reason:
        return summary
    summary = _("%(summary)s. Motif : %(reason)s") % {"summary": summary, "reason": reason}
    if len(summary) > SUMMARY_LENGTH:
        summary = summary[: SUMMARY_LENGTH - 1].rstrip() + "…"
    return summary


def invite(*, community, actor, agent=None, email=""):
    """Invite an agent, or an e-mail address with no account yet (the invitation then waits for
    their first sign-in; an address outside the allowed domains gets an external account).

    An agent is told through the « invitation » notification (their preferences decide how);
    an address with no account is e-mailed once the invitation is committed."""
    from directory.models import Agent, email_domain_allowed

    _check(abilities(actor, community).can_invite, _("Seule l'animation invite."))
    if agent is None:
        email = (email or "").strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommunityError(
                _("« %(email)s » n'est pas une adresse électronique valide.") % {"email": email}
            ) from None
        agent = Agent.objects.filter(email__iexact=email).first()
    if agent is not None:
        if agent.is_closed:
            raise CommunityError(_("Ce compte a été fermé."))
        existing = Membership.objects.filter(community=community, agent=agent).first()
        if existing is not None:
            messages = {
                S.ACTIVE: _("%(agent)s est déjà membre."),
                S.INVITED: _("%(agent)s est déjà invité."),
                S.BANNED: _("%(agent)s a été exclu : levez l'exclusion avant de l'inviter."),
            }
            if existing.state != S.REQUESTED:
                raise CommunityError(messages[existing.state] % {"agent": agent.display_name})
            # Inviting someone who asked is accepting their request.
            return request_answer(membership=existing, actor=actor, accept=True)
        with transaction.atomic():
            membership = Membership.objects.create(
                community=community, agent=agent, state=S.INVITED, invited_by=actor
            )
            audit.record(community=community, actor=actor, action="invited", target_agent=agent)
            notify(
                "invitation",
                [agent],
                target=membership,
                community=community,
                actor=actor,
                summary=_("%(actor)s vous invite à rejoindre « %(community)s »")
                % {"actor": actor.display_name, "community": community.name},
                url=community.get_absolute_url(),
            )
        return membership
    with transaction.atomic():
        invitation, created = Invitation.objects.get_or_create(
            community=community,
            email=email,
            used_at=None,
            defaults={"invited_by": actor, "external": not email_domain_allowed(email)},
        )
        if not created:
            raise CommunityError(_("Une invitation attend déjà cette adresse."))
        audit.record(community=community, actor=actor, action="invited_by_email", reason=email)
        _mail_invitation(invitation, inviter=actor)
    return invitation


def _mail_invitation(invitation, *, inviter):
    """E-mail an invitation to an address with no account, on commit: the partner gets the link
    creating their external account; a State address, the sign-up page."""
    if invitation.external:
        template = "communities/email/invited_external"
        path = reverse("communities:external_invitation", args=[invitation.token])
    else:
        template = "communities/email/invited_signup"
        path = reverse("signup")
    effects.mail(
        to=invitation.email,
        template=template,
        context={
            "community": invitation.community,
            "inviter": inviter,
            "email": invitation.email,
            "link": settings.SITE_URL + path,
        },
    )


def invitation_withdraw(*, invitation, actor):
    """Withdraw an invitation by e-mail not used yet: its link stops working (the page says it
    does not exist)."""
    community = invitation.community
    _check(
        abilities(actor, community).can_manage_members,
        _("Seule l'animation retire une invitation."),
    )
    with transaction.atomic():
        deleted, _rows = Invitation.objects.filter(pk=invitation.pk, used_at=None).delete()
        _check(deleted, _("Cette invitation a déjà servi ou a déjà été retirée."))
        audit.record(
            community=community, actor=actor, action="invitation_withdrawn", reason=invitation.email
        )
    return invitation


def claim_invitations(*, agent):
    """Turn the e-mail invitations waiting for this agent's address into invitations to answer
    (called at sign-in and on account creation)."""
    with transaction.atomic():
        for invitation in Invitation.objects.filter(
            email__iexact=agent.email, used_at=None
        ).select_related("community"):
            Membership.objects.get_or_create(
                community=invitation.community,
                agent=agent,
                defaults={"state": S.INVITED, "invited_by": invitation.invited_by},
            )
            invitation.used_at = timezone.now()
            invitation.save(update_fields=["used_at"])


def invitation_answer(*, community, agent, accept):
    membership = Membership.objects.filter(
        community=community, agent=agent, state=S.INVITED
    ).first()
    _check(membership is not None, _("Aucune invitation en attente."))
    _check(not community.is_archived, _("Cette communauté est archivée."))
    with transaction.atomic():
        if accept:
            _activate(community, agent, membership=membership)
            _refresh_member_count(community)
            activity.record(
                community=community,
                actor=agent,
                verb="joined",
                summary=_("%(agent)s a rejoint la communauté") % {"agent": agent.display_name},
                url=community.get_absolute_url(),
            )
        else:
            membership.delete()
    return membership


def community_leave(*, community, agent):
    """Leave a community; the last animator must hand over first."""
    ability = abilities(agent, community)
    _check(ability.is_member, _("Vous n'êtes pas membre de cette communauté."))
    if ability.is_animator and _animator_count(community) == 1:
        raise CommunityError(
            _(
                "Vous êtes la dernière personne à animer cette communauté : confiez l'animation "
                "à un autre membre avant de partir."
            )
        )
    _check(ability.can_leave, _("On ne quitte pas cette communauté."))
    with transaction.atomic():
        was_animator = ability.is_animator
        ability.membership.delete()
        _refresh_member_count(community)
        if was_animator:
            sync_animators_community(agent)
        withdraw_on_commit(agent=agent, community=community)
    return community


def _animator_count(community):
    return community.memberships.filter(state=S.ACTIVE, role=R.ANIMATOR).count()


def member_set_role(*, membership, actor, role):
    """Promote a member to animator or demote an animator (never the last one)."""
    community = membership.community
    _check(abilities(actor, community).can_manage_members, _("Seule l'animation gère les membres."))
    _check(membership.state == S.ACTIVE, _("Seul un membre peut changer de rôle."))
    _check(role in R.values, _("Rôle inconnu."))
    if membership.role == R.ANIMATOR and role == R.MEMBER and _animator_count(community) == 1:
        raise CommunityError(_("La communauté garde au moins une personne à l'animation."))
    with transaction.atomic():
        membership.role = role
        membership.save(update_fields=["role"])
        audit.record(
            community=community, actor=actor, action=f"role_{role}", target_agent=membership.agent
        )
        sync_animators_community(membership.agent)
    return membership


def member_remove(*, membership, actor, ban=False, reason=""):
    """Remove a member, or ban them (with a reason): a banned agent cannot come back."""
    community = membership.community
    _check(abilities(actor, community).can_manage_members, _("Seule l'animation gère les membres."))
    if ban and not reason.strip():
        raise CommunityError(_("Indiquez le motif de l'exclusion."))
    if membership.agent_id == actor.pk:
        raise CommunityError(_("Pour partir, utilisez « Quitter la communauté »."))
    if (
        membership.role == R.ANIMATOR
        and membership.state == S.ACTIVE
        and _animator_count(community) == 1
    ):
        raise CommunityError(_("La communauté garde au moins une personne à l'animation."))
    with transaction.atomic():
        was_animator = membership.is_animator
        if ban:
            membership.state, membership.role, membership.reason = (
                S.BANNED,
                R.MEMBER,
                reason.strip(),
            )
            membership.save(update_fields=["state", "role", "reason"])
        else:
            membership.delete()
        _refresh_member_count(community)
        audit.record(
            community=community,
            actor=actor,
            action="banned" if ban else "removed",
            target_agent=membership.agent,
            reason=reason,
        )
        if was_animator:
            sync_animators_community(membership.agent)
        withdraw_on_commit(agent=membership.agent, community=community)
    return membership


def member_unban(*, membership, actor):
    community = membership.community
    _check(abilities(actor, community).can_manage_members, _("Seule l'animation gère les membres."))
    _check(membership.state == S.BANNED, _("Ce membre n'est pas exclu."))
    with transaction.atomic():
        audit.record(
            community=community, actor=actor, action="unbanned", target_agent=membership.agent
        )
        membership.delete()


def memberships_end_for_closed_account(*, agent):
    """End every membership, request and invitation of a closed account. Its communities keep
    their content; one left without an animator shows in the administrators' audit log."""
    memberships = list(
        Membership.objects.filter(agent=agent).exclude(state=S.BANNED).select_related("community")
    )
    for membership in memberships:
        community = membership.community
        was_animator = membership.is_animator
        membership.delete()
        _refresh_member_count(community)
        if (
            was_animator
            and not community.is_animators_community
            and _animator_count(community) == 0
        ):
            audit.record(
                community=community, actor=None, action="left_without_animator", target_agent=agent
            )
    Invitation.objects.filter(email__iexact=agent.email, used_at=None).delete()


# --- the animators' community ------------------------------------------------------------------


def animators_community():
    """The built-in community of every animator, created on first use."""
    community = Community.objects.filter(is_animators_community=True).first()
    if community is None:
        community = Community.objects.create(
            name="Communauté des animateurs",
            slug="communaute-des-animateurs",
            description=(
                "L'espace des animatrices et animateurs de toutes les communautés de Maillage : "
                "partager les bonnes pratiques d'animation, les outils, les questions."
            ),
            objective="Faire vivre les communautés professionnelles et partager les pratiques d'animation.",
            kind=Community.Kind.USAGE,
            visibility=Community.Visibility.PRIVATE_SECRET,
            scope=Community.Scope.NATIONAL,
            is_animators_community=True,
        )
    return community


def sync_animators_community(agent):
    """Every animator of any community is a member of the animators' community; someone who
    animates nothing any more is not."""
    community = animators_community()
    animates = (
        Membership.objects.filter(agent=agent, state=S.ACTIVE, role=R.ANIMATOR)
        .exclude(community=community)
        .filter(community__archived_at__isnull=True)
        .exists()
    )
    existing = Membership.objects.filter(community=community, agent=agent).first()
    if animates and existing is None:
        Membership.objects.create(
            community=community, agent=agent, state=S.ACTIVE, joined_at=timezone.now()
        )
    elif not animates and existing is not None:
        existing.delete()
    else:
        return
    _refresh_member_count(community)


# --- the charter -----------------------------------------------------------------------------


def charter_publish(*, community, actor, text):
    """Publish a new version: every member must accept it again before contributing."""
    _check_not_archived(community)
    _check(
        abilities(actor, community).can_publish_charter, _("Seule l'animation publie la charte.")
    )
    text = text.strip()
    _check(bool(text), _("La charte ne peut pas être vide."))
    with transaction.atomic():
        community = Community.objects.select_for_update().get(pk=community.pk)
        last = community.charter_versions.order_by("-number").first()
        version = CharterVersion.objects.create(
            community=community,
            number=(last.number + 1) if last else 1,
            text=text,
            published_by=actor,
        )
        community.current_charter = version
        community.save(update_fields=["current_charter"])
        # Whoever publishes a version subscribes to it.
        publisher = Membership.objects.filter(
            community=community, agent=actor, state=S.ACTIVE
        ).first()
        if publisher is not None:
            CharterAcceptance.objects.get_or_create(version=version, agent=actor)
            publisher.charter_accepted = version
            publisher.save(update_fields=["charter_accepted"])
        audit.record(community=community, actor=actor, action="charter_published", target=version)
        activity.record(
            community=community,
            actor=actor,
            verb="charter",
            summary=_("Nouvelle version de la charte (v%(n)s) : chaque membre doit l'accepter")
            % {"n": version.number},
            url=community.get_absolute_url() + "charte/",
        )
        notify(
            "charter_version",
            _member_ids(community),
            target=version,
            community=community,
            actor=actor,
            summary=_("« %(community)s » publie la version %(n)s de sa charte : à accepter")
            % {"community": community.name, "n": version.number},
            url=reverse("communities:charter", args=[community.slug]),
        )
    return version


def charter_accept(*, community, agent, version_id):
    """Accept the current charter; an outdated version is refused."""
    ability = abilities(agent, community)
    _check(ability.is_member, _("Seuls les membres acceptent la charte."))
    _check(not community.is_archived, _("Cette communauté est archivée."))
    try:
        version_id = int(version_id)
    except (TypeError, ValueError):
        raise CommunityError(_("Version de charte inconnue.")) from None
    if version_id != community.current_charter_id:
        raise CommunityError(
            _("Cette version de la charte n'est plus en vigueur : lisez la version actuelle.")
        )
    with transaction.atomic():
        CharterAcceptance.objects.get_or_create(version_id=version_id, agent=agent)
        membership = ability.membership
        membership.charter_accepted_id = version_id
        membership.save(update_fields=["charter_accepted"])
    return membership


# --- announcements ---------------------------------------------------------------------------


def announcement_create(*, community, actor, title, body, pinned=False, attachment=None):
    """An animator's annonce, published at once (``communities.blog.post_create``)."""
    from communities import blog

    return blog.post_create(
        community=community,
        actor=actor,
        title=title,
        body=body,
        kind=Announcement.Kind.ANNOUNCEMENT,
        pinned=pinned,
        attachment=attachment,
    )


def announcement_update(
    *, announcement, actor, title, body, pinned, attachment=None, remove_attachments=()
):
    """Its author edits an annonce (``communities.blog.post_update``)."""
    from communities import blog

    return blog.post_update(
        post=announcement,
        actor=actor,
        title=title,
        body=body,
        pinned=pinned,
        attachment=attachment,
        remove_attachments=remove_attachments,
    )


def comment_create(*, announcement, agent, body):
    _check_not_archived(announcement.community)
    ability = abilities(agent, announcement.community)
    if ability.must_accept_charter:
        raise CommunityError(_("Acceptez la charte de la communauté avant de contribuer."))
    _check(ability.can_contribute, _("Seuls les membres commentent."))
    _check(not announcement.is_hidden, _("Cette annonce a été masquée."))
    _check(not announcement.is_draft, _("Un brouillon ne se commente pas."))
    body = body.strip()
    _check(bool(body), _("Le commentaire est vide."))
    with transaction.atomic():
        comment = AnnouncementComment.objects.create(
            announcement=announcement, community=announcement.community, author=agent, body=body
        )
        activity.record(
            community=announcement.community,
            actor=agent,
            verb="comment",
            target=comment,
            summary=_("%(agent)s a commenté « %(title)s »")
            % {"agent": agent.display_name, "title": announcement.title},
        )
        # Who follows the announcement hears of it; who comments follows it from now on.
        notify(
            "comment",
            content_services.followers(announcement),
            target=comment,
            community=announcement.community,
            actor=agent,
            summary=_("%(agent)s a commenté « %(title)s »")
            % {"agent": agent.display_name, "title": announcement.title},
            url=comment.get_absolute_url(),
        )
        content_services.follow(agent=agent, target=announcement)
    return comment


def comment_edit(*, comment, agent, body):
    """The author changes their comment (marked « modifié »); the previous text is kept for the
    animators."""
    ability = content_abilities(agent, comment)
    _check_not_archived(comment.community)
    _check(ability.is_author, _("Vous ne modifiez que vos propres commentaires."))
    _check(not ability.is_deleted, _("Ce commentaire a été supprimé."))
    _check(not ability.is_hidden, _("Ce commentaire a été masqué par l'animation."))
    if ability.community_abilities.must_accept_charter:
        raise CommunityError(_("Acceptez la charte de la communauté avant de contribuer."))
    _check(ability.can_edit, _("Vous ne pouvez plus modifier ce commentaire."))
    body = (body or "").strip()
    _check(bool(body), _("Le commentaire est vide."))
    if body == comment.body:
        return comment
    with transaction.atomic():
        AnnouncementCommentRevision.objects.create(
            comment=comment, body=comment.body, replaced_by=agent
        )
        comment.body = body
        comment.edited_at = timezone.now()
        # Only the fields of the edit: a stale copy never undoes a moderation (is_hidden).
        comment.save(update_fields=["body", "edited_at"])
    return comment


def comment_delete(*, comment, agent):
    """Its author or the animators delete a comment: it shows as « Commentaire supprimé »; its
    text stays in the history the animators read."""
    ability = content_abilities(agent, comment)
    _check_not_archived(comment.community)
    _check(not ability.is_deleted, _("Ce commentaire est déjà supprimé."))
    _check(ability.can_delete, _("Vous ne pouvez pas supprimer ce commentaire."))
    with transaction.atomic():
        AnnouncementCommentRevision.objects.create(
            comment=comment, body=comment.body, replaced_by=agent
        )
        comment.body = ""
        comment.deleted_at = timezone.now()
        comment.deleted_by = agent
        comment.save(update_fields=["body", "deleted_at", "deleted_by"])
        if agent.pk != comment.author_id:
            audit.record(
                community=comment.community,
                actor=agent,
                action="comment_deleted",
                target=comment,
                target_agent=comment.author,
            )
    return comment
