from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = "Communautés"

    def ready(self):
        from communities import personal_data, registrations, signals  # noqa: F401
        from communities.models import Announcement, AnnouncementComment, Community
        from communities.permissions import (
            abilities,
            communities_readable_by,
            content_abilities,
            content_readable_by,
            post_abilities,
        )
        from maillage import policy

        policy.register(Community, abilities=abilities, readable=communities_readable_by)
        policy.register(
            Announcement, abilities=post_abilities, readable=content_readable_by(Announcement)
        )
        policy.register(
            AnnouncementComment,
            abilities=content_abilities,
            readable=content_readable_by(AnnouncementComment),
        )
        from communities import pages

        pages.register()
        registrations.register()
        from communities import search

        search.register()
        from communities import in_directory

        in_directory.register()
        from communities.demo import load_demo_communities
        from maillage import demo

        demo.register(20, load_demo_communities)
        from communities import notification_kinds  # noqa: F401 - registrations
