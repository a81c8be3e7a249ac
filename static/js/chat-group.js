/* Choosing the participants of a group conversation (templates/chat/group_form.html): ticking an
   agent selects them at once. The page has two forms: the search (GET), whose boxes — the agents
   found and the ones already chosen — are what is ticked, and the creation (POST), which sends
   the chosen ones as hidden fields. Without JavaScript the search's button carries the ticks over
   to the selection (a second press); here every tick or untick updates « Sélection (N) », the
   hidden fields and the « Créer » / « Ajouter N participants » button, which is enabled as soon as
   someone is chosen. */
(function () {
  "use strict";

  var chooser = document.querySelector("[data-testid='chat-chooser']");
  var form = document.querySelector("[data-testid='chat-group-form']");
  if (!chooser || !form) {
    return;
  }
  var count = chooser.querySelector("[data-chat-chosen-count]");
  var empty = chooser.querySelector("[data-chat-chosen-empty]");
  var hint = chooser.querySelector("[data-chat-chooser-hint]");
  var submit = form.querySelector("[data-chat-group-submit]");

  function ticked() {
    var ids = [];
    chooser.querySelectorAll("input[type='checkbox'][name='membres']").forEach(function (box) {
      if (box.checked && ids.indexOf(box.value) === -1) {
        ids.push(box.value);
      }
    });
    return ids;
  }

  function update() {
    var ids = ticked();
    form.querySelectorAll("input[type='hidden'][name='membres']").forEach(function (field) {
      field.remove();
    });
    ids.forEach(function (id) {
      var field = document.createElement("input");
      field.type = "hidden";
      field.name = "membres";
      field.value = id;
      form.appendChild(field);
    });
    if (count) {
      count.textContent = String(ids.length);
    }
    if (empty) {
      empty.hidden = ids.length > 0;
    }
    if (submit) {
      submit.disabled = ids.length === 0;
      if (submit.hasAttribute("data-adding")) {
        submit.textContent =
          "Ajouter " + ids.length + (ids.length > 1 ? " participants" : " participant");
      }
    }
  }

  if (hint) {
    hint.textContent = "Cochez les agents à ajouter : ils rejoignent la sélection.";
  }
  chooser.addEventListener("change", function (event) {
    if (event.target.matches("input[type='checkbox'][name='membres']")) {
      update();
    }
  });
  // The browser may restore ticks on going back to the page: start from what is shown.
  update();
  window.addEventListener("pageshow", update);
})();
