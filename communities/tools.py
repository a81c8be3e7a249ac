"""The tools a community can switch on or off (« Outils de la communauté »), each registered by the
app that provides it from its ``AppConfig.ready()``: the communities their announcements, the chat
its « Messagerie instantanée ». The settings form offers only what is registered, so a community
is never offered a switch that changes nothing.

A tool's switch is a column of the community (``Community.TOOLS``: the seed's six tools each have
one); registering a key without its column is refused at start."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Tool:
    key: str
    label: str
    order: int = 100


_tools = {}


def register_tool(key, *, label, order=100):
    from communities.models import Community

    if key not in Community.TOOLS:
        raise ValueError(f"No switch for the tool {key!r}: Community.TOOLS is {Community.TOOLS}.")
    _tools[key] = Tool(key=key, label=label, order=order)


def installed_tools():
    """The registered tools, in their order."""
    return sorted(_tools.values(), key=lambda tool: (tool.order, tool.key))


def is_installed(key):
    return key in _tools
