"""Where a form may send the agent back to: an address of this site, given as a path."""

from django.utils.http import url_has_allowed_host_and_scheme


def local_path(request, target):
    """``target`` when it is a path of this site (``/communautes/…``), else None.

    ``url_has_allowed_host_and_scheme`` alone lets through a relative word such as ``accueil``,
    which ``redirect()`` then takes for a view name to reverse (a 500 for any other word): only
    absolute paths are kept."""
    if not isinstance(target, str) or not target.startswith("/") or target.startswith("//"):
        return None
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    return target
