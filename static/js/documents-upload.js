/* The library's upload form (documents/templates/documents/folder.html), progressive enhancement
   only: without it the plain <input type="file" multiple> form posts and the folder's page says
   what became of each file.
   - files dropped on the zone go into the form's input;
   - the form is sent with XMLHttpRequest, its progress shown in the <progress> bar;
   - the server's answer (Accept: application/json) lists each file: added, new version, or its
     refusal in French; when every file went in, the folder's page is shown again.
   The form carries data-upload-ready="1" once bound, and data-upload-state="done" or "errors"
   after an answer (the browser tests wait for these). */
(function () {
  "use strict";

  function item(list, text, ok) {
    var li = document.createElement("li");
    var p = document.createElement("p");
    p.className = "fr-message " + (ok ? "fr-message--valid" : "fr-message--error");
    p.textContent = text;
    li.appendChild(p);
    list.appendChild(li);
  }

  function bind(form) {
    var input = form.querySelector("input[type=file]");
    var zone = form.querySelector("[data-documents-dropzone]");
    var progressBox = form.querySelector("[data-documents-progress]");
    var bar = progressBox ? progressBox.querySelector("progress") : null;
    var results = form.querySelector("[data-documents-results]");
    var button = form.querySelector("button[type=submit]");
    var max = parseInt(form.getAttribute("data-max-files") || "20", 10);
    if (!input || !results || !window.FormData || !window.XMLHttpRequest) {
      return;
    }

    if (zone) {
      ["dragenter", "dragover"].forEach(function (name) {
        zone.addEventListener(name, function (event) {
          event.preventDefault();
          zone.classList.add("documents-dropzone--over");
        });
      });
      ["dragleave", "drop"].forEach(function (name) {
        zone.addEventListener(name, function () {
          zone.classList.remove("documents-dropzone--over");
        });
      });
      zone.addEventListener("drop", function (event) {
        event.preventDefault();
        if (event.dataTransfer && event.dataTransfer.files.length) {
          input.files = event.dataTransfer.files;
          send();
        }
      });
    }

    function done(state) {
      form.setAttribute("data-upload-state", state);
      if (button) {
        button.disabled = false;
      }
      if (progressBox) {
        progressBox.hidden = true;
      }
    }

    function send() {
      results.innerHTML = "";
      form.removeAttribute("data-upload-state");
      if (!input.files || !input.files.length) {
        item(results, "Choisissez au moins un fichier.", false);
        done("errors");
        return;
      }
      if (input.files.length > max) {
        item(results, "Envoyez " + max + " fichiers au plus à la fois.", false);
        done("errors");
        return;
      }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable && bar) {
          var percent = Math.round((event.loaded * 100) / event.total);
          bar.value = percent;
          bar.textContent = percent + " %";
        }
      });
      xhr.addEventListener("load", function () {
        var answer = null;
        try {
          answer = JSON.parse(xhr.responseText);
        } catch (error) {
          answer = null;
        }
        if (!answer) {
          item(results, "L'envoi a échoué (erreur " + xhr.status + "). Réessayez.", false);
          done("errors");
          return;
        }
        if (answer.error) {
          item(results, answer.error, false);
          done("errors");
          return;
        }
        var failed = 0;
        answer.files.forEach(function (file) {
          if (file.ok) {
            item(results, "« " + file.name + " » : " + (file.created ? "ajouté." : "nouvelle version enregistrée."), true);
          } else {
            failed += 1;
            item(results, file.error, false);
          }
        });
        if (!failed) {
          done("done");
          window.location.assign(answer.redirect);
          return;
        }
        var li = document.createElement("li");
        var link = document.createElement("a");
        link.href = answer.redirect;
        link.textContent = "Afficher le dossier à jour";
        li.appendChild(link);
        results.appendChild(li);
        input.value = "";
        done("errors");
      });
      xhr.addEventListener("error", function () {
        item(results, "L'envoi a échoué : vérifiez votre connexion et réessayez.", false);
        done("errors");
      });
      if (button) {
        button.disabled = true;
      }
      if (progressBox && bar) {
        bar.value = 0;
        bar.textContent = "0 %";
        progressBox.hidden = false;
      }
      xhr.send(new FormData(form));
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      send();
    });
    form.setAttribute("data-upload-ready", "1");
  }

  function start() {
    document.querySelectorAll("form[data-documents-upload]").forEach(bind);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
