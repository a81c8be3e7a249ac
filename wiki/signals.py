"""What happens in a wiki, for the parts of the app that react to it (following and
notifications, moderation): sent by ``wiki.services`` inside the transaction of the change, so a
receiver's writes commit or roll back with it and its pushes wait for the commit
(``maillage.effects``). Every signal's sender is ``Page``; the keyword arguments are listed."""

from django.dispatch import Signal

# page, revision, agent: a new page (``revision`` is its number 1).
page_created = Signal()
# page, revision, agent: a new revision of an existing page (an edit, a merged edit, a restore,
# a FAQ reordering; ``revision.kind`` says which, ``revision.base_number`` where the editor
# started from). The diff is ``wiki:diff`` from ``revision.number - 1`` to ``revision.number``.
page_changed = Signal()
# page, old_title, old_slug, agent: the page renamed (its old slug now redirects). A rename also
# writes a revision, announced by ``page_changed``.
page_renamed = Signal()
# page, old_parent, agent: the page moved under another parent (None: the top of the tree).
page_moved = Signal()
# page, agent: the page protected or unprotected (``page.protected`` says which).
page_protected = Signal()
