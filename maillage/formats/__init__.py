"""The platform's date formats (FORMAT_MODULE_PATH), as maillage/french.py writes them."""
