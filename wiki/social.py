"""What the wiki's social part registers with the platform's floor, called once from
``wiki.registrations``: the notification kinds and the receivers of following
(``notification_kinds``, ``following``) and the agent's personal data (``personal_data``).

The moderation of pages (report, hide, restore) is the content contract's, registered with the
page (``register_content``): a page has no counters or live readers to tell, so it needs no
``on_hidden`` hook; the wiki's readable querysets and page views leave hidden pages out for
members and mark them for the animators."""


def register():
    from wiki import following, notification_kinds, personal_data

    notification_kinds.register()
    following.connect()
    personal_data.register()
