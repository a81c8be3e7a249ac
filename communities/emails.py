"""The e-mails of memberships: invitations and answers to requests. Queued on commit, so that
nobody is told of a change that was rolled back."""

from django.db import transaction
from django.urls import reverse

from communities.models import Invitation, Membership
from maillage.mail import send_templated_mail


def _queue(*, to, template, context, request):
    transaction.on_commit(
        lambda: send_templated_mail(
            to=to, template=f"communities/email/{template}", context=context, request=request
        )
    )


def _link(request, path):
    return request.build_absolute_uri(path)


def request_answered(*, request, community, agent, accepted, reason=""):
    """Tell an agent that the animators accepted or refused their request to join."""
    _queue(
        to=agent.email,
        template="request_accepted" if accepted else "request_refused",
        context={
            "agent": agent,
            "community": community,
            "reason": reason.strip(),
            "link": _link(request, community.get_absolute_url())
            if accepted
            else _link(request, reverse("communities:list")),
        },
        request=request,
    )


def request_received(*, request, community, membership, animators):
    """Tell the animators a request waits for their answer."""
    link = _link(request, reverse("communities:members", args=[community.slug]))
    for animator in animators:
        _queue(
            to=animator.email,
            template="request_received",
            context={
                "animator": animator,
                "agent": membership.agent,
                "community": community,
                "message": membership.message,
                "link": link,
            },
            request=request,
        )


def invited(*, request, community, result, inviter):
    """Tell the invited person, from what ``services.invite`` returned: a registered agent gets
    the community's link; an address with no account gets the sign-up page (State domains) or
    the link creating an external account (partners)."""
    context = {"community": community, "inviter": inviter}
    if isinstance(result, Invitation):
        if result.external:
            template = "invited_external"
            link = reverse("communities:external_invitation", args=[result.token])
        else:
            template = "invited_signup"
            link = reverse("signup")
        _queue(
            to=result.email,
            template=template,
            context={**context, "email": result.email, "link": _link(request, link)},
            request=request,
        )
        return
    membership = result
    if membership.state == Membership.State.ACTIVE:  # inviting an agent who had asked
        request_answered(
            request=request, community=community, agent=membership.agent, accepted=True
        )
        return
    _queue(
        to=membership.agent.email,
        template="invited",
        context={
            **context,
            "agent": membership.agent,
            "link": _link(request, community.get_absolute_url()),
        },
        request=request,
    )
