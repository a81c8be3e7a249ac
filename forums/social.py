"""What the forums' social part registers with the platform's floor, called once from
``forums.registrations``: the notification kinds and the receivers of following
(``notification_kinds``, ``following``)."""


def register():
    from forums import following, notification_kinds

    notification_kinds.register()
    following.connect()
