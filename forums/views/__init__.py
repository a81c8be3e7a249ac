"""The forums' pages (``forums/urls.py``): thin views that parse, ask the services and render."""
