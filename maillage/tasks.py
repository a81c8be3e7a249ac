"""Where the e-mail task lived: it is ``maillage.mail.send_email`` now.

The database task backend stores each queued task by its import path, so e-mails queued before
an upgrade still name ``maillage.tasks.send_email``; this alias lets the worker run them. Remove
it once no deployment can hold such a row (the release after the move).
"""

from maillage.mail import send_email  # noqa: F401 - the old path of queued tasks
