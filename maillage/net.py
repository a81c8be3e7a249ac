"""The client's address, as far as the server can trust it."""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The address of the client that sent ``request``: the one the sign-in lockout counts by.

    ``X-Forwarded-For`` is a comma-separated list anyone can start: a client may send the header
    with any addresses in it, and each reverse proxy appends the address it received the request
    from (nginx's ``$proxy_add_x_forwarded_for``). Only the entries the trusted proxies added are
    true, so with ``TRUSTED_PROXY_COUNT`` proxies in front of the server the client is the
    N-th entry from the right; every entry to its left was written by the client. Taking the
    left-most one (Daphne's ``--proxy-headers`` does) would let a client pick a new address on
    each attempt and never be locked out.

    With no trusted proxy, the client is the connection's peer (``REMOTE_ADDR``). When the header
    holds fewer entries than there are proxies, or the entry is not an IP address, the chain is
    not the one configured: the connection's peer is used rather than anything the client wrote.
    """
    remote_addr = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies == 0:
        return remote_addr
    # Several X-Forwarded-For headers reach Django joined by commas, as one list.
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [entry.strip() for entry in header.split(",")] if header else []
    if len(forwarded) < proxies:
        return remote_addr
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:
        return remote_addr
