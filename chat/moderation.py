"""Messages of community rooms are reported and moderated like any community content."""

from chat.models import Message
from communities import moderation
from maillage.markup import plain_text

moderation.register(
    Message,
    label="message de messagerie",
    text=lambda message: plain_text(message.body, 120) or "(message supprimé)",
)
