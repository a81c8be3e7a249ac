"""The platform's demo data, as a registry: each app registers its loader from its
``AppConfig.ready()``, and ``manage.py load_demo_data`` runs them in order; ``manage.py
demo_accounts`` prints the accounts they registered. The kernel thus names no app.

    demo.register(10, load_demo_agents, summary=lambda: "12 services, 60 agents")
    demo.register_accounts({"agent@demo.gouv.fr": "agent d'une DDTM"})

A loader is idempotent, refuses production settings itself, and loads only its app's rows, reading
those of the loaders before it (lower ``order`` first: the agents, then the communities they join,
then the conversations of their rooms).

This module imports no app.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Loader:
    order: int
    # () -> anything: loads the app's demo rows.
    load: object
    # () -> str or None: what the demo now holds, for the command's closing line (French).
    summary: object = None

    @property
    def key(self):
        return f"{self.load.__module__}.{self.load.__qualname__}"


_loaders = {}
_accounts = {}


def register(order, loader, *, summary=None):
    """Run ``loader()`` at ``order`` when the demo data is loaded; registering the same loader
    again replaces it."""
    entry = Loader(order=order, load=loader, summary=summary)
    _loaders[entry.key] = entry


def loaders():
    """The registered loaders, in order."""
    return sorted(_loaders.values(), key=lambda entry: (entry.order, entry.key))


def summaries():
    """The loaders' summaries, in their order (those that have one)."""
    found = (entry.summary() for entry in loaders() if entry.summary is not None)
    return [text for text in found if text]


def register_accounts(descriptions):
    """``{e-mail: what the account shows}``: demo accounts ``make run`` announces."""
    _accounts.update(descriptions)


def accounts():
    return dict(_accounts)
