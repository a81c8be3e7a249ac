"""External users: a partner outside the State, invited by e-mail, creates an account that reaches
only the communities they were invited to."""

import logging

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from communities import services
from communities.models import Invitation
from communities.services import CommunityError
from directory.models import Agent

logger = logging.getLogger(__name__)


def invitation_by_token(token):
    return Invitation.objects.filter(token=token).select_related("community", "invited_by").first()


def external_account_create(*, invitation, first_name, last_name, password):
    """Create the active external account of the invited address and turn its waiting e-mail
    invitations into invitations to answer (they accept them on the community's page)."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.used_at is not None:
            raise CommunityError(_("Cette invitation a déjà été utilisée."))
        if not invitation.external:
            raise CommunityError(
                _("Cette adresse peut s'inscrire sur Maillage : créez votre compte d'agent.")
            )
        if invitation.community.is_archived:
            raise CommunityError(_("Cette communauté est archivée."))
        if Agent.objects.filter(email__iexact=invitation.email).exists():
            raise CommunityError(_("Un compte existe déjà pour cette adresse : connectez-vous."))
        try:
            with transaction.atomic():
                agent = Agent.objects.create_user(
                    invitation.email,
                    password,
                    first_name=first_name.strip(),
                    last_name=last_name.strip(),
                    is_external=True,
                    is_active=True,
                )
        except IntegrityError:  # the same form posted twice at once
            raise CommunityError(
                _("Un compte existe déjà pour cette adresse : connectez-vous.")
            ) from None
        services.claim_invitations(agent=agent)
    logger.info("external account created", extra={"agent_id": agent.pk})
    return agent
