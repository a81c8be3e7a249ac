"""What the forums' social part registers with the platform's floor, called once from
``forums.registrations``: the notification kinds and the receivers of following
(``notification_kinds``, ``following``), the animation's audit labels (``animation``), the
live topic page (``realtime``) and the agent's personal data (``personal_data``)."""


def register():
    from forums import animation, following, notification_kinds, personal_data, realtime

    notification_kinds.register()
    following.connect()
    animation.register()
    realtime.register()
    personal_data.register()
