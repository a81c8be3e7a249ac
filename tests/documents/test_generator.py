"""The large library's generator (bench/documents_generator.py, ``python -m
bench.generate_documents``) at a small scale: what it makes, and the models' invariants."""

from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from bench.documents_generator import LONG_NAME, check_invariants
from bench.generate_documents import generate, parse_args
from communities.models import Community, Membership
from documents import services
from documents.models import (
    Document,
    DocumentComment,
    DocumentVersion,
    Folder,
    LibrarySettings,
)

pytestmark = pytest.mark.django_db

SMALL = [
    "--files", "400", "--other-files", "60", "--folders", "16", "--long-versions", "35",
    "--comments", "12", "--agents", "40",
]  # fmt: skip


@pytest.fixture
def generated():
    out = StringIO()
    made = generate(parse_args(SMALL), stdout=out)
    return made, out.getvalue()


def test_generator_makes_what_it_reports(generated):
    """A folder of 400 live files (and 4 in the bin), 60 elsewhere, 16 folders, one file of 35
    versions and 12 comments: in the database and said on the output."""
    made, output = generated
    community = Community.objects.get(slug=made["community"])
    assert community.tool_documents
    big = Folder.objects.get(pk=made["big_folder"])
    assert Document.objects.filter(folder=big, deleted_at=None).count() == 400
    assert Document.objects.filter(folder=big).exclude(deleted_at=None).count() == 4
    assert Document.objects.filter(community=community).count() == made["files"] == 465
    assert Folder.objects.filter(community=community).count() == made["folders"] == 16
    assert DocumentVersion.objects.count() == made["versions"] > made["files"]
    assert "400 dans un seul dossier et 4 à la corbeille" in output
    assert f"/communautes/{made['community']}/documents/" in output


def test_generated_library_keeps_the_models_invariants(generated):
    """Version numbers without gaps, the current version denormalised on the file, folder paths
    and depths, communities, the used bytes and the stored files all agree."""
    assert check_invariants() == []


def test_invariants_check_catches_a_gap_and_a_wrong_used_total(generated):
    """The check can fail: a missing version number and a used-bytes total that is not the
    sum of the versions' sizes are both reported."""
    made, _output = generated
    document = Document.objects.get(pk=made["long_document"])
    DocumentVersion.objects.filter(document=document, number=3).delete()
    LibrarySettings.objects.filter(community_id=made["community_id"]).update(used_bytes=1)
    problems = " ".join(check_invariants())
    assert f"fichier {document.pk} : versions numérotées avec des trous" in problems
    assert f"bibliothèque {made['community_id']} : 1 octets utilisés" in problems


def test_long_file_has_its_versions_and_comments(generated):
    """« Tableau de bord du réseau.ods » has 35 versions by several agents, numbered in the
    order of their dates, and 12 comments."""
    made, _output = generated
    document = Document.objects.get(pk=made["long_document"])
    assert document.name == LONG_NAME and document.version_count == 35
    versions = list(document.versions.order_by("number").values_list("created_at", "author"))
    assert [at for at, _author in versions] == sorted(at for at, _author in versions)
    assert len({author for _at, author in versions}) > 1
    assert DocumentComment.objects.filter(document=document, is_hidden=False).count() == 12


def test_stored_files_are_real_files_the_library_accepts(generated):
    """Every stored file is a real file of its type (a PDF, an ODT, an ODS, a PNG, a CSV) that
    the library's own upload check accepts under the file's name."""
    kinds = set()
    for document in Document.objects.select_related("current_version").distinct():
        suffix = document.extension
        if suffix in kinds:
            continue
        kinds.add(suffix)
        with default_storage.open(document.current_version.file.name) as handle:
            data = handle.read()
        upload = SimpleUploadedFile(document.name, data)
        name, content_type = services.check_upload(upload)
        assert name == document.name
        assert len(data) == document.size
    assert kinds == {"pdf", "odt", "ods", "png", "csv"}


def test_names_are_french_and_unique_in_their_folder(generated):
    """File names are French, with accents, and unique among a folder's live files; most files
    have one version, some several."""
    made, _output = generated
    names = list(
        Document.objects.filter(folder_id=made["big_folder"], deleted_at=None).values_list(
            "name", flat=True
        )
    )
    assert len(names) == len({name.casefold() for name in names})
    assert any("é" in name for name in names) and not any("{" in name for name in names)
    counts = list(Document.objects.values_list("version_count", flat=True))
    assert counts.count(1) > len(counts) / 2 and max(counts) > 1


def test_measured_agent_is_a_member_who_accepted_the_charter(generated):
    """The measured agent is an active member (not an animator) who accepted the charter."""
    made, _output = generated
    community = Community.objects.get(slug=made["community"])
    membership = Membership.objects.get(community=community, agent_id=made["viewer"])
    assert membership.role == Membership.Role.MEMBER
    assert membership.charter_accepted_id == community.current_charter_id


def test_generator_is_refused_under_production_settings(settings):
    """DEMO_DATA_ALLOWED false (production): the generator refuses and writes nothing."""
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(SystemExit, match="interdites"):
        generate(parse_args(SMALL))
    assert not Document.objects.exists()
    assert not Folder.objects.exists()
