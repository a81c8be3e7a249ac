/* The tab's one WebSocket (/ws/, maillage/consumers.py; its chat.* events: chat/consumers.py),
   loaded on every page of a signed-in agent (templates/base.html).

   Maillage.realtime:
   - on(type, fn) / off(type, fn): the server's events by "type" ("error" included), plus
     "realtime.open" and "realtime.close" for the connection's state;
   - send(event): sent at once when the socket is open, else queued until it opens again
     (typing indicators and heartbeats are dropped instead: they are stale by then);
   - onopen(fn): fn() at every (re)connection, and at once when already open: where features
     subscribe again after a reconnect;
   - setFocus(roomId): the room on screen (chat.js), for the heartbeat and the unread counts;
   - isOpen(), me (the agent's id).

   It also keeps the navigation's unread badge (#chat-unread-badge) and, on the « Messagerie »
   index, the rooms' badges, up to date: chat.rooms gives the counts, then each new message of
   someone else in a room not on screen adds one (a message id counts once: an edit or a
   reaction comes back as chat.message with the same id); "realtime.unread" {total} follows
   each change. <html data-realtime="open|closed"> tells the state (open: rooms subscribed). */
(function () {
  "use strict";

  var script = document.currentScript;
  var me = script ? parseInt(script.getAttribute("data-me"), 10) || null : null;
  var MIN_DELAY = 1000;
  var MAX_DELAY = 30000;
  var HEARTBEAT = 30000;
  var IDLE_AFTER = 5 * 60 * 1000;
  var QUEUE_MAX = 200;
  var EPHEMERAL = { "chat.typing": true, "chat.heartbeat": true };

  var socket = null;
  var attempts = 0;
  var reconnectTimer = null;
  var heartbeatTimer = null;
  var stopped = false;
  var queue = [];
  var handlers = {};
  var openHooks = [];
  var focus = null;
  var lastInput = Date.now();

  function emit(type, data) {
    (handlers[type] || []).slice().forEach(function (fn) {
      try {
        fn(data);
      } catch (error) {
        window.setTimeout(function () {
          throw error;
        });
      }
    });
  }

  function isOpen() {
    return socket !== null && socket.readyState === WebSocket.OPEN;
  }

  function send(event) {
    if (isOpen()) {
      socket.send(JSON.stringify(event));
      return true;
    }
    if (!EPHEMERAL[event.type]) {
      queue.push(event);
      if (queue.length > QUEUE_MAX) {
        queue.shift();
      }
    }
    return false;
  }

  function active() {
    return document.hasFocus() || Date.now() - lastInput < IDLE_AFTER;
  }

  function heartbeat() {
    if (isOpen()) {
      send({ type: "chat.heartbeat", active: active(), focus: focus });
    }
  }

  // The first heartbeat of a connection goes after the subscriptions (chat.rooms, then
  // chat.subscribe): the server tells the agent's rooms they came online, which only reaches
  // the rooms this connection is subscribed to. Not later than a few seconds all the same.
  var firstBeatTimer = null;

  function firstHeartbeat() {
    window.clearTimeout(firstBeatTimer);
    firstBeatTimer = window.setTimeout(subscribedHeartbeat, 5000);
  }

  function subscribedHeartbeat() {
    if (firstBeatTimer !== null) {
      window.clearTimeout(firstBeatTimer);
      firstBeatTimer = null;
      heartbeat();
    }
  }

  function url() {
    var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    return scheme + "//" + window.location.host + "/ws/";
  }

  function scheduleReconnect() {
    if (stopped || reconnectTimer !== null) {
      return;
    }
    // 1 s, 2 s, 4 s… up to 30 s, each drawn between half and all of it so that the tabs a
    // restarted server dropped do not all come back at the same instant.
    var ceiling = Math.min(MAX_DELAY, MIN_DELAY * Math.pow(2, attempts));
    var delay = ceiling / 2 + Math.random() * (ceiling / 2);
    attempts += 1;
    reconnectTimer = window.setTimeout(function () {
      reconnectTimer = null;
      connect();
    }, delay);
  }

  function connect() {
    if (stopped || (socket !== null && socket.readyState <= WebSocket.OPEN)) {
      return;
    }
    var current;
    try {
      current = new WebSocket(url());
    } catch (error) {
      scheduleReconnect();
      return;
    }
    socket = current;
    current.addEventListener("open", function () {
      if (socket !== current) {
        return;
      }
      attempts = 0;
      firstHeartbeat();
      openHooks.slice().forEach(function (fn) {
        fn();
      });
      var pending = queue;
      queue = [];
      pending.forEach(send);
      emit("realtime.open", {});
    });
    current.addEventListener("message", function (message) {
      var event;
      try {
        event = JSON.parse(message.data);
      } catch (error) {
        return;
      }
      if (event && typeof event.type === "string") {
        emit(event.type, event);
      }
    });
    current.addEventListener("close", function (closed) {
      if (socket !== current) {
        return;
      }
      socket = null;
      document.documentElement.setAttribute("data-realtime", "closed");
      emit("realtime.close", { code: closed.code });
      if (closed.code === 4401) {
        stopped = true; // signed out: the next page load signs in again
        return;
      }
      scheduleReconnect();
    });
  }

  function reconnectNow() {
    if (stopped || isOpen()) {
      return;
    }
    if (reconnectTimer !== null) {
      window.clearTimeout(reconnectTimer);
      reconnectTimer = null;
    }
    connect();
  }

  var api = {
    me: me,
    on: function (type, fn) {
      (handlers[type] = handlers[type] || []).push(fn);
    },
    off: function (type, fn) {
      handlers[type] = (handlers[type] || []).filter(function (other) {
        return other !== fn;
      });
    },
    send: send,
    isOpen: isOpen,
    onopen: function (fn) {
      openHooks.push(fn);
      if (isOpen()) {
        fn();
      }
    },
    setFocus: function (roomId) {
      focus = roomId === null || roomId === undefined ? null : Number(roomId);
    },
    focus: function () {
      return focus;
    },
    heartbeat: heartbeat,
  };
  window.Maillage = window.Maillage || {};
  window.Maillage.realtime = api;

  ["keydown", "pointerdown", "wheel", "touchstart"].forEach(function (name) {
    document.addEventListener(name, function () {
      lastInput = Date.now();
    }, { passive: true, capture: true });
  });
  window.addEventListener("online", reconnectNow);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      lastInput = Date.now();
      reconnectNow();
    }
  });
  heartbeatTimer = window.setInterval(heartbeat, HEARTBEAT);
  window.addEventListener("pagehide", function () {
    window.clearInterval(heartbeatTimer);
  });

  /* --- Unread counts ------------------------------------------------------------------------ */

  var rooms = {}; // id -> {unread, seq (of the last chat.rooms), maxId, lastRead}
  var counted = {}; // message id -> room id, for the messages counted since chat.rooms
  var roomsAsked = false;

  function room(id) {
    if (!rooms[id]) {
      rooms[id] = { unread: 0, seq: 0, maxId: 0, lastRead: 0 };
    }
    return rooms[id];
  }

  function askRooms() {
    if (!roomsAsked && send({ type: "chat.rooms" })) {
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
    emit("realtime.unread", { total: total });
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

  api.on("realtime.open", function () {
    roomsAsked = false;
    askRooms();
  });

  api.on("chat.rooms", function (event) {
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
    for (var start = 0; start < ids.length; start += 500) {
      var chunk = {};
      ids.slice(start, start + 500).forEach(function (id) {
        chunk[id] = wanted[id];
      });
      send({ type: "chat.subscribe", rooms: chunk });
    }
    subscribedHeartbeat();
    document.documentElement.setAttribute("data-realtime", "open");
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

  api.on("chat.message", function (event) {
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

  api.on("chat.read", function (event) {
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

  api.on("chat.rooms_changed", function () {
    askRooms();
  });

  api.on("chat.room_removed", function (event) {
    delete rooms[String(event.room)];
    render();
  });

  // Counts drift when old messages are deleted meanwhile: a tab coming back asks again.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && isOpen()) {
      askRooms();
    }
  });

  if (me !== null) {
    connect();
  }
})();
