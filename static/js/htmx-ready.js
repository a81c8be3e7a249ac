/* <html data-htmx-ready="1"> once htmx has processed the page. Until then a field or a button
   that htmx drives does what it does without JavaScript (a search typed is not sent; a form
   reloads the page): the browser tests (tests/e2e/pages.py) wait for this mark before acting.
   htmx fires htmx:load on the body after processing it, once every deferred script has run. */
document.addEventListener("htmx:load", function (event) {
  if (event.target === document.body) {
    document.documentElement.setAttribute("data-htmx-ready", "1");
  }
});
