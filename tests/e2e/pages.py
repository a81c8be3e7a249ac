"""Waiting for what a page signals, never for time: the helpers every browser test acts through.

A page is usable by a person once its deferred scripts have run; a test that types or clicks
before then exercises the page without JavaScript (an htmx search sends nothing, an htmx form
reloads the page) and fails, or passes, by luck on a loaded machine. The page signals:

- ``<html data-htmx-ready="1">``: htmx has processed the body (static/js/htmx-ready.js);
- ``<html data-realtime="open">``: the tab's WebSocket is open and subscribed to the agent's
  rooms (static/js/realtime.js);
- ``#chat-room[data-connection="open"]``: a room's page is subscribed to its room, its controls
  bound (static/js/chat.js);
- the ``htmx-request``, ``htmx-swapping`` and ``htmx-settling`` classes, which htmx keeps on
  the elements of a request until its answer is swapped in and settled (the address pushed);
- a DSFR collapse (a side menu, an accordion) is open once it holds ``fr-collapse--expanded``
  and no longer ``fr-collapsing``, the class DSFR keeps while it unfolds.
"""

from contextlib import contextmanager
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

HTMX_BUSY = ".htmx-request, .htmx-swapping, .htmx-settling"


def wait_until_ready(page):
    """Wait until htmx has processed the page, so that what it drives answers."""
    expect(page.locator("html")).to_have_attribute("data-htmx-ready", "1")


def goto_ready(page, url):
    """Open ``url`` and wait until the page is ready; the navigation's response."""
    response = page.goto(url)
    wait_until_ready(page)
    return response


def wait_until_live(page):
    """Wait until the tab's WebSocket is open and subscribed to the agent's rooms."""
    expect(page.locator("html")).to_have_attribute("data-realtime", "open")


def wait_until_disclosed(page, toggle):
    """Wait until the DSFR collapse ``toggle`` controls is open and done unfolding: what sits
    around it has stopped moving (an accessibility check run meanwhile measures elements that
    the unfolding menu still overlaps)."""
    expect(toggle).to_have_attribute("aria-expanded", "true")
    collapse_id = toggle.get_attribute("aria-controls")
    page.wait_for_function(
        """id => {
            const collapse = document.getElementById(id);
            return collapse.classList.contains("fr-collapse--expanded")
                && !collapse.classList.contains("fr-collapsing")
                && collapse.getBoundingClientRect().height >= collapse.scrollHeight - 1;
        }""",
        arg=collapse_id,
    )


def wait_until_room_live(page):
    """Wait until a room's page is subscribed to its room over the WebSocket."""
    expect(page.locator("#chat-room")).to_have_attribute("data-connection", "open")


def _query(url):
    return {
        name: values[-1]
        for name, values in parse_qs(urlsplit(url).query, keep_blank_values=True).items()
    }


@contextmanager
def htmx_swap(page, *, method="GET", **params):
    """Around an action that makes htmx ask the server: wait for the answer to the request
    carrying ``params`` (the query of a GET, every value as the page sends it), then until htmx
    has swapped and settled it. Requests for other values (a search sent while the text was
    still being typed) are not the one waited for.

    The page must be ready (``wait_until_ready``) before the action."""

    def wanted(response):
        request = response.request
        if request.method != method or request.headers.get("hx-request") != "true":
            return False
        query = _query(request.url)
        return all(query.get(name) == value for name, value in params.items())

    with page.expect_response(wanted) as answer:
        yield
    assert answer.value.ok, f"{answer.value.status} for {answer.value.url}"
    # The answer arrived, the request's element still has htmx-request until htmx handles it.
    page.wait_for_function("busy => !document.querySelector(busy)", arg=HTMX_BUSY)


def type_and_wait_for_swap(page, field, text, *, name):
    """Type ``text`` key by key into an htmx-driven search ``field`` (its query parameter
    ``name``), as a person does, and wait until the results for the whole text are shown."""
    with htmx_swap(page, **{name: text}):
        field.press_sequentially(text)


def fill_and_wait_for_swap(page, field, text, *, name):
    """Replace the value of an htmx-driven search ``field`` (its query parameter ``name``) at
    once, and wait until the results for it are shown."""
    with htmx_swap(page, **{name: text}):
        field.fill(text)
