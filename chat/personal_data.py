"""What the messaging holds about an agent, for their personal-data export."""

from chat.models import Message, Participant, Reaction
from chat.selectors import room_title
from directory.personal_data import registry


@registry.section("messagerie")
def export_chat(agent):
    messages = (
        Message.objects.filter(author=agent, deleted_at__isnull=True)
        .select_related("room__community")
        .order_by("pk")
    )
    return {
        "messages": [
            {
                "salon": room_title(m.room, agent),
                "le": m.created_at,
                "modifie_le": m.edited_at,
                "texte": m.body,
                "fichier_joint": m.attachment_name or None,
            }
            for m in messages.iterator(chunk_size=500)
        ],
        "conversations": [
            {"conversation": room_title(p.room, agent), "depuis": p.joined_at}
            for p in Participant.objects.filter(agent=agent).select_related("room")
        ],
        "reactions": [
            {"message": r.message_id, "reaction": r.emoji, "le": r.created_at}
            for r in Reaction.objects.filter(agent=agent)
        ],
    }


@registry.files
def chat_files(agent):
    for message in Message.objects.filter(
        author=agent, deleted_at__isnull=True, attachment__gt=""
    ).only("pk", "attachment", "attachment_name"):
        yield f"messagerie/{message.pk}-{message.attachment_name}", message.attachment
