"""The kinds of events agents are notified of, with their French names, default channels, and
the permission check applied to each recipient when the notification is made and again when a
digest goes out (``visible(agent, target) -> bool``, through the one policy).

Apps that add events (the forum, the wiki, the ideas, the calls) register their kinds here.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from notifications.models import Email


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    description: str
    default_email: str
    visible: Callable
    default_in_app: bool = True


KINDS = {}


def register(key, *, label, description, visible, default_email=Email.WEEKLY):
    KINDS[key] = Kind(
        key=key,
        label=label,
        description=description,
        default_email=default_email,
        visible=visible,
    )


def get(key):
    return KINDS[key]


# --- the permission checks --------------------------------------------------------------------


def _abilities(agent, community):
    from communities.permissions import abilities

    return abilities(agent, community)


def _join_request_visible(agent, membership):
    from communities.models import Membership

    return (
        membership.state == Membership.State.REQUESTED
        and _abilities(agent, membership.community).can_manage_members
    )


def _request_answer_visible(agent, community):
    return _abilities(agent, community).can_view


def _invitation_visible(agent, membership):
    from communities.models import Membership

    return membership.agent_id == agent.pk and membership.state == Membership.State.INVITED


def _charter_visible(agent, version):
    ability = _abilities(agent, version.community)
    return ability.is_member and version.community.current_charter_id == version.pk


def _announcement_visible(agent, announcement):
    ability = _abilities(agent, announcement.community)
    return ability.is_member and not announcement.is_hidden


def _report_visible(agent, report):
    from communities.models import Report

    return report.status == Report.Status.OPEN and _abilities(agent, report.community).can_moderate


def _message_visible(agent, message):
    from communities.permissions import room_abilities

    return not message.is_deleted and room_abilities(agent, message.room).can_read


register(
    "join_request",
    label=_("Demandes d'adhésion"),
    description=_("Quelqu'un demande à rejoindre une communauté que vous animez."),
    visible=_join_request_visible,
)
register(
    "request_answered",
    label=_("Réponses à vos demandes"),
    description=_("Les animateurs ont accepté ou refusé votre demande d'adhésion."),
    visible=_request_answer_visible,
)
register(
    "invitation",
    label=_("Invitations"),
    description=_("Vous êtes invité à rejoindre une communauté."),
    visible=_invitation_visible,
)
register(
    "charter_version",
    label=_("Chartes à accepter"),
    description=_("Une nouvelle version de la charte d'une de vos communautés."),
    visible=_charter_visible,
)
register(
    "announcement",
    label=_("Annonces"),
    description=_("Une nouvelle annonce dans une de vos communautés."),
    visible=_announcement_visible,
)
register(
    "mention",
    label=_("Mentions"),
    description=_("Quelqu'un vous mentionne dans la messagerie (@Prénom Nom)."),
    visible=_message_visible,
    default_email=Email.IMMEDIATE,
)
register(
    "direct_message",
    label=_("Messages privés"),
    description=_("Un message dans une de vos conversations privées."),
    visible=_message_visible,
    default_email=Email.IMMEDIATE,
)
register(
    "report",
    label=_("Signalements"),
    description=_("Un contenu signalé dans une communauté que vous animez."),
    visible=_report_visible,
)
