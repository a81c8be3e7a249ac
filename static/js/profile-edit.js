/* Profile form (templates/directory/profile_edit.html), progressive enhancement only: the form
   works without it (one blank career step per save, suggestions for the first skill).
   - « Ajouter une étape » adds a career step from the formset's empty form;
   - the skills' suggestions (a <datalist>) keep working after a comma. */
(function () {
  "use strict";

  function careerSteps() {
    var template = document.getElementById("career-empty-form");
    var button = document.getElementById("career-add");
    var container = document.getElementById("career-forms");
    var total = document.getElementById("id_career-TOTAL_FORMS");
    var max = document.getElementById("id_career-MAX_NUM_FORMS");
    if (!template || !button || !container || !total) {
      return;
    }
    function full() {
      return max && parseInt(total.value, 10) >= parseInt(max.value, 10);
    }
    button.hidden = full();
    button.addEventListener("click", function () {
      if (full()) {
        return;
      }
      var index = parseInt(total.value, 10);
      container.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
      total.value = String(index + 1);
      button.hidden = full();
      var first = container.lastElementChild.querySelector("input, select");
      if (first) {
        first.focus();
      }
    });
    // Bound: the browser tests wait for this (the DSFR's display beats the hidden attribute).
    button.setAttribute("data-ready", "1");
  }

  function skillSuggestions() {
    var input = document.querySelector("input[list='skill-suggestions']");
    var list = document.getElementById("skill-suggestions");
    if (!input || !list) {
      return;
    }
    var names = Array.prototype.map.call(list.options, function (option) {
      return option.value;
    });
    var shownPrefix = "";
    input.addEventListener("input", function () {
      // A datalist completes the whole value: offer « what is typed, » + each skill.
      var cut = input.value.lastIndexOf(",");
      var prefix = cut >= 0 ? input.value.slice(0, cut + 1).replace(/\s*$/, " ") : "";
      if (prefix === shownPrefix) {
        return;
      }
      shownPrefix = prefix;
      var fragment = document.createDocumentFragment();
      names.forEach(function (name) {
        var option = document.createElement("option");
        option.value = prefix + name;
        fragment.appendChild(option);
      });
      list.replaceChildren(fragment);
    });
  }

  careerSteps();
  skillSuggestions();
})();
