/* The tab's one WebSocket (/ws/, maillage/realtime/consumer.py), loaded on every page of a
   signed-in agent (templates/base.html). The transport only: what each feature does with it is
   in the feature's own script (chat-live.js and chat.js for the chat, notifications.js).

   Maillage.realtime:
   - on(type, fn) / off(type, fn): the server's events by "type" ("error" included), plus
     "realtime.open" and "realtime.close" for the connection's state;
   - send(event, options): sent at once when the socket is open, else queued until it opens
     again; with {ephemeral: true} (a typing indicator, a heartbeat) dropped instead: stale by
     then. Returns true when sent at once;
   - onopen(fn): fn() at every (re)connection, and at once when already open: where features
     subscribe again after a reconnect;
   - onresume(fn): fn(done) at every (re)connection (at once when already open): a feature that
     must resume (subscribe again, ask what it missed) calls done() once it has; the tab counts
     as live when every such feature has;
   - isOpen(), me (the agent's id).

   It connects once every deferred script of the page has registered its hooks, reconnects
   with a growing random delay, at once when the network or the tab comes back, and stops on
   4401 (signed out). <html data-realtime="open|closed"> tells the state: open once the socket
   is open and every onresume hook of this connection has called done(). */
(function () {
  "use strict";

  var script = document.currentScript;
  var me = script ? parseInt(script.getAttribute("data-me"), 10) || null : null;
  var MIN_DELAY = 1000;
  var MAX_DELAY = 30000;
  var QUEUE_MAX = 200;

  var socket = null;
  var attempts = 0;
  var reconnectTimer = null;
  var stopped = false;
  var queue = [];
  var handlers = {};
  var openHooks = [];
  var resumeHooks = [];
  var resuming = 0; // resume hooks of the current connection not done yet
  var generation = 0; // one per connection: a done() of an older one counts for nothing

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

  function send(event, options) {
    if (isOpen()) {
      socket.send(JSON.stringify(event));
      return true;
    }
    if (!(options && options.ephemeral)) {
      queue.push(event);
      if (queue.length > QUEUE_MAX) {
        queue.shift();
      }
    }
    return false;
  }

  function live() {
    document.documentElement.setAttribute("data-realtime", "open");
  }

  function resume(fn) {
    var current = generation;
    var done = false;
    resuming += 1;
    function finish() {
      if (done || current !== generation) {
        return;
      }
      done = true;
      resuming -= 1;
      if (resuming === 0) {
        live();
      }
    }
    try {
      fn(finish);
    } catch (error) {
      finish();
      window.setTimeout(function () {
        throw error;
      });
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
    if (stopped || me === null || (socket !== null && socket.readyState <= WebSocket.OPEN)) {
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
      generation += 1;
      resuming = 0;
      openHooks.slice().forEach(function (fn) {
        fn();
      });
      var pending = queue;
      queue = [];
      pending.forEach(function (event) {
        send(event);
      });
      resumeHooks.slice().forEach(function (fn) {
        resume(fn);
      });
      emit("realtime.open", {});
      if (resuming === 0) {
        live();
      }
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
      generation += 1;
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
    onresume: function (fn) {
      resumeHooks.push(fn);
      if (isOpen()) {
        resume(fn);
      }
    },
  };
  window.Maillage = window.Maillage || {};
  window.Maillage.realtime = api;

  window.addEventListener("online", reconnectNow);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      reconnectNow();
    }
  });

  // Once every deferred script has run: the features' hooks are registered before the first
  // connection opens (load: in case this script came after that).
  document.addEventListener("DOMContentLoaded", connect);
  window.addEventListener("load", connect);
})();
