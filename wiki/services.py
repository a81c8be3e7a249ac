"""The wiki's writes: pages created, saved (with the merge of concurrent edits), restored,
renamed, moved, protected; a FAQ's questions reordered; the wiki's settings; attachments.

Each service checks the policy (``wiki.permissions``), raises ``WikiError`` with a French message
when it refuses, writes in one transaction and sends the signals of ``wiki.signals`` inside it.

Every change of a page's text or title writes a new revision: its number is the page's
``last_number + 1``, taken while the page's row is locked (``select_for_update``), so two saves at
once get two consecutive numbers and the second one knows it did not start from the current text.

**Concurrent edits lose nothing.** The editor sends the number of the revision it started from
(``base_number``). When another revision was saved since, the three texts (the base, the current
one, the agent's) are merged line by line (``merge3``); a clean merge is saved as a « fusion »
revision, else ``EditConflict`` carries both texts back to the editor.
"""

from dataclasses import dataclass

import merge3
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from communities.content import activity, audit
from communities.content import services as content_services
from maillage.http import Refused
from wiki import markup, signals
from wiki.models import (
    SLUG_MAX,
    SUMMARY_MAX,
    TEXT_MAX,
    TITLE_MAX,
    Page,
    PageLink,
    PageRedirect,
    Revision,
    WikiSettings,
    normalise_title,
)
from wiki.permissions import wiki_abilities

HOME_TITLE = "Accueil"
HOME_BODY = (
    "Bienvenue sur le wiki de la communauté.\n\n"
    "Modifiez cette page pour présenter le wiki, et créez les suivantes avec des liens "
    "comme [[Première page]]."
)
# How deep the tree may go (a move walks up from the new parent to refuse a cycle).
MAX_DEPTH = 30


class WikiError(Refused):
    """A refused write in a wiki, with its French message."""


class EditConflict(WikiError):
    """The page changed since the agent started from revision ``base_number`` and the changes
    overlap: both texts go back to the editor (nothing typed is lost)."""

    def __init__(self, *, page, base_number, title, body, summary):
        super().__init__(
            _(
                "La page a été modifiée par quelqu'un d'autre pendant que vous l'éditiez, aux "
                "mêmes endroits que vous : comparez les deux textes et reprenez le vôtre."
            ),
            "conflict",
        )
        self.page = page
        self.base_number = base_number
        # Theirs: the page as it is now.
        self.their_number = page.last_number
        self.their_title = page.title
        self.their_body = page.body
        # Yours: what the agent sent.
        self.title = title
        self.body = body
        self.summary = summary


@dataclass
class Saved:
    """What a save did: the page, its new revision (None: nothing changed), and whether a
    concurrent edit was merged in."""

    page: Page
    revision: Revision | None
    merged: bool = False


def _check(allowed, message, code="forbidden"):
    if not allowed:
        raise WikiError(message, code)


def _check_read(wa, page=None):
    _check(wa.can_read, _("Ce wiki n'est pas accessible."), "not_found")
    if page is not None:
        _check(page.community_id == wa.community.pk, _("Cette page n'existe pas."), "not_found")
        _check(wa.can_read_page(page), _("Cette page n'existe pas."), "not_found")


def _check_write(wa, page=None):
    """The common refusals, in the order a person understands them."""
    _check_read(wa, page)
    refusal = wa.refusal(page)
    if refusal is None:
        return
    code = "charter" if wa.must_accept_charter else "forbidden"
    raise WikiError(refusal, code)


def _clean_title(title):
    title = " ".join((title or "").split())
    _check(bool(title), _("Donnez un titre à la page."), "invalid")
    _check(
        len(title) <= TITLE_MAX,
        _("Le titre tient en %(max)s caractères au plus.") % {"max": TITLE_MAX},
        "invalid",
    )
    _check(
        "[" not in title and "]" not in title and "|" not in title,
        _("Le titre ne peut pas contenir de crochets [ ] ni de barre verticale |."),
        "invalid",
    )
    return title


def _clean_body(body):
    body = (body or "").replace("\r\n", "\n").replace("\x00", "")
    body = body.strip("\n")
    _check(
        len(body) <= TEXT_MAX,
        _("Le texte tient en %(max)s caractères au plus.")
        % {"max": f"{TEXT_MAX:,}".replace(",", " ")},
        "invalid",
    )
    return body + "\n" if body else ""


def _clean_summary(summary):
    summary = " ".join((summary or "").split())
    _check(
        len(summary) <= SUMMARY_MAX,
        _("Le résumé tient en %(max)s caractères au plus.") % {"max": SUMMARY_MAX},
        "invalid",
    )
    return summary


def _title_taken(community, title, exclude=None):
    existing = Page.objects.filter(community=community, title_key=normalise_title(title))
    if exclude is not None:
        existing = existing.exclude(pk=exclude.pk)
    return existing.exists()


def _check_title_free(community, title, exclude=None):
    _check(
        not _title_taken(community, title, exclude),
        _("Une page porte déjà le titre « %(title)s » dans ce wiki.") % {"title": title},
        "invalid",
    )


def _free_slug(community, title, page=None):
    """A slug for ``title`` that no other page of the community has, nor an old address of
    another page (an old address of ``page`` itself is taken back)."""
    base = slugify(title)[: SLUG_MAX - 6].strip("-") or "page"
    taken = set(
        Page.objects.filter(community=community, slug__startswith=base)
        .exclude(pk=getattr(page, "pk", None))
        .values_list("slug", flat=True)
    )
    redirects = PageRedirect.objects.filter(community=community, slug__startswith=base)
    if page is not None:
        redirects = redirects.exclude(page=page)
    taken |= set(redirects.values_list("slug", flat=True))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _locked(page):
    """The page's row, locked until the commit (its ``last_number`` is the truth)."""
    locked = Page.objects.select_for_update().get(pk=page.pk)
    locked.loaded_length = len(locked.body)
    return locked


def _add_revision(page, *, agent, kind, summary, base_number=None, restored_from=None, now=None):
    """Write the page's next revision from its current title and body (the caller set them on
    the locked row) and save the page."""
    now = now or timezone.now()
    previous = getattr(page, "loaded_length", 0) if page.last_number else 0
    page.last_number += 1
    page.updated_at = now
    page.updated_by = agent
    page.save()
    revision = Revision.objects.create(
        page=page,
        community_id=page.community_id,
        number=page.last_number,
        base_number=base_number,
        kind=kind,
        title=page.title,
        body=page.body,
        summary=summary,
        length=len(page.body),
        delta=len(page.body) - previous,
        restored_from=restored_from,
        author=agent,
        created_at=now,
    )
    return revision


# --- links ------------------------------------------------------------------------------------


def links_rebuild(page):
    """The page's ``PageLink`` rows from its current body: one per ``[[title]]``, each pointing
    at the page of that title when it exists (a few queries, whatever the wiki's size)."""
    found = dict(markup.wiki_links(page.body))
    existing = {link.target_key: link for link in PageLink.objects.filter(source=page)}
    stale = [link.pk for key, link in existing.items() if key not in found]
    if stale:
        PageLink.objects.filter(pk__in=stale).delete()
    targets = dict(
        Page.objects.filter(community_id=page.community_id, title_key__in=list(found)).values_list(
            "title_key", "pk"
        )
    )
    new = []
    for key, title in found.items():
        link = existing.get(key)
        if link is None:
            new.append(
                PageLink(
                    community_id=page.community_id,
                    source=page,
                    target_key=key,
                    target_title=title,
                    target_id=targets.get(key),
                )
            )
        elif link.target_id is None and key in targets:
            PageLink.objects.filter(pk=link.pk).update(target_id=targets[key])
    if new:
        PageLink.objects.bulk_create(new)


def _claim_links(page):
    """The links naming this page's title (waiting for it, or left on a page renamed from it)
    now point at it."""
    PageLink.objects.filter(community_id=page.community_id, target_key=page.title_key).exclude(
        target=page
    ).update(target=page)


# --- pages ------------------------------------------------------------------------------------


def _check_parent(community, parent, wa):
    if parent is None:
        return
    _check(
        parent.community_id == community.pk and wa.can_read_page(parent),
        _("La page parente n'existe pas dans ce wiki."),
        "invalid",
    )


def page_create(
    *,
    community,
    agent,
    title,
    body="",
    summary="",
    parent=None,
    kind=Page.Kind.PAGE,
    is_home=False,
):
    """A new page (its revision number 1), under ``parent`` (None: the top of the tree), last
    among its siblings; the ``[[links]]`` waiting for its title now lead to it."""
    wa = wiki_abilities(agent, community)
    _check_write(wa)
    title = _clean_title(title)
    body = _clean_body(body)
    summary = _clean_summary(summary)
    _check(kind in Page.Kind.values, _("Choisissez le type de page."), "invalid")
    _check_parent(community, parent, wa)
    now = timezone.now()
    with transaction.atomic():
        _check_title_free(community, title)
        last = Page.objects.filter(community=community, parent=parent).aggregate(
            last=Max("position")
        )["last"]
        page = Page(
            community=community,
            parent=parent,
            title=title,
            slug=_free_slug(community, title),
            kind=kind,
            position=(last or 0) + 1,
            is_home=is_home,
            author=agent,
            created_at=now,
            body=body,
        )
        try:
            with transaction.atomic():
                page.save()
        except IntegrityError:  # the same title or the home page created at the same time
            raise WikiError(
                _("Une page porte déjà le titre « %(title)s » dans ce wiki.") % {"title": title},
                "invalid",
            ) from None
        revision = _add_revision(
            page, agent=agent, kind=Revision.Kind.CREATE, summary=summary, now=now
        )
        links_rebuild(page)
        _claim_links(page)
        activity.record(
            community=community,
            actor=agent,
            verb="wiki_page",
            target=page,
            summary=_("%(agent)s a créé la page de wiki « %(title)s »")
            % {"agent": agent.display_name, "title": title},
        )
        signals.page_created.send(sender=Page, page=page, revision=revision, agent=agent)
    return page


def home_page(community):
    return Page.objects.filter(community=community, is_home=True).first()


def home_create(*, community, agent):
    """The wiki's home page, created on a contributor's first visit (a page already titled
    « Accueil » becomes the home page)."""
    existing = home_page(community)
    if existing is not None:
        return existing
    wa = wiki_abilities(agent, community)
    _check_write(wa)
    same_title = Page.objects.filter(
        community=community, title_key=normalise_title(HOME_TITLE)
    ).first()
    if same_title is not None:
        with transaction.atomic():
            Page.objects.filter(pk=same_title.pk).update(is_home=True, parent=None)
        same_title.refresh_from_db()
        return same_title
    try:
        return page_create(
            community=community, agent=agent, title=HOME_TITLE, body=HOME_BODY, is_home=True
        )
    except WikiError:
        existing = home_page(community)
        if existing is not None:  # created by someone else at the same moment
            return existing
        raise


def _apply_title(page, title, agent):
    """Rename the locked ``page``: a new slug, its old slug kept as a redirect. Returns
    ``(old title, old slug)`` or None when the title is the same."""
    if title == page.title:
        return None
    _check_title_free(page.community, title, exclude=page)
    old_title, old_slug = page.title, page.slug
    page.title = title
    page.title_key = normalise_title(title)
    new_slug = _free_slug(page.community, title, page)
    if new_slug != old_slug:
        PageRedirect.objects.filter(community_id=page.community_id, slug=new_slug).delete()
        PageRedirect.objects.update_or_create(
            community_id=page.community_id, slug=old_slug, defaults={"page": page}
        )
        page.slug = new_slug
    return old_title, old_slug


def _after_rename(page, renamed, agent):
    if renamed is None:
        return
    old_title, old_slug = renamed
    _claim_links(page)
    signals.page_renamed.send(
        sender=Page, page=page, old_title=old_title, old_slug=old_slug, agent=agent
    )


def _merge(base, theirs, yours):
    """The three-way merge of three texts, line by line: the merged text, or None on a
    conflict."""
    merger = merge3.Merge3(
        base.splitlines(keepends=True),
        theirs.splitlines(keepends=True),
        yours.splitlines(keepends=True),
    )
    lines = []
    for group in merger.merge_groups():
        if group[0] == "conflict":
            return None
        lines.extend(group[1])
    return "".join(lines)


def page_save(*, page, agent, title, body, summary="", base_number):
    """Save the agent's text of the page, started from revision ``base_number``.

    From the current revision: a plain edit. From an older one: the other edits since are merged
    with the agent's (a « fusion » revision) when they touch other lines, else ``EditConflict``.
    A save that changes nothing writes no revision (``Saved.revision`` is None).
    """
    wa = wiki_abilities(agent, page.community)
    _check_write(wa, page)
    title = _clean_title(title)
    body = _clean_body(body)
    summary = _clean_summary(summary)
    with transaction.atomic():
        page = _locked(page)
        _check(
            isinstance(base_number, int) and 1 <= base_number <= page.last_number,
            _("La version de départ de votre modification est inconnue : rechargez la page."),
            "invalid",
        )
        merged = False
        kind = Revision.Kind.EDIT
        if base_number != page.last_number:
            base = Revision.objects.filter(page=page, number=base_number).only("title", "body")
            base = base.get()
            if title != page.title and title != base.title and page.title != base.title:
                raise EditConflict(
                    page=page, base_number=base_number, title=title, body=body, summary=summary
                )
            if title == base.title:
                title = page.title  # theirs renamed it, yours did not
            merged_body = _merge(base.body, page.body, body)
            if merged_body is None:
                raise EditConflict(
                    page=page, base_number=base_number, title=title, body=body, summary=summary
                )
            body = merged_body
            merged, kind = True, Revision.Kind.MERGE
        if title == page.title and body == page.body:
            return Saved(page=page, revision=None, merged=merged)
        body_changed = body != page.body
        renamed = _apply_title(page, title, agent)
        page.body = body
        if renamed is not None and not body_changed and kind == Revision.Kind.EDIT:
            kind = Revision.Kind.RENAME
        revision = _add_revision(
            page, agent=agent, kind=kind, summary=summary, base_number=base_number
        )
        if body_changed:
            links_rebuild(page)
        _after_rename(page, renamed, agent)
        signals.page_changed.send(sender=Page, page=page, revision=revision, agent=agent)
    return Saved(page=page, revision=revision, merged=merged)


def page_restore(*, page, agent, number):
    """A new revision whose text is revision ``number``'s (the history is never rewritten)."""
    wa = wiki_abilities(agent, page.community)
    _check_write(wa, page)
    with transaction.atomic():
        page = _locked(page)
        old = Revision.objects.filter(page=page, number=number).first()
        _check(old is not None, _("Cette version n'existe pas."), "not_found")
        _check(
            old.body != page.body,
            _("Le texte de la version n° %(number)s est déjà celui de la page.")
            % {"number": number},
            "invalid",
        )
        page.body = old.body
        revision = _add_revision(
            page,
            agent=agent,
            kind=Revision.Kind.RESTORE,
            summary=_("Restauration de la version n° %(number)s") % {"number": number},
            base_number=page.last_number,
            restored_from=number,
        )
        links_rebuild(page)
        signals.page_changed.send(sender=Page, page=page, revision=revision, agent=agent)
    return revision


def page_rename(*, page, agent, title, summary=""):
    """A new title (and address: the old one redirects), as a « renommage » revision."""
    wa = wiki_abilities(agent, page.community)
    _check_write(wa, page)
    title = _clean_title(title)
    summary = _clean_summary(summary)
    with transaction.atomic():
        page = _locked(page)
        old_title = page.title
        renamed = _apply_title(page, title, agent)
        _check(renamed is not None, _("La page porte déjà ce titre."), "invalid")
        revision = _add_revision(
            page,
            agent=agent,
            kind=Revision.Kind.RENAME,
            summary=summary
            or _("Renommée de « %(old)s » en « %(new)s »") % {"old": old_title, "new": title},
            base_number=page.last_number,
        )
        _after_rename(page, renamed, agent)
        signals.page_changed.send(sender=Page, page=page, revision=revision, agent=agent)
    return page


def _ancestors(page):
    """The ids of ``page`` and its ancestors (at most ``MAX_DEPTH``)."""
    ids, current = [], page
    while current is not None and len(ids) <= MAX_DEPTH:
        ids.append(current.pk)
        parent_id = current.parent_id
        if parent_id is None:
            break
        current = Page.objects.filter(pk=parent_id).only("pk", "parent_id").first()
    return ids


def page_move(*, page, agent, parent):
    """Put the page under ``parent`` (None: the top of the tree), last among its new siblings;
    never under itself or its own sub-pages. Its address does not change (it is the page's slug,
    not its path); the move is a « déplacement » revision of its history."""
    wa = wiki_abilities(agent, page.community)
    _check_write(wa, page)
    _check(wa.can_move(page), _("La page d'accueil reste en haut de l'arborescence."), "invalid")
    _check_parent(page.community, parent, wa)
    with transaction.atomic():
        page = _locked(page)
        if parent is not None:
            chain = _ancestors(parent)
            _check(
                page.pk not in chain,
                _("Une page ne peut pas être rangée sous elle-même ni sous ses sous-pages."),
                "invalid",
            )
            _check(
                len(chain) < MAX_DEPTH,
                _("L'arborescence ne descend pas plus bas que %(max)s niveaux.")
                % {"max": MAX_DEPTH},
                "invalid",
            )
        _check(
            page.parent_id != getattr(parent, "pk", None),
            _("La page est déjà rangée à cet endroit."),
            "invalid",
        )
        old_parent = page.parent
        last = Page.objects.filter(community_id=page.community_id, parent=parent).aggregate(
            last=Max("position")
        )["last"]
        page.parent = parent
        page.position = (last or 0) + 1
        where = parent.title if parent is not None else _("la racine du wiki")
        revision = _add_revision(
            page,
            agent=agent,
            kind=Revision.Kind.MOVE,
            summary=_("Déplacée sous « %(parent)s »") % {"parent": where},
            base_number=page.last_number,
        )
        signals.page_moved.send(sender=Page, page=page, old_parent=old_parent, agent=agent)
        signals.page_changed.send(sender=Page, page=page, revision=revision, agent=agent)
    return page


def page_protect(*, page, agent, protected):
    """The animators protect a page (only they edit it then) or lift the protection."""
    wa = wiki_abilities(agent, page.community)
    _check_read(wa, page)
    _check(wa.can_protect(page), _("Seule l'animation protège les pages du wiki."))
    protected = bool(protected)
    if page.protected == protected:
        return page
    with transaction.atomic():
        Page.objects.filter(pk=page.pk).update(protected=protected)
        page.protected = protected
        audit.record(
            community=page.community,
            actor=agent,
            action="wiki_page_protected" if protected else "wiki_page_unprotected",
            target=page,
            reason=page.title,
        )
        signals.page_protected.send(sender=Page, page=page, agent=agent)
    return page


# --- FAQ --------------------------------------------------------------------------------------


def faq_reorder(*, page, agent, anchors, base_number=None):
    """The animators give the FAQ's questions a new order (their anchors, first first; the
    others keep their order after them): a new revision with the sections permuted, every
    character of each kept."""
    wa = wiki_abilities(agent, page.community)
    _check_read(wa, page)
    _check(page.is_faq, _("Cette page n'est pas une foire aux questions."), "invalid")
    _check(wa.can_reorder(page), _("Seule l'animation range les questions de la FAQ."))
    with transaction.atomic():
        page = _locked(page)
        if base_number is not None:
            _check(
                base_number == page.last_number,
                _("La FAQ a changé entre-temps : voici son nouvel ordre, recommencez."),
                "conflict",
            )
        intro, entries = markup.faq_entries(page.body)
        by_anchor = {entry.anchor: entry for entry in entries}
        ordered = [by_anchor[a] for a in dict.fromkeys(anchors) if a in by_anchor]
        ordered += [entry for entry in entries if entry not in ordered]
        if [e.anchor for e in ordered] == [e.anchor for e in entries]:
            return None
        page.body = markup.faq_body(intro, ordered)
        revision = _add_revision(
            page,
            agent=agent,
            kind=Revision.Kind.REORDER,
            summary=_("Questions réordonnées"),
            base_number=page.last_number,
        )
        signals.page_changed.send(sender=Page, page=page, revision=revision, agent=agent)
    return revision


def faq_move(*, page, agent, anchor, direction, base_number=None):
    """Move one question up (``direction`` -1) or down (+1)."""
    _check(direction in (-1, 1), _("Choisissez de monter ou de descendre la question."), "invalid")
    _intro, entries = markup.faq_entries(page.body)
    anchors = [entry.anchor for entry in entries]
    _check(anchor in anchors, _("Cette question n'est pas dans la FAQ."), "invalid")
    index = anchors.index(anchor)
    other = index + direction
    _check(
        0 <= other < len(anchors),
        _("La question est déjà la première.")
        if direction < 0
        else _("La question est déjà la dernière."),
        "invalid",
    )
    anchors[index], anchors[other] = anchors[other], anchors[index]
    return faq_reorder(page=page, agent=agent, anchors=anchors, base_number=base_number)


# --- settings and attachments -------------------------------------------------------------------


def settings_of(community):
    return WikiSettings.objects.filter(community=community).first() or WikiSettings(
        community=community
    )


def settings_update(*, community, agent, who_may_edit):
    """The animators say who edits the wiki: the members (default) or the animators only."""
    wa = wiki_abilities(agent, community)
    _check_read(wa)
    _check(wa.can_manage_settings, _("Seule l'animation règle le wiki."))
    _check(
        who_may_edit in WikiSettings.Editors.values,
        _("Choisissez qui peut modifier les pages."),
        "invalid",
    )
    with transaction.atomic():
        row, _created = WikiSettings.objects.update_or_create(
            community=community,
            defaults={"who_may_edit": who_may_edit, "updated_at": timezone.now()},
        )
        audit.record(
            community=community,
            actor=agent,
            action="wiki_settings_updated",
            reason=str(WikiSettings.Editors(who_may_edit).label),
        )
    return row


def page_attach(*, page, agent, upload):
    """A file attached to the page (the shared uploads' checks), to insert in its text."""
    wa = wiki_abilities(agent, page.community)
    _check_write(wa, page)
    try:
        return content_services.attach(target=page, upload=upload, uploaded_by=agent)
    except content_services.ContentError as error:
        raise WikiError(str(error), "invalid") from None
