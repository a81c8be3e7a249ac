"""The kernel's boundaries, read from the source: ``maillage.realtime`` imports no app (the apps
register with it), the WebSocket routing points at it without importing an app, and the
notifications push through it, not through the chat."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = {"chat", "notifications", "communities", "directory", "cms", "search"}


def imported_apps(path):
    """The project's apps a module imports, at module level or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {name.split(".")[0] for name in names} & APPS
    return found


KERNEL = sorted((ROOT / "maillage" / "realtime").glob("*.py"))


@pytest.mark.parametrize("path", KERNEL, ids=lambda path: path.name)
def test_the_kernel_imports_no_app(path):
    """Every module of ``maillage/realtime/``."""
    assert imported_apps(path) == set()


@pytest.mark.parametrize("name", ["routing.py", "asgi.py"])
def test_the_websocket_routing_imports_no_app(name):
    """The ASGI application and its routes know only the kernel."""
    assert imported_apps(ROOT / "maillage" / name) == set()


@pytest.mark.parametrize("name", ["realtime.py", "relay.py", "services.py", "apps.py"])
def test_the_notifications_push_without_the_chat(name):
    """The notifications' real-time modules and their services import nothing of the chat."""
    assert "chat" not in imported_apps(ROOT / "notifications" / name)
