"""The contract every kind of community content signs: announcements and their comments today,
chat messages, and the forums' posts, the wiki's pages, the ideas and the documents next.

A content model:

- derives from ``ModeratedContent`` (``is_hidden``; ``hidden_with`` names the parent whose hiding
  hides it too), has a ``community``, an author (``author``, or the field its registration names) and
  ``get_absolute_url``;
- is registered once, from its app's ``AppConfig.ready()``, with ``register_content`` — and that
  one registration gives it reports, hide/restore and the audit log (``moderation``), its
  activity lines hidden with it, an ``on_hidden`` hook (the chat republishes a message hidden by
  the queue), its French label in every list, and its text for search;
- takes its comments, reactions, votes and ratings from the abstract bases of ``models`` (one
  concrete table per type, with real foreign keys, so they are listed, counted and hidden with
  their parent in SQL) and the generic services of ``services``;
- attaches files through the one ``Attachment`` table (the download checks the parent's policy)
  and is followed through the one ``Subscription`` table (whose followers the notifications use
  as recipients).

The audit log's actions are labelled by the app that writes them (``audit.register_action``).
"""

from communities.content.registry import (  # noqa: F401 - the contract's public names
    content_type_of,
    dependents,
    describe,
    register_content,
    registered,
    registered_models,
    resolve,
)
