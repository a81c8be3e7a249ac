"""What happens in an idea box, for the parts of the app that react to it (following and
notifications, ``ideas.social``).

Sent by ``ideas.services`` inside the transaction of the change, as the forums' signals are, so
a receiver's writes commit or roll back with it (and its pushes and mails wait for the commit
through ``maillage.effects``) — except ``idea_status_changed``, which the workflow's ``notify``
hook sends once the status change has committed (``maillage.workflow``): a receiver of that one
runs outside the change's transaction.
"""

from django.dispatch import Signal

# idea: a new idea (its author is ``idea.author``).
idea_submitted = Signal()
# idea, agent: ``agent`` supports ``idea`` (not sent for a withdrawal).
idea_supported = Signal()
# idea, change: ``idea``'s status moved (``change``: the IdeaStatusChange, with the answer and
# the actor). Sent on commit.
idea_status_changed = Signal()
# idea, target, actor, supporters: ``idea`` merged into ``target`` (its supports, comments and
# followers moved there; ``supporters``: the ids of who supported ``idea`` before the merge).
idea_merged = Signal()
# idea, comment: a new comment on ``idea`` (sent by ideas.social's comment service).
idea_commented = Signal()
