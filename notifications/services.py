"""Every write of the notifications: making them (``notify``), reading them, withdrawing those no
longer visible, preferences, mutes, unsubscribing, and the digests' schedule.

``notify`` is the one function the other apps call: it queues, on commit, a background task
(Django's tasks API) that fans the event out to its recipients. The task applies the permission
policy (the kind's ``visible``), the recipients' mutes and preferences at that moment, writes the
rows in bulk, bumps each recipient's unread counter, pushes the new count to their open tabs
through ``/ws/``, and e-mails those who asked for it at once.

What a notification is about may become invisible to its recipient afterwards (a content hidden,
a member banned, a report closed). Every read checks again (``notifications.selectors``) and
withdraws what fails (``withdraw``); the communities' services also ask for it on commit when
they change what an agent may see (``withdraw_on_commit``).
"""

import json
import logging
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage import realtime
from maillage.http import Refused
from notifications import kinds, selectors
from notifications.models import CommunityMute, DigestDelivery, Email, Notification, Preference

logger = logging.getLogger(__name__)
UNSUBSCRIBE_SALT = "notifications.unsubscribe"
FREQUENCIES = (Email.DAILY, Email.WEEKLY)
# Unsubscribe links of a whole digest carry these instead of a kind.
DIGEST_KINDS = {"digest-daily": Email.DAILY, "digest-weekly": Email.WEEKLY}


class NotificationError(Refused):
    """A refused action, with a French message."""


# --- making notifications -----------------------------------------------------------------------


def notify(kind, recipients, *, target, summary, url, community=None, actor=None):
    """Notify ``recipients`` (agents or ids) of a ``kind`` event about ``target``, after the
    current transaction commits, in the background. The actor is never notified of their own
    action."""
    kinds.get(kind)  # an unknown kind fails at once, in the caller's tests
    ids = {getattr(r, "pk", r) for r in recipients} - {getattr(actor, "pk", None)}
    if not ids:
        return
    from notifications.tasks import fan_out

    arguments = {
        "kind": kind,
        "recipient_ids": sorted(ids),
        "target_type_id": ContentType.objects.get_for_model(target).pk,
        "target_id": target.pk,
        "community_id": getattr(community, "pk", community),
        "actor_id": getattr(actor, "pk", None),
        "summary": str(summary)[:300],
        "url": url,
    }
    transaction.on_commit(lambda: fan_out.enqueue(**arguments))


def resolve_target(target_type_id, target_id):
    try:
        model = ContentType.objects.get_for_id(target_type_id).model_class()
    except ContentType.DoesNotExist:
        return None
    if model is None:
        return None
    return model._default_manager.filter(pk=target_id).first()


def preferences_of(agent_ids, kind):
    """``{agent id: (in_app, email)}`` for one kind, defaults filled in (one query)."""
    spec = kinds.get(kind)
    chosen = {
        agent_id: (in_app, email)
        for agent_id, in_app, email in Preference.objects.filter(
            agent_id__in=agent_ids, kind=kind
        ).values_list("agent_id", "in_app", "email")
    }
    default = (spec.default_in_app, spec.default_email)
    return {pk: chosen.get(pk, default) for pk in agent_ids}


def muted_agents(agent_ids, community_id, kind):
    if community_id is None:
        return set()
    return set(
        CommunityMute.objects.filter(agent_id__in=agent_ids, community_id=community_id)
        .filter(Q(kind="") | Q(kind=kind))
        .values_list("agent_id", flat=True)
    )


def deliver(
    *, kind, recipient_ids, target_type_id, target_id, community_id, actor_id, summary, url
):
    """The fan-out itself (run by the task): returns the notifications made."""
    Agent = get_user_model()
    target = resolve_target(target_type_id, target_id)
    if target is None:  # deleted before the task ran
        return []
    spec = kinds.get(kind)
    recipients = list(
        Agent.objects.filter(pk__in=recipient_ids, is_active=True, closed_at__isnull=True)
    )
    ids = [agent.pk for agent in recipients]
    preferences = preferences_of(ids, kind)
    muted = muted_agents(ids, community_id, kind)
    candidates = [
        agent
        for agent in recipients
        if agent.pk not in muted and preferences[agent.pk] != (False, Email.NONE)
    ]
    # The policy, for all the candidates at once: the cost does not grow with their number.
    allowed = spec.visible_many(candidates, target) if candidates else set()
    community = None
    if community_id is not None and allowed:  # read once, for the e-mails' text
        Community = Notification._meta.get_field("community").related_model
        community = Community.objects.filter(pk=community_id).first()
    now = timezone.now()
    rows = [
        Notification(
            recipient=agent,
            kind=kind,
            summary=summary,
            url=url,
            actor_id=actor_id,
            community=community,
            target_type_id=target_type_id,
            target_id=target_id,
            created_at=now,
            in_app=preferences[agent.pk][0],
            email=preferences[agent.pk][1],
        )
        for agent in candidates
        if agent.pk in allowed
    ]
    if not rows:
        return []
    with transaction.atomic():
        Notification.objects.bulk_create(rows)
        shown = [n.recipient_id for n in rows if n.in_app]
        if shown:
            Agent.objects.filter(pk__in=shown).update(
                notifications_unread=F("notifications_unread") + 1
            )
    counts = dict(Agent.objects.filter(pk__in=shown).values_list("pk", "notifications_unread"))
    for notification in rows:
        if notification.in_app:
            push(notification.recipient_id, counts.get(notification.recipient_id, 0), notification)
    immediate = [n for n in rows if n.email == Email.IMMEDIATE]
    for notification in immediate:
        _mail_immediate(notification, target)
    if immediate:  # one UPDATE for all of them
        sent_at = timezone.now()
        Notification.objects.filter(pk__in=[n.pk for n in immediate]).update(emailed_at=sent_at)
        for notification in immediate:
            notification.emailed_at = sent_at
    return rows


# --- real time -------------------------------------------------------------------------------


def push(agent_id, unread, notification=None):
    """Tell every open tab of the agent the new unread count (and the new notification), once
    the current transaction commits (at once outside one): the count is right in the database
    either way, and the next page shows it if the push is lost."""
    payload = {"type": "notifications.unread", "unread": unread}
    if notification is not None:
        payload["notification"] = {
            "id": notification.pk,
            "kind": notification.kind,
            "summary": notification.summary,
            "url": notification.url,
            "created": notification.created_at.isoformat(),
        }
    realtime.publish_on_commit(
        realtime.agent_group(agent_id),
        {"type": "notifications.event", "agent": agent_id, "text": json.dumps(payload)},
    )


# --- reading ---------------------------------------------------------------------------------


def _recount(agent):
    count = Notification.objects.filter(recipient=agent, in_app=True, read_at=None).count()
    get_user_model().objects.filter(pk=agent.pk).update(notifications_unread=count)
    agent.notifications_unread = count
    return count


def _recount_many(agent_ids):
    """Set the unread counter of these agents from their rows (one UPDATE); ``{id: count}``."""
    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), in_app=True, read_at=None)
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    agents = get_user_model().objects.filter(pk__in=agent_ids)
    agents.update(notifications_unread=Coalesce(Subquery(unread), 0))
    return dict(agents.values_list("pk", "notifications_unread"))


def withdraw(notifications, *, push_counts=True):
    """Withdraw notifications their recipient may no longer see: delete them, set their
    recipients' unread counters again and push the new counts. Returns ``{agent id: count}``.

    Deleted rather than marked read: a row kept would still carry its summary (the community's
    name, the announcement's title) to the centre, the digest and the personal-data export, each
    of which would have to filter it again on every read, for ever. A withdrawal is final: if
    the content comes back (an announcement restored, a member let in again), the content is in
    the community's pages again, but the old notification does not come back.
    """
    notifications = list(notifications)
    if not notifications:
        return {}
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).delete()
    counts = _recount_many({n.recipient_id for n in notifications})
    if push_counts:
        for agent_id, count in counts.items():
            push(agent_id, count)
    return counts


def _withdraw_unseen(agent, notifications):
    """Of the agent's ``notifications``, withdraw those the agent may no longer see; return the
    others, in order."""
    visible = selectors.visible_to_agent(agent, notifications)
    kept = {n.pk for n in visible}
    gone = [n for n in notifications if n.pk not in kept]
    if gone:
        counts = withdraw(gone)
        agent.notifications_unread = counts.get(agent.pk, 0)
    return visible


def withdraw_invisible(*, agent=None, community=None, targets=()):
    """Check again, now, the notifications of ``agent`` (in ``community`` if given), or every
    notification about ``targets`` (in ``community`` if given), and withdraw those their
    recipient may no longer see. Returns how many were withdrawn."""
    if agent is None and not targets:
        raise ValueError("withdraw_invisible needs an agent or targets")
    queryset = Notification.objects.all()
    if agent is not None:
        queryset = queryset.filter(recipient=agent)
    if community is not None:
        queryset = queryset.filter(community=community)
    if targets:
        about = defaultdict(set)
        for target in targets:
            about[ContentType.objects.get_for_model(target).pk].add(target.pk)
        condition = Q()
        for type_id, ids in about.items():
            condition |= Q(target_type_id=type_id, target_id__in=ids)
        queryset = queryset.filter(condition)
    if agent is not None:
        rows = list(queryset)
        return len(rows) - len(_withdraw_unseen(agent, rows))
    rows = list(queryset.select_related("recipient"))
    kept = {n.pk for n in selectors.visible_to_recipients(rows)}
    gone = [n for n in rows if n.pk not in kept]
    withdraw(gone)
    return len(gone)


def withdraw_on_commit(*, agent=None, community=None, targets=()):
    """``withdraw_invisible`` once the current transaction commits: what the other apps call
    when they change what an agent may see (a ban, a departure, a content hidden, a report
    closed). A failure is logged, never raised: the change is committed, and every read checks
    again anyway."""
    targets = list(targets)
    transaction.on_commit(
        lambda: withdraw_invisible(agent=agent, community=community, targets=targets),
        robust=True,
    )


UNREAD_CHECKED = 500


def centre_page(*, agent, number, per_page):
    """Page ``number`` of the agent's notification centre, newest first, ``community`` loaded.

    Every notification on the page, and the UNREAD_CHECKED latest unread ones (the bell counts
    them), is checked against the policy now; those no longer visible are withdrawn before the
    page is cut, so a page is full and the counter right. The queries do not depend on the
    number of notifications (``selectors.visible_to_agent``); each further round happens only
    when a round withdrew some of the page, which then holds fewer to check.
    """
    mine = Notification.objects.filter(recipient=agent, in_app=True)
    ordered = mine.select_related("community").order_by("-created_at", "-pk")
    # The most recent unread ones: the check's queries do not grow with their number, but the
    # rows read do; the hooks of the communities (``withdraw_on_commit``) withdraw the rest.
    todo = {n.pk: n for n in mine.filter(read_at=None).order_by("-created_at")[:UNREAD_CHECKED]}
    seen = set()  # checked and still visible
    while True:
        page = Paginator(ordered, per_page).get_page(number)
        rows = list(page.object_list)
        todo.update((n.pk, n) for n in rows if n.pk not in seen)
        if todo:
            seen.update(n.pk for n in _withdraw_unseen(agent, list(todo.values())))
            todo = {}
        if all(n.pk in seen for n in rows):  # else some were withdrawn: cut the page again
            page.object_list = rows
            return page


def mark_read(*, agent, notification_id):
    """Mark one of the agent's notifications read; someone else's id is refused, and so is a
    notification the agent may no longer see (it is withdrawn)."""
    try:
        notification_id = int(notification_id)
    except (TypeError, ValueError):
        raise NotificationError(_("Cette notification n'existe pas.")) from None
    notification = Notification.objects.filter(
        pk=notification_id, recipient=agent, in_app=True
    ).first()
    if notification is None or not _withdraw_unseen(agent, [notification]):
        raise NotificationError(_("Cette notification n'existe pas."))
    if notification.read_at is None:
        updated = Notification.objects.filter(pk=notification.pk, read_at=None).update(
            read_at=timezone.now()
        )
        if updated:
            get_user_model().objects.filter(pk=agent.pk).update(
                notifications_unread=Greatest(F("notifications_unread") - 1, 0)
            )
        push(agent.pk, _recount(agent))
    return notification


def mark_all_read(*, agent):
    Notification.objects.filter(recipient=agent, in_app=True, read_at=None).update(
        read_at=timezone.now()
    )
    push(agent.pk, _recount(agent))


# --- preferences and mutes ---------------------------------------------------------------------


def preference_set(*, agent, kind, in_app, email):
    kinds.get(kind)
    if email not in Email.values:
        raise NotificationError(_("Choix d'e-mail inconnu."))
    Preference.objects.update_or_create(
        agent=agent, kind=kind, defaults={"in_app": bool(in_app), "email": email}
    )
    if email == Email.NONE:  # what was waiting for a digest is not e-mailed any more either
        Notification.objects.filter(recipient=agent, kind=kind, emailed_at__isnull=True).exclude(
            email=Email.NONE
        ).update(email=Email.NONE)


def community_mute(*, agent, community, kind=""):
    if kind:
        kinds.get(kind)
    CommunityMute.objects.get_or_create(agent=agent, community=community, kind=kind)


def community_unmute(*, agent, community, kind=None):
    qs = CommunityMute.objects.filter(agent=agent, community=community)
    if kind is not None:
        qs = qs.filter(kind=kind)
    qs.delete()


def unsubscribe_token(agent, kind):
    return signing.dumps(
        {"a": agent.pk, "k": getattr(kind, "key", kind)}, salt=UNSUBSCRIBE_SALT, compress=True
    )


def unsubscribe_read(token):
    """``(agent, kind)`` of a signed link, or raise NotificationError."""
    Agent = get_user_model()
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        agent = Agent.objects.get(pk=int(data["a"]), is_active=True)
        kind = data["k"]
        if kind not in DIGEST_KINDS:
            kind = kinds.get(kind)
    except (signing.BadSignature, KeyError, TypeError, ValueError, Agent.DoesNotExist):
        raise NotificationError(
            _("Ce lien de désabonnement n'est pas valide (il a peut-être été modifié).")
        ) from None
    return agent, kind


def unsubscribe(token):
    """Stop the e-mails of one kind (or one digest: every kind it carries) for the agent of a
    signed link; the notifications stay in the app."""
    agent, kind = unsubscribe_read(token)
    if kind in DIGEST_KINDS:
        frequency = DIGEST_KINDS[kind]
        for key in kinds.KINDS:
            in_app, email = preferences_of([agent.pk], key)[agent.pk]
            if email == frequency:
                preference_set(agent=agent, kind=key, in_app=in_app, email=Email.NONE)
        # Nothing waits for this digest any more, whatever kind it is of.
        Notification.objects.filter(
            recipient=agent, email=frequency, emailed_at__isnull=True
        ).update(email=Email.NONE)
        return agent, kind
    in_app, _email = preferences_of([agent.pk], kind.key)[agent.pk]
    preference_set(agent=agent, kind=kind.key, in_app=in_app, email=Email.NONE)
    return agent, kind


# --- e-mails -----------------------------------------------------------------------------------


def _mail(*, agent, subject, template, context, kind=None):
    from maillage.mail import send_templated_mail

    context = {"agent": agent, **context}
    headers = {}
    if kind is not None:
        link = settings.SITE_URL + _unsubscribe_path(agent, kind)
        context["unsubscribe_url"] = link
        headers = {
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    send_templated_mail(
        to=agent.email, template=template, context=context, subject=subject, headers=headers
    )


def _unsubscribe_path(agent, kind):
    from django.urls import reverse

    kind = getattr(kind, "key", kind)
    return reverse("notifications:unsubscribe", args=[unsubscribe_token(agent, kind)])


def _mail_immediate(notification, target):
    """E-mail one notification at once, in its kind's template (``Kind.email_template``, which
    extends ``notifications/email/immediate``), with the unsubscribe link of its kind."""
    agent = notification.recipient
    kind = kinds.get(notification.kind)
    _mail(
        agent=agent,
        subject=notification.summary,
        template=kind.email_template or "notifications/email/immediate",
        context={
            "notification": notification,
            "kind": kind,
            "target": target,
            "link": settings.SITE_URL + notification.url,
        },
        kind=notification.kind,
    )


# --- digests -----------------------------------------------------------------------------------


def period_of(moment, frequency):
    """``(key, start)`` of the digest period ``moment`` falls in, in local time: a day starting
    at NOTIFICATIONS_DIGEST_HOUR, or an ISO week starting on Monday at that hour. A period's
    digest carries what was waiting when the period started."""
    hour = settings.NOTIFICATIONS_DIGEST_HOUR
    local = timezone.localtime(moment)
    start = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if local < start:
        start -= timedelta(days=1)
    if frequency == Email.DAILY:
        return start.strftime("%Y-%m-%d"), start
    start -= timedelta(days=start.isoweekday() - 1)
    year, week, _day = start.isocalendar()
    return f"{year}-W{week:02d}", start


def digest_tick(now=None):
    """Queue the digests that are due: for each agent with notifications waiting for their daily
    or weekly digest, one digest per period at most (the ``DigestDelivery`` unique constraint).
    Safe to run as often as wanted, from several processes, after any downtime: what waited is
    in the next digest, nothing is sent twice. Returns the deliveries queued."""
    from notifications.tasks import send_digest

    now = now or timezone.now()
    queued = []
    for frequency in FREQUENCIES:
        period, start = period_of(now, frequency)
        waiting = (
            Notification.objects.filter(
                email=frequency, emailed_at__isnull=True, created_at__lt=start
            )
            .values_list("recipient_id", flat=True)
            .distinct()
        )
        done = set(
            DigestDelivery.objects.filter(frequency=frequency, period=period).values_list(
                "agent_id", flat=True
            )
        )
        for agent_id in sorted(set(waiting) - done):
            try:
                with transaction.atomic():
                    delivery = DigestDelivery.objects.create(
                        agent_id=agent_id, frequency=frequency, period=period, cutoff=start
                    )
            except IntegrityError:  # another scheduler took it
                continue
            queued.append(delivery)
            transaction.on_commit(lambda pk=delivery.pk: send_digest.enqueue(delivery_id=pk))
    return queued


def digest_build(delivery):
    """The notifications of a digest, grouped by community, checked against the policy now:
    ``[(community or None, [notification, …])]``. All those considered are marked as e-mailed,
    and the ones no longer visible withdrawn, so they never come back."""
    pending = list(
        Notification.objects.filter(
            recipient_id=delivery.agent_id,
            email=delivery.frequency,
            emailed_at__isnull=True,
            created_at__lt=delivery.cutoff,
        )
        .select_related("community", "actor", "recipient")
        # The communities by name, then the private messages and the account (on any database).
        .order_by(F("community__name").asc(nulls_last=True), "-created_at")
    )
    kept = []
    if pending:
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
            emailed_at=timezone.now()
        )
        # Checked in one batch; what is no longer visible is withdrawn from the centre too.
        kept = _withdraw_unseen(pending[0].recipient, pending)
    groups = {}
    for notification in kept:
        groups.setdefault(notification.community, []).append(notification)
    return list(groups.items())


def digest_send(delivery_id):
    delivery = DigestDelivery.objects.select_related("agent").filter(pk=delivery_id).first()
    if delivery is None or delivery.sent_at is not None:
        return 0
    groups = digest_build(delivery)
    count = sum(len(items) for _community, items in groups)
    if count:
        label = _("quotidien") if delivery.frequency == Email.DAILY else _("hebdomadaire")
        _mail(
            agent=delivery.agent,
            subject=ngettext(
                "Votre résumé %(label)s : %(n)s nouveauté dans vos communautés",
                "Votre résumé %(label)s : %(n)s nouveautés dans vos communautés",
                count,
            )
            % {"label": label, "n": count},
            template="notifications/email/digest",
            kind=f"digest-{delivery.frequency}",
            context={
                "groups": groups,
                "frequency_label": label,
                "count": count,
                "preferences_url": settings.SITE_URL + "/notifications/preferences/",
                "digest_unsubscribe_url": settings.SITE_URL
                + _unsubscribe_path(delivery.agent, f"digest-{delivery.frequency}"),
                "unsubscribe_links": [
                    (
                        kinds.get(kind).label,
                        settings.SITE_URL + _unsubscribe_path(delivery.agent, kind),
                    )
                    for kind in sorted({n.kind for _c, items in groups for n in items})
                ],
            },
        )
    DigestDelivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now(), items=count)
    return count
