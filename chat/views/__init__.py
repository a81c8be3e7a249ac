"""The messaging's pages. They all work without JavaScript (plain forms, POST-redirect-GET);
chat.js adds the live part on the same markup."""

from chat.views.community import channel_delete, channel_new, mute, mutes, unmute
from chat.views.groups import group_add, group_leave, group_new
from chat.views.messages import attachment, delete, edit, history, react
from chat.views.rooms import community_room, direct, index, room, send

__all__ = [
    "attachment",
    "channel_delete",
    "channel_new",
    "community_room",
    "delete",
    "direct",
    "edit",
    "group_add",
    "group_leave",
    "group_new",
    "history",
    "index",
    "mute",
    "mutes",
    "react",
    "room",
    "send",
    "unmute",
]
