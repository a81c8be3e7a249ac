"""What happens in a forum, for the parts of the app that react to it (following and
notifications, the live topic page): sent by ``forums.services`` inside the transaction of the
change, so a receiver's writes commit or roll back with it and its pushes wait for the commit
(``maillage.effects``)."""

from django.dispatch import Signal

# topic: a new topic (its opening post is ``topic.posts`` number 1).
topic_created = Signal()
# post: a new reply in ``post.topic``.
reply_created = Signal()
# post: a post's text edited, deleted, hidden or restored (the live page updates it).
post_changed = Signal()
# topic, post, actor: ``post`` marked as the topic's solution (post None: unmarked).
solution_marked = Signal()
# agents, post: agents newly mentioned (« @Prénom Nom ») in ``post`` (created or edited).
mentioned = Signal()
