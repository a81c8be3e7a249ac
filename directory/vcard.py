"""A profile as a vCard 3.0 (RFC 2426), for the address book of whoever may open the profile.

Only what the viewer may see goes in: the e-mail address and the phone number follow
``permissions.can_see_contact``, decided by the caller.
"""

import re

from django.utils.text import slugify

# Control characters other than the line breaks that ``escape`` turns into « \n ».
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_LINE_OCTETS = 75


def escape(value):
    """A text value: backslash, comma, semicolon and line breaks escaped (RFC 2426, 4)."""
    value = _CONTROL.sub("", str(value or ""))
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line):
    """Fold a content line longer than 75 octets (RFC 2425, 5.8.1), never inside a UTF-8
    character."""
    chunks, current, size = [], "", 0
    for char in line:
        octets = len(char.encode())
        # The continuation lines start with a space, which counts in their 75 octets.
        limit = MAX_LINE_OCTETS if not chunks else MAX_LINE_OCTETS - 1
        if size + octets > limit:
            chunks.append(current)
            current, size = "", 0
        current += char
        size += octets
    chunks.append(current)
    return "\r\n ".join(chunks)


def build_vcard(agent, *, show_email, show_phone, url="", expertise=()):
    """The vCard of ``agent`` as text with CRLF line ends."""
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"N:{escape(agent.last_name)};{escape(agent.first_name)};;;",
        f"FN:{escape(agent.display_name)}",
    ]
    if agent.service_id:
        lines.append(f"ORG:{escape(agent.service.name)}")
    if agent.position:
        lines.append(f"TITLE:{escape(agent.position)}")
    if show_email and agent.email:
        lines.append(f"EMAIL;TYPE=INTERNET,WORK:{escape(agent.email)}")
    if show_phone and agent.phone:
        lines.append(f"TEL;TYPE=WORK,VOICE:{escape(agent.phone)}")
    if expertise:
        lines.append(f"NOTE:{escape('Je peux aider sur : ' + ', '.join(expertise))}")
    if url:
        lines.append(f"URL:{url}")  # a URI, not text: nothing to escape
    lines.append("END:VCARD")
    return "".join(fold(line) + "\r\n" for line in lines)


def vcard_filename(agent):
    return f"{slugify(agent.display_name) or f'agent-{agent.pk}'}.vcf"
