/* The notifications' live part, loaded on every page of a signed-in agent (templates/base.html).

   The server pushes {"type": "notifications.unread", "unread": N, "notification": {id, kind,
   summary, url, created}} to every open tab of the agent (notifications.services.push), through
   the tab's WebSocket (window.Maillage.realtime, static/js/realtime.js). This keeps the header's
   bell and its compact copy beside the menu button (their badges and the words after them, read
   in their accessible names: « Notifications 3 non lues ») up to date and shows a small toast,
   linked to the notification, for each new one. A push can be missed (the socket was
   reconnecting, the tab slept): the count is asked again (GET data-unread-url of the bell) when
   the socket reopens, when the tab comes back into view and when the page comes back from the
   back-forward cache. Without JavaScript the page shows the count of its load. */
(function () {
  "use strict";

  var TOAST_DELAY = 8000;
  var TOASTS_MAX = 3;
  var REFRESH_MIN = 5000;
  var seen = {};
  var pushes = 0; // pushes received: a count asked before the last push is stale
  var lastRefresh = 0;

  function unreadWords(count) {
    if (count === 0) {
      return "";
    }
    return count === 1 ? " non lue" : " non lues";
  }

  function showCount(count) {
    // The DSFR copies the header's tools into the mobile menu: every copy is updated.
    document.querySelectorAll("[data-notifications-badge]").forEach(function (badge) {
      badge.textContent = count > 99 ? "99+" : String(count);
      badge.hidden = count === 0;
      badge.setAttribute("data-count", String(count));
    });
    document.querySelectorAll("[data-notifications-unread-words]").forEach(function (words) {
      words.textContent = unreadWords(count);
    });
  }

  function toastArea() {
    var area = document.getElementById("notifications-toasts");
    if (!area) {
      area = document.createElement("div");
      area.id = "notifications-toasts";
      area.className = "notifications-toasts";
      area.setAttribute("role", "status");
      area.setAttribute("aria-live", "polite");
      document.body.appendChild(area);
    }
    return area;
  }

  function showToast(notification) {
    if (!notification || !notification.id || seen[notification.id]) {
      return;
    }
    seen[notification.id] = true;
    var area = toastArea();
    var toast = document.createElement("div");
    toast.className = "fr-alert fr-alert--info fr-alert--sm";
    toast.setAttribute("data-testid", "notification-toast");
    var text = document.createElement("p");
    var link = document.createElement("a");
    // Through the centre's link: opening it marks the notification read.
    var bell = document.querySelector("[data-notifications-bell]");
    var centre = (bell && bell.getAttribute("href")) || "/notifications/";
    link.href = centre + encodeURIComponent(notification.id) + "/";
    link.textContent = notification.summary || "Nouvelle notification";
    text.appendChild(link);
    toast.appendChild(text);
    var close = document.createElement("button");
    close.type = "button";
    close.className = "fr-btn--close fr-btn";
    close.title = "Masquer la notification";
    close.textContent = "Masquer";
    close.addEventListener("click", function () {
      toast.remove();
    });
    toast.appendChild(close);
    area.appendChild(toast);
    while (area.children.length > TOASTS_MAX) {
      area.removeChild(area.firstChild);
    }
    window.setTimeout(function () {
      // Not while the pointer or the keyboard is on it.
      if (toast.matches(":hover") || toast.contains(document.activeElement)) {
        window.setTimeout(function () {
          toast.remove();
        }, TOAST_DELAY);
        return;
      }
      toast.remove();
    }, TOAST_DELAY);
  }

  function refresh() {
    var bell = document.querySelector("[data-notifications-bell][data-unread-url]");
    if (!bell || !window.fetch || Date.now() - lastRefresh < REFRESH_MIN) {
      return;
    }
    lastRefresh = Date.now();
    var asked = pushes;
    window
      .fetch(bell.getAttribute("data-unread-url"), {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "application/json" },
      })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data && typeof data.unread === "number" && asked === pushes) {
          showCount(data.unread);
        }
      })
      .catch(function () {
        // Offline: the next push or the next page tells the count.
      });
  }

  function onUnread(event) {
    pushes += 1;
    var count = parseInt(event.unread, 10);
    if (!isNaN(count) && count >= 0) {
      showCount(count);
    }
    if (event.notification) {
      showToast(event.notification);
    }
  }

  var subscribed = false;

  function subscribe() {
    var realtime = window.Maillage && window.Maillage.realtime;
    if (subscribed || !realtime) {
      return;
    }
    subscribed = true;
    realtime.on("notifications.unread", onUnread);
    // The first opening follows the page's load, whose count is fresh: only reconnections ask.
    var opens = realtime.isOpen() ? 1 : 0;
    realtime.on("realtime.open", function () {
      opens += 1;
      if (opens > 1) {
        refresh();
      }
    });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      refresh();
    }
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      refresh(); // restored from the back-forward cache: the count may be old
    }
  });

  // realtime.js may come after this script in the page: try again once every script has run.
  subscribe();
  if (!subscribed) {
    document.addEventListener("DOMContentLoaded", subscribe);
  }
})();
