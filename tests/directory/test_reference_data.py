import pytest

from directory.models import Department, Ministry, Region, ServiceKind
from directory.reference_data import load_reference_data

pytestmark = pytest.mark.django_db


def test_eighteen_regions_thirteen_metropolitan():
    """The 18 regions of 2016 are loaded: 13 metropolitan and 5 overseas."""
    assert Region.objects.count() == 18
    assert Region.objects.filter(overseas=False).count() == 13
    assert set(Region.objects.filter(overseas=True).values_list("name", flat=True)) == {
        "Guadeloupe",
        "Martinique",
        "Guyane",
        "La Réunion",
        "Mayotte",
    }


def test_one_hundred_and_one_departments():
    """The 101 departments are loaded with their INSEE codes."""
    assert Department.objects.count() == 101
    assert Department.objects.filter(code__in=["2A", "2B", "971", "976"]).count() == 4


@pytest.mark.parametrize(
    ("code", "name", "region"),
    [
        ("35", "Ille-et-Vilaine", "Bretagne"),
        ("29", "Finistère", "Bretagne"),
        ("46", "Lot", "Occitanie"),
        ("34", "Hérault", "Occitanie"),
        ("21", "Côte-d'Or", "Bourgogne-Franche-Comté"),
        ("25", "Doubs", "Bourgogne-Franche-Comté"),
        ("2A", "Corse-du-Sud", "Corse"),
        ("67", "Bas-Rhin", "Grand Est"),
        ("33", "Gironde", "Nouvelle-Aquitaine"),
        ("59", "Nord", "Hauts-de-France"),
        ("75", "Paris", "Île-de-France"),
        ("974", "La Réunion", "La Réunion"),
    ],
)
def test_department_in_its_region(code, name, region):
    """Spot-check: each department sits in the right region."""
    department = Department.objects.select_related("region").get(code=code)
    assert (department.name, department.region.name) == (name, region)


def test_region_department_counts():
    """Each region holds the number of departments of the 2016 map."""
    counts = {r.name: r.departments.count() for r in Region.objects.all()}
    assert counts["Bretagne"] == 4
    assert counts["Occitanie"] == 13
    assert counts["Nouvelle-Aquitaine"] == 12
    assert counts["Auvergne-Rhône-Alpes"] == 12
    assert counts["Grand Est"] == 10
    assert counts["Île-de-France"] == 8
    assert counts["Corse"] == 2


def test_kinds_of_service_and_ministries():
    """The kinds of service named by the report exist, DDI kinds are interministerial."""
    codes = set(ServiceKind.objects.values_list("code", flat=True))
    assert {
        "PREF-REG",
        "SGAR",
        "PREF-DEP",
        "SOUS-PREF",
        "DREAL",
        "DRAAF",
        "DIRECCTE",
        "DRAC",
        "DRJSCS",
        "DRFIP",
        "DDT",
        "DDTM",
        "DDCS",
        "DDPP",
        "DDCSPP",
    } <= codes
    ddi = ServiceKind.objects.filter(family="ddi")
    assert ddi.count() >= 5
    assert all(kind.default_ministry.is_interministerial for kind in ddi)
    assert Ministry.objects.filter(code=Ministry.INTERMINISTERIAL).exists()


def test_loading_twice_changes_nothing():
    """Loading the reference data again creates no row and changes no name."""
    before = list(Department.objects.order_by("code").values_list("code", "name", "region__code"))
    load_reference_data()
    after = list(Department.objects.order_by("code").values_list("code", "name", "region__code"))
    assert before == after
    assert Region.objects.count() == 18
