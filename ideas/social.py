"""What the idea box's social part registers with the platform's floor, called once from
``ideas.registrations``: the notification kinds and the receivers of following
(``notification_kinds``, ``following``), the comments' audit label, and the agent's personal
data (``personal_data``)."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "idea_comment_deleted": _("Commentaire d'idée supprimé par l'animation"),
}


def register():
    from communities.content import audit
    from ideas import following, notification_kinds, personal_data

    notification_kinds.register()
    following.connect()
    personal_data.register()
    for code, label in AUDIT_ACTIONS.items():
        audit.register_action(code, label)
