/* The live topic page (forums/realtime.py), a client of realtime.js. On a topic's page
   (data-forum-topic, data-forum-last), it subscribes to the topic with the last post number the
   page shows, at every (re)connection, so a reply published while the socket was down comes
   with the backlog: none is lost.

   The events carry post numbers only. A new post that belongs to the page on screen is fetched
   from the topic's own page (the same template, through the same permissions, for this reader)
   and shown under the last one; one that belongs to a later page is announced by a DSFR notice
   (« 1 nouvelle réponse ») whose link leads to it. An edited, deleted or hidden post on screen is
   fetched again. Without JavaScript the page is the same, minus the live part. */
(function () {
  "use strict";

  var root = document.querySelector("[data-forum-topic]");
  var rt = window.Maillage && window.Maillage.realtime;
  if (!root || !rt) {
    return;
  }
  var topicId = parseInt(root.getAttribute("data-forum-topic"), 10);
  var last = parseInt(root.getAttribute("data-forum-last"), 10) || 0;
  var perPage = parseInt(root.getAttribute("data-forum-per-page"), 10) || 20;
  if (!topicId) {
    return;
  }
  var newPosts = root.querySelector("[data-forum-new-posts]");
  if (!newPosts) {
    newPosts = document.createElement("div");
    root.appendChild(newPosts);
  }

  // The page on screen: the one holding its first numbered post (pages are ranges of numbers).
  function pageOf(number) {
    return Math.max(1, Math.ceil(number / perPage));
  }
  var firstShown = root.querySelector("[data-forum-post][data-number]");
  var currentPage = firstShown ? pageOf(parseInt(firstShown.getAttribute("data-number"), 10)) : 1;

  function pageUrl(page) {
    return window.location.pathname + "?page=" + page;
  }

  /* --- The notice: replies on a later page, a merge, a reload ----------------------------- */

  var notice = document.createElement("div");
  notice.className = "fr-notice fr-notice--info fr-mb-2w";
  notice.setAttribute("role", "status");
  notice.setAttribute("aria-live", "polite");
  notice.setAttribute("data-testid", "forum-live-notice");
  notice.hidden = true;
  notice.innerHTML =
    '<div class="fr-container"><div class="fr-notice__body"><p class="fr-notice__title"></p></div></div>';
  var noticeText = notice.querySelector(".fr-notice__title");
  newPosts.insertAdjacentElement("afterend", notice);
  var elsewhere = []; // numbers of new posts that are not on this page

  function showNotice(text, href, linkText) {
    noticeText.textContent = text + " ";
    if (href) {
      var link = document.createElement("a");
      link.className = "fr-link";
      link.href = href;
      link.textContent = linkText;
      noticeText.appendChild(link);
    }
    notice.hidden = false;
  }

  function announceElsewhere() {
    if (!elsewhere.length) {
      return;
    }
    var n = elsewhere.length;
    var first = Math.min.apply(null, elsewhere);
    showNotice(
      n === 1 ? "1 nouvelle réponse." : n + " nouvelles réponses.",
      pageUrl(pageOf(first)) + "#message-" + first,
      n === 1 ? "La lire" : "Les lire"
    );
  }

  // A live region of its own says what was added on screen (the notice may be hidden).
  var spoken = document.createElement("p");
  spoken.className = "fr-sr-only";
  spoken.setAttribute("aria-live", "polite");
  spoken.setAttribute("data-testid", "forum-live-status");
  notice.insertAdjacentElement("afterend", spoken);

  /* --- Fetching posts from the topic's page ------------------------------------------------ */

  var wanted = {}; // page -> {number: "new" | "changed"}
  var timer = null;

  function want(number, why) {
    var page = pageOf(number);
    wanted[page] = wanted[page] || {};
    if (wanted[page][number] !== "new") {
      wanted[page][number] = why;
    }
    if (timer === null) {
      timer = window.setTimeout(flush, 100); // a burst of replies is one fetch
    }
  }

  function flush() {
    timer = null;
    var pages = wanted;
    wanted = {};
    Object.keys(pages).forEach(function (page) {
      load(Number(page), pages[page]);
    });
  }

  function load(page, numbers) {
    window
      .fetch(pageUrl(page), { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        var fetched = new DOMParser().parseFromString(html, "text/html");
        var added = 0;
        Object.keys(numbers)
          .map(Number)
          .sort(function (a, b) {
            return a - b;
          })
          .forEach(function (number) {
            var fresh = fetched.getElementById("message-" + number);
            var shown = document.getElementById("message-" + number);
            if (!fresh) {
              return; // no longer readable for this reader
            }
            fresh = document.importNode(fresh, true);
            if (shown) {
              shown.replaceWith(fresh);
            } else if (numbers[number] === "new") {
              newPosts.appendChild(fresh);
              added += 1;
            }
          });
        if (added) {
          spoken.textContent = added === 1 ? "1 nouvelle réponse." : added + " nouvelles réponses.";
        }
        if (window.htmx) {
          window.htmx.process(newPosts);
        }
      })
      .catch(function () {
        // Not fetched (the network, the server): the reader is sent to them instead.
        Object.keys(numbers).forEach(function (number) {
          if (numbers[number] === "new" && elsewhere.indexOf(Number(number)) < 0) {
            elsewhere.push(Number(number));
          }
        });
        announceElsewhere();
      });
  }

  /* --- The topic's events ------------------------------------------------------------------ */

  var resumed = null;

  rt.onresume(function (done) {
    resumed = done;
    rt.send({ type: "forum.subscribe", topic: topicId, last: last });
  });

  function finishResume() {
    if (resumed) {
      var done = resumed;
      resumed = null;
      done();
    }
  }

  rt.on("forum.subscribed", function (event) {
    if (event.topic === topicId) {
      root.setAttribute("data-forum-live", "open");
      finishResume();
    }
  });

  rt.on("forum.post", function (event) {
    if (event.topic !== topicId || event.number <= last) {
      return;
    }
    last = event.number;
    root.setAttribute("data-forum-last", String(last));
    if (pageOf(event.number) === currentPage) {
      want(event.number, "new");
    } else {
      elsewhere.push(event.number);
      announceElsewhere();
    }
  });

  rt.on("forum.changed", function (event) {
    if (event.topic === topicId && document.getElementById("message-" + event.number)) {
      want(event.number, "changed");
    }
  });

  rt.on("forum.merged", function (event) {
    if (event.topic === topicId) {
      showNotice("Ce sujet a été fusionné dans un autre.", event.url, "Aller au sujet");
      finishResume();
    }
  });

  rt.on("forum.reset", function (event) {
    if (event.topic === topicId) {
      last = event.last || last;
      showNotice("De nombreuses réponses ont été publiées.", pageUrl(pageOf(last)), "Les voir");
    }
  });

  rt.on("realtime.close", function () {
    root.setAttribute("data-forum-live", "closed");
  });

  rt.on("error", function (event) {
    if (event.topic === topicId) {
      root.setAttribute("data-forum-live", "refused");
      finishResume(); // the tab is live; this topic is not followed
    }
  });
})();
