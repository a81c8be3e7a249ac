"""The key django-axes counts sign-in failures under."""


def lockout_username(request, credentials=None):
    """The address typed in the sign-in form, lower-cased.

    Sign-in matches the address whatever its case, so the failure counter must too: otherwise
    ``Agent@…`` and ``agent@…`` would each get their own five attempts.
    """
    if credentials and credentials.get("username"):
        username = credentials["username"]
    else:
        username = getattr(request, "POST", {}).get("username")
    return username.strip().lower() if isinstance(username, str) else username
