"""Channel-layer group names the kernel owns.

The kernel owns one group per agent: every open connection of the agent (all their tabs and
devices) is in it from connect to disconnect, whatever app is installed. Apps name their own
groups (chat: ``chat.events.room_group``), prefixed by their name so that two apps never share
one; a group name is at most 100 ASCII letters, digits, hyphens, underscores or periods.
"""


def agent_group(agent_id):
    """Every open connection of one agent."""
    return f"agent.{agent_id}"
