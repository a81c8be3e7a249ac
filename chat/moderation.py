"""Messages of community rooms are reported and moderated like any community content; the chat
names the audit actions it writes (registered by ``ChatConfig``)."""

from django.utils.translation import gettext_lazy as _

from communities.content import audit, register_content


def _republish(message, hidden):
    """Hidden or restored by the moderation queue: readers see it change."""
    from chat.services import message_republish

    message_republish(message)


def register():
    from chat.models import Message
    from maillage.markup import plain_text

    register_content(
        Message,
        label=_("message de messagerie"),
        text=lambda message: plain_text(message.body, 120) or "(message supprimé)",
        on_hidden=_republish,
        tool="chat",
    )
    audit.register_action("chat_muted", _("Membre rendu muet dans la messagerie"))
    audit.register_action("chat_unmuted", _("Fin du mode muet dans la messagerie"))
