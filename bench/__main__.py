"""Run every benchmark on a throw-away SQLite database with the demo data.

make bench            # or: .venv/bin/python -m bench
"""

import os
import sys
import tempfile
from pathlib import Path


def main():
    workdir = Path(tempfile.mkdtemp(prefix="maillage-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["MAILLAGE_VAR_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings.test")
    os.environ["LOG_LEVEL"] = "WARNING"  # one log line per request would drown the figures
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ROOT_URLCONF = "bench.urls"
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    call_command("load_demo_data", stdout=open(os.devnull, "w"))  # noqa: SIM115

    from bench import pages

    pages.run()


if __name__ == "__main__":
    main()
