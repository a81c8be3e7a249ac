/* The wiki's Markdown editor (wiki/templates/wiki/includes/editor.html): the toolbar (bold,
   italic, heading, list, link, wiki link, image) inserts Markdown around the selection, and the
   « Aperçu » button shows the text rendered by the server (htmx POST to wiki:preview) in place
   of the text area. Without JavaScript the toolbar stays hidden and the form's « Prévisualiser »
   button does the same through a full page. */
(function () {
  "use strict";

  function setup(editor) {
    var toolbar = editor.querySelector(".wiki-editor__toolbar");
    var textarea = editor.querySelector("textarea[name=body]");
    var preview = editor.querySelector("[data-preview-target]");
    var toggle = editor.querySelector("[data-preview-toggle]");
    if (!toolbar || !textarea) {
      return;
    }
    toolbar.hidden = false;
    var field = textarea.closest(".fr-input-group") || textarea;

    function replaceSelection(before, inner, after) {
      var start = textarea.selectionStart;
      var end = textarea.selectionEnd;
      var text = textarea.value;
      var chosen = text.slice(start, end) || inner;
      textarea.value = text.slice(0, start) + before + chosen + after + text.slice(end);
      textarea.focus();
      textarea.setSelectionRange(start + before.length, start + before.length + chosen.length);
    }

    function prefixLines(prefix) {
      var start = textarea.value.lastIndexOf("\n", textarea.selectionStart - 1) + 1;
      var end = textarea.selectionEnd;
      var text = textarea.value;
      var block = text.slice(start, end) || "texte";
      var prefixed = block
        .split("\n")
        .map(function (line) { return prefix + line; })
        .join("\n");
      textarea.value = text.slice(0, start) + prefixed + text.slice(end);
      textarea.focus();
      textarea.setSelectionRange(start, start + prefixed.length);
    }

    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button || button === toggle) {
        return;
      }
      if (button.dataset.wrap) {
        replaceSelection(button.dataset.wrap, "texte", button.dataset.wrap);
      } else if (button.dataset.prefix) {
        prefixLines(button.dataset.prefix);
      } else if (button.dataset.link === "url") {
        replaceSelection("[", "texte du lien", "](https://)");
      } else if (button.dataset.link === "wiki") {
        replaceSelection("[[", "Titre de la page", "]]");
      } else if (button.dataset.link === "image") {
        replaceSelection("![", "description de l'image", "](adresse du fichier joint)");
      }
    });

    if (!toggle || !preview) {
      return;
    }
    toggle.addEventListener("click", function () {
      var showing = toggle.getAttribute("aria-pressed") === "true";
      if (showing) {
        toggle.setAttribute("aria-pressed", "false");
        toggle.textContent = "Aperçu";
        preview.hidden = true;
        field.hidden = false;
        textarea.focus();
        return;
      }
      toggle.setAttribute("aria-pressed", "true");
      toggle.textContent = "Écrire";
      field.hidden = true;
      preview.hidden = false;
      var url = editor.dataset.previewUrl;
      if (window.htmx) {
        window.htmx.ajax("POST", url, {
          source: toggle,
          target: preview,
          swap: "innerHTML",
          values: { body: textarea.value },
        });
      }
    });
  }

  function init() {
    document.querySelectorAll("[data-wiki-editor]").forEach(setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
