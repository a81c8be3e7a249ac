"""The directory's pages, one module per area: profiles, search, organisation and account. The
routes (directory/urls.py) import the modules themselves."""
