"""What the forums' social part registers with the platform's floor, called once from
``forums.registrations``: the notification kinds and the receivers of following
(``notification_kinds``, ``following``), the animation's audit labels (``animation``) and the
live topic page (``realtime``)."""


def register():
    from forums import animation, following, notification_kinds, realtime

    notification_kinds.register()
    following.connect()
    animation.register()
    realtime.register()
