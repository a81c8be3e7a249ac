/* A room's page (templates/chat/room.html), progressive enhancement: without it, or while the
   WebSocket is closed, every action is the page's own link or form.

   Through Maillage.realtime (realtime.js) it subscribes to the room from data-room-seq (the room
   is the focus of chat-live.js: its presence is shown), then keeps the page alive:
   - the composer sends over the socket (files still go through the form), shows the message as
     pending until chat.ack / chat.message, resends with the same client_id after 10 s without an
     answer, and shows a refusal (error event whose ref is the client_id) above the composer;
   - chat.message payloads (chat.selectors.message_payload) are rendered with the markup of
     templates/chat/partials/message.html, upserted by id in id order; `html` is sanitised by
     the server, everything else goes in as text;
   - replies, inline edits, deletions (confirmed inline), reactions, « Messages plus anciens »;
   - typing indicators, presence, @mention completion, Enter to send (Shift+Enter: new line);
   - the layout: the room fills the viewport's height (--chat-top, the room's top on the page),
     its messages scroll in #chat-scroller between the header and the composer, pinned at the
     bottom; « / » (outside a text field) or Alt+Shift+M goes to the composer; Escape closes
     an open reactions picker and gives the focus back to its « Réagir »;
   - scrolling: first unread message (or the bottom) on load, follow new messages only when at
     the bottom, keep the position when older messages come in above; chat.read when the last
     message is visible in a visible tab;
   - after a reconnection, subscribe again from the last sequence number seen (what changed
     meanwhile comes back and is upserted); chat.reset reloads the page. */
(function () {
  "use strict";

  var RESEND_AFTER = 10000;
  var TYPING_EVERY = 3000;
  var TYPING_SHOWN = 5000;
  var READ_DELAY = 600;
  var MENTIONS_SHOWN = 8;
  // The platform's one date format (maillage/french.py): « 6 décembre 2026 à 14 h 05 ».
  var TIME_FORMAT = new Intl.DateTimeFormat("fr-FR", {
    timeZone: "Europe/Paris",
    day: "numeric",
    month: "long",
    year: "numeric",
    hour: "numeric",
    minute: "2-digit",
    hourCycle: "h23",
  });

  /* --- Small helpers ------------------------------------------------------------------------ */

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      var value = attributes[name];
      if (value === null || value === undefined || value === false) {
        return;
      }
      if (name === "text") {
        node.textContent = value;
      } else if (name === "className") {
        node.className = value;
      } else {
        node.setAttribute(name, value === true ? "" : String(value));
      }
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) {
        return;
      }
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function normalize(text) {
    return String(text || "")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase();
  }

  function formatDate(iso) {
    var parts = {};
    TIME_FORMAT.formatToParts(new Date(iso)).forEach(function (part) {
      parts[part.type] = part.value;
    });
    var day = parseInt(parts.day, 10);
    return (
      (day === 1 ? "1er" : String(day)) + " " + parts.month + " " + parts.year +
      " à " + parseInt(parts.hour, 10) + " h " + parts.minute
    );
  }

  function fileSize(bytes) {
    // As Django's filesizeformat in French.
    var units = ["Ko", "Mo", "Go"];
    if (bytes < 1024) {
      return bytes + (bytes > 1 ? " octets" : " octet");
    }
    var value = bytes / 1024;
    var unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit += 1;
    }
    return value.toFixed(1).replace(".", ",") + "\u00a0" + units[unit];
  }

  function clientId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID().replace(/-/g, "");
    }
    var alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    var bytes = new Uint8Array(24);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (byte) {
        return alphabet[byte % alphabet.length];
      })
      .join("");
  }

  function excerpt(text, length) {
    var flat = String(text || "").replace(/\s+/g, " ").trim();
    return flat.length > length ? flat.slice(0, length - 1) + "…" : flat;
  }

  /* --- The room ----------------------------------------------------------------------------- */

  function start() {
    var section = document.getElementById("chat-room");
    var rt = window.Maillage && window.Maillage.realtime;
    if (!section || !rt) {
      return;
    }
    var data = section.dataset;
    var roomId = parseInt(data.roomId, 10);
    var me = parseInt(data.me, 10);
    var lastSeq = parseInt(data.roomSeq, 10) || 0;
    var lastRead = parseInt(data.lastRead, 10) || 0;
    var canPost = data.canPost === "1";
    var canModerate = data.canModerate === "1";
    var community = data.community || "";
    var emojis = [];
    try {
      emojis = JSON.parse(data.emojis || "[]");
    } catch (error) {
      emojis = [];
    }
    var participants = [];
    var participantsScript = document.getElementById("chat-participants");
    if (participantsScript) {
      try {
        participants = JSON.parse(participantsScript.textContent) || [];
      } catch (error) {
        participants = [];
      }
    }
    var names = {};
    participants.forEach(function (agent) {
      names[agent.id] = agent.name;
    });

    var list = document.getElementById("chat-messages");
    // What scrolls: the messages between the room's header and the composer.
    var scroller = document.getElementById("chat-scroller") || list;
    var layout = section.closest(".chat-layout");
    var form = document.getElementById("chat-composer");
    var textarea = document.getElementById("chat-body");
    var replyInput = form ? form.querySelector("input[name='reply_to']") : null;
    var fileInput = form ? form.querySelector("input[type='file'][name='attachment']") : null;
    var typingLine = document.getElementById("chat-typing");
    var presenceList = document.getElementById("chat-presence");
    var csrfInput = document.querySelector("input[name='csrfmiddlewaretoken']");
    var currentPath = window.location.pathname + window.location.search;
    // New messages join the page when it shows the latest ones, not a page of older ones.
    var acceptsNew = list !== null && !document.querySelector("[data-testid='chat-newer']");

    var pending = {}; // client id -> {body, replyTo, element, timer, id}
    var payloads = {}; // message id -> the latest payload received (for the inline editor)
    var historyWanted = []; // what each chat.history answer is for, in order: "older" or an id
    var typers = {}; // agent id -> {name, timer}
    var presence = {}; // agent id -> "online" | "away"
    var readSent = lastRead;
    var typingSentAt = 0;
    var lastVisible = false;
    var readTimer = null;
    var observer = null;
    var subscribed = false;

    section.classList.add("chat-room--live");

    /* --- The layout: the room as high as the viewport, the composer at its bottom ---------- */

    function fitToViewport() {
      if (!layout) {
        return;
      }
      var top = section.getBoundingClientRect().top + window.scrollY;
      layout.style.setProperty("--chat-top", Math.round(top) + "px");
      layout.classList.add("chat-layout--live");
    }
    fitToViewport();
    window.addEventListener("resize", function () {
      var follow = atBottom();
      fitToViewport();
      if (follow) {
        scrollToBottom();
      }
    });
    if (window.Maillage.chat) {
      window.Maillage.chat.setFocus(roomId); // chat-live.js: presence and unread counts
    }

    /* --- Rendering a message (templates/chat/partials/message.html) ------------------------ */

    function messageUrl(id) {
      return "/messagerie/" + roomId + "/?autour=" + id + "#message-" + id;
    }

    function reportUrl(id) {
      var sample = document.querySelector("[data-testid='chat-action-report']");
      if (data.reportUrl) {
        return data.reportUrl.replace(/\/0\/$/, "/" + id + "/");
      }
      if (sample) {
        return sample.getAttribute("href").replace(/\/\d+\/$/, "/" + id + "/");
      }
      return null;
    }

    function renderReactions(message) {
      var reactions = message.reactions || [];
      var buttons = reactions.map(function (reaction) {
        var mine = reaction.agents.indexOf(me) !== -1;
        var label = reaction.emoji + " " + reaction.agents.length;
        if (!canPost) {
          return el("span", {
            className: "fr-tag fr-tag--sm chat-reaction",
            title: reaction.names.join(", "),
            "data-testid": "chat-reaction",
            "data-emoji": reaction.emoji,
            text: label,
          });
        }
        return el("button", {
          type: "submit",
          name: "emoji",
          value: reaction.emoji,
          className:
            "fr-btn fr-btn--sm " + (mine ? "fr-btn--secondary" : "fr-btn--tertiary") + " chat-reaction",
          "aria-pressed": mine ? "true" : "false",
          title: reaction.names.join(", "),
          "data-testid": "chat-reaction",
          "data-emoji": reaction.emoji,
          text: label,
        });
      });
      if (!canPost) {
        return buttons.length
          ? el("p", { className: "chat-message__reactions", "data-testid": "chat-reactions" }, buttons)
          : null;
      }
      var picker = el("details", { className: "chat-react-picker" }, [
        el("summary", { className: "fr-text--sm", text: "Réagir" }),
      ].concat(
        emojis.map(function (emoji) {
          return el("button", {
            type: "submit",
            name: "emoji",
            value: emoji,
            className: "fr-btn fr-btn--sm fr-btn--tertiary-no-outline",
            title: "Réagir avec " + emoji,
            text: emoji,
          });
        })
      ));
      return el(
        "form",
        {
          method: "post",
          action: "/messagerie/message/" + message.id + "/reaction/",
          className: "chat-message__reactions",
          "data-testid": "chat-reactions",
        },
        [
          csrfInput
            ? el("input", { type: "hidden", name: "csrfmiddlewaretoken", value: csrfInput.value })
            : null,
          el("input", { type: "hidden", name: "next", value: currentPath }),
        ]
          .concat(buttons)
          .concat([picker])
      );
    }

    function renderActions(message, mine) {
      var deleted = message.deleted;
      var items = [];
      function action(href, testid, label) {
        items.push(
          el("li", {}, [
            el("a", { className: "fr-link fr-text--xs", href: href, "data-testid": testid, text: label }),
          ])
        );
      }
      if (canPost && !deleted) {
        action("/messagerie/" + roomId + "/?repondre=" + message.id + "#chat-composer", "chat-action-reply", "Répondre");
      }
      if (canPost && mine && !deleted) {
        action("/messagerie/message/" + message.id + "/modifier/", "chat-action-edit", "Modifier");
      }
      if (!deleted && (mine || canModerate)) {
        action("/messagerie/message/" + message.id + "/supprimer/", "chat-action-delete", "Supprimer");
      }
      if (!deleted && !mine && community) {
        var report = reportUrl(message.id);
        if (report) {
          action(report, "chat-action-report", "Signaler");
        }
      }
      if (canModerate) {
        action("/messagerie/message/" + message.id + "/historique/", "chat-action-history", "Historique");
      }
      if (canModerate && !mine && community) {
        action(
          "/messagerie/communaute/" + community + "/muets/" + message.author.id + "/",
          "chat-action-mute",
          "Rendre muet"
        );
      }
      return items.length
        ? el("ul", { className: "chat-message__actions", "aria-label": "Actions sur le message" }, items)
        : null;
    }

    function renderMessage(message) {
      var mine = message.author.id === me;
      var deleted = message.deleted || message.moderated;
      var classes = ["chat-message"];
      if (deleted) {
        classes.push("chat-message--deleted");
      }
      if (mine) {
        classes.push("chat-message--mine");
      }
      var meta = el("p", { className: "chat-message__meta fr-text--sm fr-mb-1v" }, [
        el("a", { className: "chat-message__author", href: message.author.url }, [
          el("strong", { text: message.author.name }),
        ]),
        " · ",
        el("time", { datetime: message.created, text: formatDate(message.created) }),
        message.edited && !deleted ? " " : null,
        message.edited && !deleted
          ? el("span", { className: "chat-message__edited fr-text--xs", "data-testid": "chat-edited", text: "(modifié)" })
          : null,
      ]);
      var content = [];
      if (deleted) {
        content.push(
          el("p", { className: "chat-message__deleted fr-text--sm fr-mb-1v", "data-testid": "chat-deleted" }, [
            el("em", { text: message.moderated ? "Message masqué par l'animation" : "Message supprimé" }),
          ])
        );
      } else {
        var reply = message.reply_to;
        if (reply) {
          content.push(
            el("blockquote", { className: "chat-quote fr-mb-1v", "data-testid": "chat-quote" }, [
              el("p", { className: "fr-text--xs fr-mb-0" }, [
                el("a", { href: messageUrl(reply.id), text: reply.author }),
                " : ",
                reply.deleted ? el("em", { text: "Message supprimé" }) : reply.excerpt,
              ]),
            ])
          );
        }
        var body = el("div", { className: "chat-message__body", "data-testid": "chat-message-body" });
        body.innerHTML = message.html; // sanitised server-side (maillage.markup)
        content.push(body);
        var file = message.attachment;
        if (file && file.thumbnail) {
          content.push(
            el("p", { className: "chat-message__thumbnail fr-mb-1v" }, [
              el("a", { href: file.url, title: "Télécharger l'image " + file.name }, [
                el("img", {
                  src: file.thumbnail.url,
                  width: file.thumbnail.width,
                  height: file.thumbnail.height,
                  alt: "Image jointe : " + file.name,
                  loading: "lazy",
                  "data-testid": "chat-thumbnail",
                }),
              ]),
            ])
          );
        }
        if (file) {
          content.push(
            el("p", { className: "chat-message__file fr-text--sm fr-mb-1v", "data-testid": "chat-attachment" }, [
              el("a", { className: "fr-link fr-icon-attachment-line fr-link--icon-left", href: file.url, text: file.name }),
              " ",
              el("span", { className: "fr-text--xs", text: "(" + fileSize(file.size) + ")" }),
            ])
          );
        }
      }
      if (!deleted) {
        content.push(renderReactions(message));
      }
      content.push(renderActions(message, mine));
      return el(
        "li",
        {
          id: "message-" + message.id,
          className: classes.join(" "),
          "data-testid": "chat-message",
          "data-id": message.id,
          "data-seq": message.seq,
          "data-author": message.author.id,
        },
        [meta].concat(content)
      );
    }

    /* --- The list -------------------------------------------------------------------------- */

    function shown() {
      return list ? Array.prototype.slice.call(list.querySelectorAll(":scope > li[data-id]")) : [];
    }

    function atBottom() {
      return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 48;
    }

    function scrollToBottom() {
      scroller.scrollTop = scroller.scrollHeight;
    }

    function scrollToMessage(element) {
      scroller.scrollTop = Math.max(
        0,
        element.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop - 8
      );
    }

    function lastId() {
      var items = shown();
      return items.length ? parseInt(items[items.length - 1].getAttribute("data-id"), 10) : 0;
    }

    function firstId() {
      var items = shown();
      return items.length ? parseInt(items[0].getAttribute("data-id"), 10) : 0;
    }

    function insertInOrder(element, id) {
      var next = null;
      var children = list.children;
      for (var i = 0; i < children.length; i += 1) {
        var child = children[i];
        var childId = parseInt(child.getAttribute("data-id"), 10);
        if (!childId || childId > id) {
          next = child; // the first later message, or the first pending one
          break;
        }
      }
      list.insertBefore(element, next);
    }

    // The payload replaces the message's element (or joins the list when `insert`); an older
    // state than the one shown (an event overtaken by another) is ignored.
    function upsert(message, insert) {
      if (!list) {
        return false;
      }
      payloads[message.id] = message;
      var existing = document.getElementById("message-" + message.id);
      if (existing && parseInt(existing.getAttribute("data-seq"), 10) > message.seq) {
        return false;
      }
      if (!existing && !insert) {
        return false;
      }
      var element = renderMessage(message);
      if (existing) {
        if (existing.classList.contains("chat-message--first-unread")) {
          element.classList.add("chat-message--first-unread");
          var marker = existing.querySelector(".chat-message__unread");
          if (marker) {
            element.insertBefore(marker, element.firstChild);
          }
        }
        var editor = existing.querySelector(".chat-edit");
        if (editor && !editor.hasAttribute("data-submitted") && !message.deleted && !message.moderated) {
          keepEditor(element, editor);
        }
        existing.replaceWith(element);
      } else {
        insertInOrder(element, message.id);
        var empty = document.querySelector("[data-testid='chat-no-message']");
        if (empty) {
          empty.remove();
        }
      }
      return true;
    }

    function settlePending(message) {
      Object.keys(pending).forEach(function (cid) {
        var entry = pending[cid];
        var same =
          entry.id === message.id ||
          (entry.id === null && entry.element && entry.body.trim() === (message.body || "").trim());
        if (same && entry.element) {
          entry.element.remove();
          entry.element = null;
          entry.id = message.id;
          window.clearTimeout(entry.timer);
        }
      });
    }

    function receive(event) {
      var message = event.message;
      if (event.room !== roomId || !message) {
        return;
      }
      lastSeq = Math.max(lastSeq, event.seq || message.seq || 0);
      var follow = list && atBottom();
      if (message.author.id === me) {
        settlePending(message);
      } else if (typers[message.author.id]) {
        stopTyping(message.author.id);
      }
      var isNew = !document.getElementById("message-" + message.id);
      if (upsert(message, acceptsNew)) {
        if (isNew && (follow || message.author.id === me)) {
          scrollToBottom();
        }
        watchLast(); // the last message may be a new element now
      }
    }

    /* --- Sending --------------------------------------------------------------------------- */

    function myName() {
      return names[me] || "Vous";
    }

    function pendingElement(cid, body) {
      return el(
        "li",
        {
          className: "chat-message chat-message--mine chat-message--pending",
          "data-testid": "chat-message-pending",
          "data-client-id": cid,
        },
        [
          el("p", { className: "chat-message__meta fr-text--sm fr-mb-1v" }, [
            el("strong", { text: myName() }),
            " · ",
            el("span", { className: "chat-message__status", text: "Envoi en cours…" }),
          ]),
          el("div", { className: "chat-message__body" }, [
            el("p", { className: "chat-message__pending-text", text: body }),
          ]),
        ]
      );
    }

    function transmit(cid) {
      var entry = pending[cid];
      if (!entry || entry.id !== null) {
        return;
      }
      if (rt.isOpen()) {
        var event = { type: "chat.send", room: roomId, client_id: cid, body: entry.body };
        if (entry.replyTo) {
          event.reply_to = entry.replyTo;
        }
        rt.send(event);
      }
      window.clearTimeout(entry.timer);
      entry.timer = window.setTimeout(function () {
        if (pending[cid] && pending[cid].id === null) {
          var status = entry.element && entry.element.querySelector(".chat-message__status");
          if (status) {
            status.textContent = "Nouvel essai d'envoi…";
          }
          transmit(cid);
        }
      }, RESEND_AFTER);
    }

    function sendMessage() {
      var body = textarea.value;
      if (!body.trim()) {
        textarea.focus();
        return;
      }
      var cid = clientId();
      var replyTo = replyInput && replyInput.value ? parseInt(replyInput.value, 10) || null : null;
      var element = pendingElement(cid, body.trim());
      pending[cid] = { body: body, replyTo: replyTo, element: element, timer: null, id: null };
      if (list) {
        list.appendChild(element);
        scrollToBottom();
      }
      clearAlert();
      textarea.value = "";
      closeMentions();
      clearReply();
      typingSentAt = 0;
      transmit(cid);
    }

    function failPending(cid, text) {
      var entry = pending[cid];
      delete pending[cid];
      window.clearTimeout(entry.timer);
      if (entry.element) {
        entry.element.remove();
      }
      // The typed text is never lost: back in the composer, before what was typed since.
      if (!textarea.value.trim()) {
        textarea.value = entry.body;
      } else if (textarea.value.indexOf(entry.body) === -1) {
        textarea.value = entry.body + "\n\n" + textarea.value;
      }
      if (entry.replyTo && replyInput && !replyInput.value) {
        var original = document.getElementById("message-" + entry.replyTo);
        if (original) {
          setReply(original);
        }
      }
      showAlert(text);
      textarea.focus();
    }

    /* --- Alerts above the composer -------------------------------------------------------- */

    var alertBox = null;

    function showAlert(text) {
      clearAlert();
      var close = el("button", { type: "button", className: "fr-btn--close fr-btn", title: "Masquer le message", text: "Masquer le message" });
      alertBox = el("div", { className: "fr-alert fr-alert--error fr-alert--sm fr-mb-2w", role: "alert", "data-testid": "chat-live-error" }, [
        el("p", { text: text }),
        close,
      ]);
      close.addEventListener("click", clearAlert);
      if (form) {
        form.parentNode.insertBefore(alertBox, form);
      } else if (typingLine) {
        typingLine.parentNode.insertBefore(alertBox, typingLine.nextSibling);
      }
    }

    function clearAlert() {
      if (alertBox) {
        alertBox.remove();
        alertBox = null;
      }
    }

    /* --- Reply ----------------------------------------------------------------------------- */

    function replyPreview() {
      return form ? form.querySelector("[data-testid='chat-reply-preview']") : null;
    }

    function clearReply() {
      if (replyInput) {
        replyInput.value = "";
      }
      var preview = replyPreview();
      if (preview) {
        preview.remove();
      }
    }

    function setReply(item) {
      if (!form || !replyInput) {
        return;
      }
      clearReply();
      var id = item.getAttribute("data-id");
      var author = item.querySelector(".chat-message__author");
      var body = item.querySelector(".chat-message__body");
      var cancel = el("button", { type: "button", className: "fr-link fr-text--xs chat-reply-cancel", text: "Annuler la réponse" });
      var preview = el("blockquote", { className: "chat-quote fr-mb-1v", "data-testid": "chat-reply-preview" }, [
        el("p", { className: "fr-text--sm fr-mb-0" }, [
          "En réponse à ",
          el("strong", { text: author ? author.textContent.trim() : "" }),
          " : " + excerpt(body ? body.textContent : "", 140),
        ]),
        el("p", { className: "fr-text--xs fr-mb-0" }, [cancel]),
      ]);
      replyInput.value = id;
      replyInput.insertAdjacentElement("afterend", preview);
      textarea.focus();
    }

    /* --- Inline edit and delete ------------------------------------------------------------ */

    function keepEditor(element, editor) {
      var body = element.querySelector(".chat-message__body");
      if (body) {
        body.hidden = true;
        body.insertAdjacentElement("afterend", editor);
      } else {
        element.appendChild(editor);
      }
    }

    function openEditor(item, message) {
      if (item.querySelector(".chat-edit")) {
        item.querySelector(".chat-edit textarea").focus();
        return;
      }
      var id = message.id;
      var fieldId = "chat-edit-" + id;
      var field = el("textarea", { className: "fr-input", id: fieldId, name: "body", rows: "3", maxlength: "10000" });
      field.value = message.body;
      var cancel = el("button", { type: "button", className: "fr-btn fr-btn--sm fr-btn--secondary", text: "Annuler" });
      var editor = el("form", { className: "chat-edit fr-mb-1w", "data-testid": "chat-edit-form" }, [
        el("div", { className: "fr-input-group fr-mb-1w" }, [
          el("label", { className: "fr-label", for: fieldId, text: "Modifier le message" }),
          field,
        ]),
        el("ul", { className: "fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm" }, [
          el("li", {}, [el("button", { type: "submit", className: "fr-btn fr-btn--sm", text: "Enregistrer" })]),
          el("li", {}, [cancel]),
        ]),
      ]);
      function close() {
        editor.remove();
        var body = item.isConnected ? item.querySelector(".chat-message__body") : null;
        var current = document.getElementById("message-" + id);
        body = current ? current.querySelector(".chat-message__body") : body;
        if (body) {
          body.hidden = false;
        }
      }
      editor.addEventListener("submit", function (event) {
        event.preventDefault();
        if (!rt.isOpen()) {
          window.location.href = "/messagerie/message/" + id + "/modifier/";
          return;
        }
        if (field.value.trim() === (message.body || "").trim()) {
          close();
          return;
        }
        editor.setAttribute("data-submitted", "");
        rt.send({ type: "chat.edit", message: id, body: field.value });
      });
      field.addEventListener("keydown", function (event) {
        if (event.key === "Escape") {
          event.preventDefault();
          close();
        } else if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          editor.requestSubmit();
        }
      });
      cancel.addEventListener("click", close);
      keepEditor(item, editor);
      field.focus();
      field.setSelectionRange(field.value.length, field.value.length);
    }

    function askEdit(item) {
      var id = parseInt(item.getAttribute("data-id"), 10);
      if (payloads[id]) {
        openEditor(item, payloads[id]);
        return;
      }
      // The raw text is not in the page: the history page ending with this message has it.
      historyWanted.push(id);
      rt.send({ type: "chat.history", room: roomId, before: id + 1 });
    }

    function askDelete(item, link) {
      if (item.querySelector(".chat-confirm")) {
        return;
      }
      var id = parseInt(item.getAttribute("data-id"), 10);
      var confirm = el("button", { type: "button", className: "fr-btn fr-btn--sm fr-icon-delete-line fr-btn--icon-left", text: "Supprimer le message" });
      var cancel = el("button", { type: "button", className: "fr-btn fr-btn--sm fr-btn--secondary", text: "Annuler" });
      var box = el("div", { className: "chat-confirm fr-mb-1w", role: "group", "aria-label": "Confirmer la suppression", "data-testid": "chat-delete-confirm" }, [
        el("p", { className: "fr-text--sm fr-mb-1v", text: "Supprimer ce message ? Les participants verront « Message supprimé » à sa place." }),
        el("ul", { className: "fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm" }, [
          el("li", {}, [confirm]),
          el("li", {}, [cancel]),
        ]),
      ]);
      confirm.addEventListener("click", function () {
        if (!rt.isOpen()) {
          window.location.href = link.getAttribute("href");
          return;
        }
        confirm.disabled = true;
        rt.send({ type: "chat.delete", message: id });
      });
      cancel.addEventListener("click", function () {
        box.remove();
        link.focus();
      });
      var actions = item.querySelector(".chat-message__actions");
      item.insertBefore(box, actions);
      cancel.focus();
    }

    /* --- History ---------------------------------------------------------------------------- */

    var olderLink = document.querySelector("[data-testid='chat-older']");

    function loadOlder() {
      var before = firstId();
      if (!before) {
        return;
      }
      historyWanted.push("older");
      rt.send({ type: "chat.history", room: roomId, before: before });
    }

    function receiveHistory(event) {
      if (event.room !== roomId) {
        return;
      }
      var purpose = historyWanted.shift();
      var messages = event.messages || [];
      if (purpose === "older") {
        // What is on screen stays where it is: the distance to the bottom is kept across
        // everything that changes above (the messages inserted, the link removed).
        var fromBottom = scroller.scrollHeight - scroller.scrollTop;
        messages.forEach(function (message) {
          upsert(message, true);
        });
        if (olderLink) {
          if (event.has_more) {
            olderLink.setAttribute("href", "/messagerie/" + roomId + "/?avant=" + firstId());
          } else {
            var holder = olderLink.closest("p") || olderLink;
            holder.remove();
            olderLink = null;
          }
        }
        scroller.scrollTop = scroller.scrollHeight - fromBottom;
        watchLast();
        return;
      }
      messages.forEach(function (message) {
        upsert(message, false);
      });
      watchLast();
      if (typeof purpose === "number") {
        var item = document.getElementById("message-" + purpose);
        if (item && payloads[purpose] && !payloads[purpose].deleted) {
          openEditor(item, payloads[purpose]);
        }
      }
    }

    /* --- Typing ---------------------------------------------------------------------------- */

    function renderTyping() {
      if (!typingLine) {
        return;
      }
      var who = Object.keys(typers).map(function (id) {
        return typers[id].name;
      });
      if (who.length === 0) {
        typingLine.textContent = "";
      } else if (who.length === 1) {
        typingLine.textContent = who[0] + " écrit…";
      } else if (who.length === 2) {
        typingLine.textContent = who[0] + " et " + who[1] + " écrivent…";
      } else {
        typingLine.textContent = "Plusieurs personnes écrivent…";
      }
    }

    function stopTyping(id) {
      if (typers[id]) {
        window.clearTimeout(typers[id].timer);
        delete typers[id];
        renderTyping();
      }
    }

    function receiveTyping(event) {
      if (event.room !== roomId || !event.agent || event.agent.id === me) {
        return;
      }
      var id = event.agent.id;
      if (typers[id]) {
        window.clearTimeout(typers[id].timer);
      }
      typers[id] = {
        name: event.agent.name,
        timer: window.setTimeout(function () {
          stopTyping(id);
        }, TYPING_SHOWN),
      };
      renderTyping();
    }

    function typed() {
      var now = Date.now();
      if (textarea.value.trim() && now - typingSentAt >= TYPING_EVERY && rt.isOpen() && subscribed) {
        typingSentAt = now;
        rt.send({ type: "chat.typing", room: roomId }, { ephemeral: true });
      }
    }

    /* --- Presence ------------------------------------------------------------------------- */

    function renderPresence() {
      if (!presenceList) {
        return;
      }
      var items = participants
        .filter(function (agent) {
          return agent.id !== me && presence[agent.id];
        })
        .map(function (agent) {
          var status = presence[agent.id];
          return el("li", { className: "chat-presence__agent chat-presence__agent--" + status, "data-agent-id": agent.id, "data-status": status }, [
            el("span", { className: "chat-presence__dot", "aria-hidden": "true" }),
            agent.name + " · ",
            el("span", { className: "chat-presence__status", text: status === "online" ? "en ligne" : "absent" }),
          ]);
        });
      presenceList.replaceChildren.apply(presenceList, items);
    }

    function receivePresence(event) {
      if (event.agents && event.room === roomId) {
        presence = {};
        Object.keys(event.agents).forEach(function (id) {
          presence[id] = event.agents[id];
        });
      } else if (event.agent !== undefined && names[event.agent] !== undefined) {
        if (event.status === "online" || event.status === "away") {
          presence[event.agent] = event.status;
        } else {
          delete presence[event.agent];
        }
      } else {
        return;
      }
      renderPresence();
    }

    /* --- @mentions ------------------------------------------------------------------------- */

    var mentionList = null;
    var mentionMatches = [];
    var mentionActive = -1;
    var mentionStart = -1;

    function mentionsOpen() {
      return mentionList !== null && !mentionList.hidden;
    }

    function closeMentions() {
      if (mentionList) {
        mentionList.hidden = true;
        mentionList.replaceChildren();
      }
      mentionMatches = [];
      mentionActive = -1;
      if (textarea) {
        // No aria-expanded: a textarea is a textbox, which does not take it (axe-core's
        // aria-allowed-attr); aria-controls and aria-activedescendant announce the list.
        textarea.removeAttribute("aria-activedescendant");
      }
    }

    function highlightMention(index) {
      mentionActive = index;
      Array.prototype.forEach.call(mentionList.children, function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0) {
        textarea.setAttribute("aria-activedescendant", mentionList.children[index].id);
      }
    }

    function insertMention(agent) {
      var caret = textarea.selectionStart;
      var value = textarea.value;
      var text = "@" + agent.name + " ";
      textarea.value = value.slice(0, mentionStart) + text + value.slice(caret);
      var position = mentionStart + text.length;
      textarea.setSelectionRange(position, position);
      closeMentions();
      textarea.focus();
    }

    function updateMentions() {
      if (!textarea || participants.length === 0) {
        return;
      }
      var caret = textarea.selectionStart;
      if (caret !== textarea.selectionEnd) {
        closeMentions();
        return;
      }
      var before = textarea.value.slice(0, caret);
      var found = /(?:^|[\s(])@([\p{L}][\p{L}'’ -]{0,40})$/u.exec(before);
      if (!found) {
        closeMentions();
        return;
      }
      var query = normalize(found[1]);
      mentionStart = caret - found[1].length - 1;
      mentionMatches = participants
        .filter(function (agent) {
          if (agent.id === me) {
            return false;
          }
          var name = normalize(agent.name);
          return (
            name.indexOf(query) === 0 ||
            name.split(/[\s-]+/).some(function (word) {
              return word.indexOf(query) === 0;
            })
          );
        })
        .slice(0, MENTIONS_SHOWN);
      // Nothing to offer, or the name is already whole (Enter then sends the message).
      if (
        mentionMatches.length === 0 ||
        (mentionMatches.length === 1 && normalize(mentionMatches[0].name) === query)
      ) {
        closeMentions();
        return;
      }
      if (!mentionList) {
        mentionList = el("ul", { id: "chat-mention-list", role: "listbox", className: "chat-mentions", "aria-label": "Participants à mentionner", "data-testid": "chat-mentions" });
        mentionList.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the textarea
        });
        mentionList.addEventListener("click", function (event) {
          var option = event.target.closest("[role='option']");
          if (option) {
            insertMention(mentionMatches[parseInt(option.getAttribute("data-index"), 10)]);
          }
        });
        textarea.insertAdjacentElement("afterend", mentionList);
        textarea.setAttribute("aria-controls", "chat-mention-list");
        textarea.setAttribute("aria-autocomplete", "list");
      }
      mentionList.replaceChildren.apply(
        mentionList,
        mentionMatches.map(function (agent, index) {
          return el("li", { id: "chat-mention-" + agent.id, role: "option", className: "chat-mentions__option", "data-index": index, "aria-selected": "false", text: agent.name });
        })
      );
      mentionList.hidden = false;
      highlightMention(0);
    }

    /* --- Reading ---------------------------------------------------------------------------- */

    function sendRead() {
      readTimer = null;
      if (document.visibilityState !== "visible" || !lastVisible || !rt.isOpen()) {
        return;
      }
      var id = lastId();
      if (id > readSent) {
        readSent = id;
        rt.send({ type: "chat.read", room: roomId, message: id });
      }
    }

    function scheduleRead() {
      if (readTimer === null) {
        readTimer = window.setTimeout(sendRead, READ_DELAY);
      }
    }

    function watchLast() {
      if (!observer || !list) {
        return;
      }
      observer.disconnect();
      var items = shown();
      if (items.length) {
        observer.observe(items[items.length - 1]);
      }
    }

    if (list && "IntersectionObserver" in window) {
      observer = new IntersectionObserver(function (entries) {
        lastVisible = entries[entries.length - 1].isIntersecting;
        if (lastVisible) {
          scheduleRead();
        }
      });
      watchLast();
    }
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") {
        scheduleRead();
      }
    });

    /* --- Connection ----------------------------------------------------------------------- */

    var statusLine = el("p", { className: "chat-connection fr-text--xs", role: "status", "data-testid": "chat-connection" });
    if (typingLine) {
      typingLine.insertAdjacentElement("afterend", statusLine);
    }

    function connection(state) {
      section.setAttribute("data-connection", state);
      statusLine.textContent = state === "closed" ? "Connexion interrompue : reconnexion en cours…" : "";
    }
    connection("connecting");

    rt.onopen(function () {
      var rooms = {};
      rooms[roomId] = lastSeq;
      rt.send({ type: "chat.subscribe", rooms: rooms, focus: roomId });
      Object.keys(pending).forEach(transmit);
    });

    rt.on("realtime.close", function () {
      subscribed = false;
      historyWanted = [];
      connection("closed");
    });
    rt.on("chat.subscribed", function (event) {
      if (event.rooms && event.rooms[String(roomId)] !== undefined) {
        subscribed = true;
        connection("open");
        scheduleRead();
      }
    });
    rt.on("chat.message", receive);
    rt.on("chat.ack", function (event) {
      var entry = pending[event.client_id];
      if (!entry) {
        return;
      }
      window.clearTimeout(entry.timer);
      entry.id = event.id;
      if (document.getElementById("message-" + event.id) || !entry.element) {
        if (entry.element) {
          entry.element.remove();
        }
        delete pending[event.client_id];
      } else {
        var status = entry.element.querySelector(".chat-message__status");
        if (status) {
          status.textContent = "Envoyé";
        }
      }
    });
    rt.on("chat.history", receiveHistory);
    rt.on("chat.typing", receiveTyping);
    rt.on("chat.presence", receivePresence);
    rt.on("chat.read", function (event) {
      if (event.room === roomId) {
        // Stored (this tab's chat.read, another tab's, or the page's load elsewhere).
        readSent = Math.max(readSent, event.last_read || 0);
        section.setAttribute("data-last-read", String(readSent));
      }
    });
    rt.on("chat.reset", function (event) {
      if (event.room === roomId) {
        window.location.reload();
      }
    });
    rt.on("chat.room_removed", function (event) {
      if (event.room === roomId) {
        subscribed = false;
        showAlert("Vous n'avez plus accès à cette conversation.");
        if (form) {
          form.hidden = true;
        }
      }
    });
    rt.on("error", function (event) {
      var ref = event.ref;
      if (ref !== undefined && pending[ref]) {
        failPending(ref, event.message);
        return;
      }
      if (ref !== undefined && document.getElementById("message-" + ref)) {
        var item = document.getElementById("message-" + ref);
        var editor = item.querySelector(".chat-edit");
        if (editor) {
          editor.removeAttribute("data-submitted");
        }
        var confirmButton = item.querySelector(".chat-confirm button");
        if (confirmButton) {
          confirmButton.disabled = false;
        }
        showAlert(event.message);
        return;
      }
      if (event.room === String(roomId) && event.code !== "not_subscribed") {
        showAlert(event.message);
      }
    });

    /* --- The page's controls --------------------------------------------------------------- */

    if (form && textarea) {
      form.addEventListener("submit", function (event) {
        var hasFile = fileInput && fileInput.files && fileInput.files.length > 0;
        if (hasFile || !list || !rt.isOpen() || !subscribed) {
          return; // the form's own POST (a file, a search's results, no connection)
        }
        event.preventDefault();
        sendMessage();
      });
      textarea.addEventListener("keydown", function (event) {
        if (mentionsOpen()) {
          if (event.key === "ArrowDown" || event.key === "ArrowUp") {
            event.preventDefault();
            var step = event.key === "ArrowDown" ? 1 : -1;
            highlightMention((mentionActive + step + mentionMatches.length) % mentionMatches.length);
            return;
          }
          if ((event.key === "Enter" || event.key === "Tab") && mentionActive >= 0) {
            event.preventDefault();
            insertMention(mentionMatches[mentionActive]);
            return;
          }
          if (event.key === "Escape") {
            event.preventDefault();
            closeMentions();
            return;
          }
        }
        if (event.key === "Enter" && !event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey && !event.isComposing) {
          event.preventDefault();
          var hasFile = fileInput && fileInput.files && fileInput.files.length > 0;
          if (textarea.value.trim() || hasFile) {
            form.requestSubmit();
          }
        }
      });
      textarea.addEventListener("input", function () {
        typed();
        updateMentions();
      });
      textarea.addEventListener("click", updateMentions);
      textarea.addEventListener("blur", function () {
        window.setTimeout(closeMentions, 150);
      });
      form.addEventListener("click", function (event) {
        var cancel = event.target.closest(".chat-reply-cancel, [data-testid='chat-reply-preview'] a");
        if (cancel) {
          event.preventDefault();
          clearReply();
          textarea.focus();
        }
      });
    }

    if (list) {
      list.addEventListener("click", function (event) {
        var target = event.target;
        var item = target.closest("li[data-id]");
        if (!item || !rt.isOpen() || !subscribed) {
          return; // links and forms work as without JavaScript
        }
        var reaction = target.closest("button[name='emoji']");
        if (reaction && reaction.form) {
          event.preventDefault();
          var picker = reaction.closest("details");
          if (picker) {
            picker.open = false;
          }
          rt.send({ type: "chat.react", message: parseInt(item.getAttribute("data-id"), 10), emoji: reaction.value });
          return;
        }
        var link = target.closest("a[data-testid]");
        if (!link) {
          return;
        }
        var action = link.getAttribute("data-testid");
        if (action === "chat-action-reply" && form) {
          event.preventDefault();
          setReply(item);
        } else if (action === "chat-action-edit") {
          event.preventDefault();
          askEdit(item);
        } else if (action === "chat-action-delete") {
          event.preventDefault();
          askDelete(item, link);
        }
      });
    }

    // The chosen file named on the « Joindre un fichier » line, which stays open.
    if (fileInput) {
      var fileToggle = form.querySelector("[data-testid='chat-file-toggle']");
      fileInput.addEventListener("change", function () {
        var chosen = fileInput.files && fileInput.files.length ? fileInput.files[0].name : "";
        if (fileToggle) {
          fileToggle.textContent = chosen ? "Fichier joint : " + chosen : "Joindre un fichier";
        }
      });
    }

    /* --- Keyboard: the composer's shortcut, Escape on the reactions picker ----------------- */

    function typingInAField(target) {
      if (!target || !target.closest) {
        return false;
      }
      if (target.isContentEditable || target.closest("textarea, select, [contenteditable='true']")) {
        return true;
      }
      var input = target.closest("input");
      return !!input && !/^(button|submit|reset|checkbox|radio|file|image|range|color)$/i.test(input.type);
    }

    // One reactions picker open at a time.
    section.addEventListener("toggle", function (event) {
      var opened = event.target;
      if (!opened.matches || !opened.matches("details.chat-react-picker") || !opened.open) {
        return;
      }
      section.querySelectorAll("details.chat-react-picker[open]").forEach(function (other) {
        if (other !== opened) {
          other.open = false;
        }
      });
    }, true);

    document.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || event.isComposing) {
        return;
      }
      if (event.key === "Escape") {
        var picker = document.activeElement && document.activeElement.closest
          ? document.activeElement.closest("details.chat-react-picker[open]")
          : null;
        picker = picker || section.querySelector("details.chat-react-picker[open]");
        if (picker) {
          event.preventDefault();
          picker.open = false;
          var summary = picker.querySelector("summary");
          if (summary) {
            summary.focus();
          }
        }
        return;
      }
      if (!textarea || document.activeElement === textarea) {
        return;
      }
      var slash = event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey;
      var altShiftM = event.altKey && event.shiftKey && !event.ctrlKey && !event.metaKey && event.code === "KeyM";
      if ((slash && !typingInAField(event.target)) || altShiftM) {
        event.preventDefault();
        textarea.focus();
      }
    });

    if (olderLink && list) {
      olderLink.addEventListener("click", function (event) {
        if (rt.isOpen() && subscribed) {
          event.preventDefault();
          loadOlder();
        }
      });
    }

    /* --- First position -------------------------------------------------------------------- */

    if (list) {
      var target = null;
      if (/^#message-\d+$/.test(window.location.hash)) {
        target = document.getElementById(window.location.hash.slice(1));
      }
      if (!target) {
        target = list.querySelector(".chat-message--first-unread");
      }
      if (!target) {
        target = shown().filter(function (item) {
          return (
            parseInt(item.getAttribute("data-id"), 10) > lastRead &&
            parseInt(item.getAttribute("data-author"), 10) !== me
          );
        })[0] || null;
      }
      var items = shown();
      if (target === items[items.length - 1]) {
        target = null; // the newest message: at the bottom, whole, above the composer
      }
      var place = function () {
        if (target) {
          scrollToMessage(target);
        } else {
          scrollToBottom();
        }
        // The whole room on screen, the composer at the bottom (a link to a message scrolls
        // the page to it: the scroller shows it instead).
        var roomBottom = section.getBoundingClientRect().bottom + window.scrollY;
        window.scrollTo(0, Math.max(0, roomBottom + 16 - window.innerHeight));
      };
      place();
      if (document.readyState !== "complete") {
        // The browser scrolls to the address's #message-… again until the page has loaded.
        window.addEventListener("load", function () {
          window.requestAnimationFrame(place);
        }, { once: true });
      }
    }
    renderPresence();
  }

  if (window.Maillage && window.Maillage.realtime) {
    start();
  } else {
    document.addEventListener("DOMContentLoaded", start);
  }
})();
