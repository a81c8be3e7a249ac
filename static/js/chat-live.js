/* The chat's part of every page of a signed-in agent (templates/base.html), over the tab's
   WebSocket (Maillage.realtime, realtime.js): the unread badges and the presence heartbeat.

   Maillage.chat:
   - setFocus(roomId) / focus(): the room on screen (chat.js), for the heartbeat and the counts;
   - heartbeat(): send chat.heartbeat now.

   Unread badges: the navigation's (#chat-unread-badge) and, on the « Messagerie » index, the
   rooms'. At each (re)connection chat.rooms gives the counts and the rooms are subscribed to
   (the tab counts as live once they are: realtime.js's onresume); then each new message of
   someone else in a room not on screen adds one (a message id counts once: an edit or a
   reaction comes back as chat.message with the same id).

   Presence: chat.heartbeat {active, focus} every 30 s while the socket is open, the first one
   right after the subscriptions (the server tells the agent's rooms they came online, which
   only reaches the rooms this connection is subscribed to), or 5 s after the connection opened
   at the latest. Active: the tab has the focus or had input within 5 minutes. */
(function () {
  "use strict";

  var HEARTBEAT = 30000;
  var FIRST_HEARTBEAT_AT_THE_LATEST = 5000;
  var IDLE_AFTER = 5 * 60 * 1000;

  var focus = null;
  var lastInput = Date.now();

  function start() {
    var rt = window.Maillage && window.Maillage.realtime;
    if (!rt || window.Maillage.chat) {
      return;
    }
    var me = rt.me;

    /* --- Presence ---------------------------------------------------------------------------- */

    function active() {
      return document.hasFocus() || Date.now() - lastInput < IDLE_AFTER;
    }

    function heartbeat() {
      if (rt.isOpen()) {
        rt.send({ type: "chat.heartbeat", active: active(), focus: focus }, { ephemeral: true });
      }
    }

    var firstBeatTimer = null;

    function subscribedHeartbeat() {
      if (firstBeatTimer !== null) {
        window.clearTimeout(firstBeatTimer);
        firstBeatTimer = null;
        heartbeat();
      }
    }

    ["keydown", "pointerdown", "wheel", "touchstart"].forEach(function (name) {
      document.addEventListener(name, function () {
        lastInput = Date.now();
      }, { passive: true, capture: true });
    });
    var heartbeatTimer = window.setInterval(heartbeat, HEARTBEAT);
    window.addEventListener("pagehide", function () {
      window.clearInterval(heartbeatTimer);
    });

    window.Maillage.chat = {
      setFocus: function (roomId) {
        focus = roomId === null || roomId === undefined ? null : Number(roomId);
      },
      focus: function () {
        return focus;
      },
      heartbeat: heartbeat,
    };

    /* --- Unread counts ----------------------------------------------------------------------- */

    var rooms = {}; // id -> {unread, seq (of the last chat.rooms), maxId, lastRead}
    var counted = {}; // message id -> room id, for the messages counted since chat.rooms
    var roomsAsked = false;
    var resumed = null; // the done() of the current connection's resume, until chat.rooms

    function room(id) {
      if (!rooms[id]) {
        rooms[id] = { unread: 0, seq: 0, maxId: 0, lastRead: 0 };
      }
      return rooms[id];
    }

    function askRooms() {
      if (!roomsAsked && rt.send({ type: "chat.rooms" })) {
        roomsAsked = true;
      }
    }

    function showCount(element, count) {
      element.textContent = count > 99 ? "99+" : String(count);
      element.hidden = count === 0;
      element.setAttribute("data-count", String(count));
      element.setAttribute(
        "title",
        count === 1 ? "1 message non lu" : count + " messages non lus"
      );
    }

    function render() {
      var total = 0;
      Object.keys(rooms).forEach(function (id) {
        total += rooms[id].unread;
      });
      var badge = document.getElementById("chat-unread-badge");
      if (badge) {
        showCount(badge, total);
      }
      // The compact copies beside the header's menu button on small screens, with their words.
      document.querySelectorAll("[data-chat-unread-badge]").forEach(function (compact) {
        showCount(compact, total);
      });
      document.querySelectorAll("[data-chat-unread-words]").forEach(function (words) {
        words.textContent =
          total === 0 ? "" : total === 1 ? " message non lu" : " messages non lus";
      });
      Object.keys(rooms).forEach(function (id) {
        var link = document.querySelector("[data-testid='chat-room-link'][data-room-id='" + id + "']");
        var element = document.querySelector("[data-testid='chat-unread'][data-room-id='" + id + "']");
        if (!element && link && rooms[id].unread > 0) {
          element = document.createElement("span");
          element.className = "fr-badge fr-badge--sm fr-badge--info fr-badge--no-icon chat-unread";
          element.setAttribute("data-testid", "chat-unread");
          element.setAttribute("data-room-id", id);
          link.appendChild(document.createTextNode(" "));
          link.appendChild(element);
        }
        if (element) {
          showCount(element, rooms[id].unread);
        }
        var item = document.querySelector("[data-testid='chat-room-item'][data-room-id='" + id + "']");
        if (item) {
          item.classList.toggle("chat-room-item--unread", rooms[id].unread > 0);
        }
      });
      var summary = document.querySelector("[data-testid='chat-unread-total']");
      if (summary) {
        summary.textContent = total + (total > 1 ? " non lus" : " non lu");
        summary.hidden = total === 0;
      }
    }

    function recount(id) {
      var state = room(id);
      var n = 0;
      Object.keys(counted).forEach(function (messageId) {
        if (counted[messageId] === id && Number(messageId) > state.lastRead) {
          n += 1;
        }
      });
      state.unread = n;
    }

    rt.onresume(function (done) {
      resumed = done;
      window.clearTimeout(firstBeatTimer);
      firstBeatTimer = window.setTimeout(subscribedHeartbeat, FIRST_HEARTBEAT_AT_THE_LATEST);
      roomsAsked = false;
      askRooms();
    });

    rt.on("chat.rooms", function (event) {
      roomsAsked = false;
      var previous = rooms;
      rooms = {};
      counted = {};
      var wanted = {};
      (event.rooms || []).forEach(function (summary) {
        var id = String(summary.id);
        var state = room(id);
        state.unread = summary.id === focus ? 0 : summary.unread || 0;
        state.seq = summary.seq || 0;
        state.maxId = previous[id] ? previous[id].maxId : 0;
        state.lastRead = previous[id] ? previous[id].lastRead : 0;
        wanted[id] = state.seq;
      });
      // The server takes 500 rooms per chat.subscribe.
      var ids = Object.keys(wanted);
      for (var first = 0; first < ids.length; first += 500) {
        var chunk = {};
        ids.slice(first, first + 500).forEach(function (id) {
          chunk[id] = wanted[id];
        });
        rt.send({ type: "chat.subscribe", rooms: chunk });
      }
      subscribedHeartbeat();
      if (resumed !== null) {
        var done = resumed;
        resumed = null;
        done();
      }
      render();
    });

    // A message just written, not a change to an older one (an edit, a reaction, a deletion
    // also come as chat.message). Message ids only grow; a reaction taken back leaves no trace
    // in the payload, hence the last check (an hour: wide enough for a badly set clock).
    function looksNew(message, seq, state) {
      if (message.edited || message.deleted || message.moderated) {
        return false;
      }
      if ((message.reactions || []).length || message.id <= state.maxId || seq <= state.seq) {
        return false;
      }
      var created = Date.parse(message.created);
      return isNaN(created) || Math.abs(Date.now() - created) < 3600 * 1000;
    }

    rt.on("chat.message", function (event) {
      var message = event.message;
      if (!message) {
        return;
      }
      var id = String(event.room || message.room);
      var state = room(id);
      var isNew = looksNew(message, event.seq || message.seq, state);
      state.maxId = Math.max(state.maxId, message.id);
      if (message.author && message.author.id === me) {
        if (isNew) {
          // Writing in a room marks it read up to one's message (chat.services.message_send).
          state.lastRead = Math.max(state.lastRead, message.id);
          recount(id);
          render();
        }
        return;
      }
      if (counted[message.id] !== undefined) {
        if (message.deleted || message.moderated) {
          delete counted[message.id];
          recount(id);
          render();
        }
        return;
      }
      if (!isNew || Number(id) === focus || message.id <= state.lastRead) {
        return;
      }
      counted[message.id] = id;
      state.unread += 1;
      render();
    });

    rt.on("chat.read", function (event) {
      var id = String(event.room);
      var state = room(id);
      state.lastRead = Math.max(state.lastRead, event.last_read || 0);
      Object.keys(counted).forEach(function (messageId) {
        if (counted[messageId] === id && Number(messageId) <= state.lastRead) {
          delete counted[messageId];
        }
      });
      // What chat.rooms counted is older than the messages counted since: read as well.
      recount(id);
      render();
    });

    rt.on("chat.rooms_changed", function () {
      askRooms();
    });

    rt.on("chat.room_removed", function (event) {
      delete rooms[String(event.room)];
      render();
    });

    // Counts drift when old messages are deleted meanwhile: a tab coming back asks again.
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") {
        lastInput = Date.now();
        if (rt.isOpen()) {
          askRooms();
        }
      }
    });
  }

  // realtime.js comes before this script in the page; once every script has run otherwise.
  start();
  if (!(window.Maillage && window.Maillage.chat)) {
    document.addEventListener("DOMContentLoaded", start);
  }
})();
