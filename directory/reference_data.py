"""Load the territorial reference data shipped in ``directory/reference/``.

Idempotent: rows are matched on their code and updated, so running it twice changes nothing.
Used by a data migration (with the historical app registry) and by ``load_reference_data``.
"""

import json
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


def read(name):
    return json.loads((REFERENCE_DIR / f"{name}.json").read_text(encoding="utf-8"))


def load_reference_data(apps=None):
    if apps is None:
        from django.apps import apps
    Region = apps.get_model("directory", "Region")
    Department = apps.get_model("directory", "Department")
    Ministry = apps.get_model("directory", "Ministry")
    ServiceKind = apps.get_model("directory", "ServiceKind")

    regions = {}
    for item in read("regions"):
        regions[item["code"]], _ = Region.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": item["name"],
                "slug": item["slug"],
                "overseas": item["overseas"],
                "chef_lieu": item.get("chef_lieu", ""),
            },
        )
    for item in read("departments"):
        Department.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": item["name"],
                "slug": item["slug"],
                "region": regions[item["region"]],
                "prefecture": item.get("prefecture", ""),
            },
        )
    ministries = {}
    for item in read("ministries"):
        ministries[item["code"]], _ = Ministry.objects.update_or_create(
            code=item["code"], defaults={"name": item["name"], "short_name": item["short_name"]}
        )
    for item in read("service_kinds"):
        ServiceKind.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": item["name"],
                "family": item["family"],
                "level": item["level"],
                "default_ministry": ministries[item["ministry"]],
                "ate": item["ate"],
            },
        )
