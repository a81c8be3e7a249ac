"""What the notifications hold about an agent, for their personal-data export."""

from directory.personal_data import registry
from notifications.models import CommunityMute, Notification, Preference


@registry.section("notifications")
def export_notifications(agent):
    return {
        "notifications": [
            {"le": n.created_at, "quoi": n.summary, "lien": n.url, "lue_le": n.read_at}
            for n in Notification.objects.filter(recipient=agent).iterator(chunk_size=500)
        ],
        "preferences": [
            {"evenement": p.kind, "dans_l_application": p.in_app, "e_mail": p.email}
            for p in Preference.objects.filter(agent=agent)
        ],
        "communautes_en_sourdine": [
            {"communaute": m.community.name, "evenement": m.kind or "tous"}
            for m in CommunityMute.objects.filter(agent=agent).select_related("community")
        ],
    }
