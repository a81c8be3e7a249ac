"""THE permission matrix of the document library: every state of an agent towards a community ×
every ability of ``documents.permissions.LibraryAbilities``, for an open community whose
« Documents » tool is on, the same community archived, and the same with the tool off.

Each table is written out by hand from the policy's docstring. A row is one state; its 10 flags
are

    read | upload | new version (restore a version) | rename/move/delete own file |
    rename/move/delete another's file | own folder | restore from the bin what one deleted |
    restore what another deleted | empty the bin | set the quota

The querysets registered with the policy (``readable_by``) are then checked against the same
states on real rows, so a list never shows what the page refuses.
"""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from documents import services
from documents.models import Document, DocumentComment, DocumentVersion, Folder
from documents.permissions import library_abilities
from maillage import policy
from tests.documents.core_helpers import pdf
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

ABILITIES = (
    "read",
    "upload",
    "new version",
    "change own file",
    "change other's file",
    "change own folder",
    "restore own deletion",
    "restore other's deletion",
    "empty bin",
    "set quota",
)

# The personas (``tests/personas.py``) this matrix covers.
STATES = (
    "anonymous",
    "outsider",  # signed-in State agent, no membership (the community is open: they read)
    "external",  # external partner, member of another community only
    "member_without_charter",
    "member",
    "animator",
    "admin",  # platform administrator, not a member
    "banned",
)

EXPECTED = {
    "tool_on": {
        "anonymous": "NNNNNNNNNN",
        "outsider": "YNNNNNNNNN",
        "external": "NNNNNNNNNN",
        "member_without_charter": "YNNNNNNNNN",
        "member": "YYYYNYYNNN",
        "animator": "YYYYYYYYYY",
        "admin": "YNNYYYYYYY",
        "banned": "NNNNNNNNNN",
    },
    "archived": {
        "anonymous": "NNNNNNNNNN",
        "outsider": "YNNNNNNNNN",
        "external": "NNNNNNNNNN",
        "member_without_charter": "YNNNNNNNNN",
        "member": "YNNNNNNNNN",
        "animator": "YNNNNNNNNN",
        "admin": "YNNNNNNNNN",
        "banned": "NNNNNNNNNN",
    },
    "tool_off": dict.fromkeys(STATES, "NNNNNNNNNN"),
}


def _apply(variant, personas):
    if variant == "archived":
        personas.archive()
    if variant == "tool_off":
        personas.tool_off("documents")


def _flags(agent, community):
    la = library_abilities(agent, community)
    me = getattr(agent, "pk", None) or -1

    def document(creator):
        return SimpleNamespace(created_by_id=creator, deleted_at=None, is_hidden=False)

    def folder(creator):
        return SimpleNamespace(created_by_id=creator, deleted_at=None, parent_id=1)

    def binned(deleter):
        return SimpleNamespace(deleted_at=timezone.now(), bin_root_id=None, deleted_by_id=deleter)

    answers = (
        la.can_read,
        la.can_upload,
        la.can_add_version(document(-2)),
        la.can_change_document(document(me)),
        la.can_change_document(document(-2)),
        la.can_change_folder(folder(me)),
        la.can_restore_from_bin(binned(me)),
        la.can_restore_from_bin(binned(-2)),
        la.can_empty_bin,
        la.can_set_quota,
    )
    return "".join("Y" if answer else "N" for answer in answers)


@pytest.mark.parametrize("variant", list(EXPECTED))
@pytest.mark.parametrize("state", STATES)
def test_the_matrix(state, variant, personas):
    """Each state's abilities in the library are exactly the row written above."""
    _apply(variant, personas)
    got = _flags(personas[state], personas.community)
    expected = EXPECTED[variant][state]
    assert got == expected, {
        name: (g, e) for name, g, e in zip(ABILITIES, got, expected, strict=True) if g != e
    }


@pytest.mark.parametrize("variant", list(EXPECTED))
def test_readable_querysets_agree_with_the_abilities(variant, personas):
    """``policy.readable_by`` lists a folder, a file, its version and a comment exactly to the
    states that read the library, and ``policy.can_read`` says the same."""
    community = personas.community
    author = MembershipFactory(community=community).agent
    root = services.library_root(community)
    folder = services.folder_create(parent=root, agent=author, name="Dossier")
    document, version, _created = services.document_upload(
        folder=folder, agent=author, upload=pdf()
    )
    comment = services.comment_add(document=document, agent=author, body="Lu.")
    agents = personas.all(STATES)
    _apply(variant, personas)
    objects = (
        Folder.objects.get(pk=folder.pk),
        Document.objects.get(pk=document.pk),
        DocumentVersion.objects.get(pk=version.pk),
        DocumentComment.objects.get(pk=comment.pk),
    )
    for state, agent in agents.items():
        reads = EXPECTED[variant][state][0] == "Y"
        for obj in objects:
            listed = policy.readable_by(agent, type(obj)).filter(pk=obj.pk).exists()
            assert listed == reads, (state, type(obj).__name__)
            assert policy.can_read(agent, obj) == reads, (state, type(obj).__name__)


def test_nobody_reads_a_file_in_the_bin_through_the_policy(personas):
    """A file in the bin leaves ``readable_by`` and ``can_read``, even for the animators."""
    community = personas.community
    author, animator = personas.member, personas.animator
    document, version, _ = services.document_upload(
        folder=services.library_root(community), agent=author, upload=pdf()
    )
    services.document_delete(document=document, agent=author)
    document.refresh_from_db()
    for agent in (author, animator):
        assert not policy.can_read(agent, document)
        assert not policy.readable_by(agent, Document).filter(pk=document.pk).exists()
        assert not policy.readable_by(agent, DocumentVersion).filter(pk=version.pk).exists()


def test_a_hidden_file_is_read_by_the_animators_only(personas):
    community = personas.community
    author, animator = personas.member, personas.animator
    document, _version, _ = services.document_upload(
        folder=services.library_root(community), agent=author, upload=pdf()
    )
    Document.objects.filter(pk=document.pk).update(is_hidden=True)
    document.refresh_from_db()
    assert not policy.can_read(author, document)
    assert policy.can_read(animator, document)
    assert not policy.readable_by(author, Document).filter(pk=document.pk).exists()


@pytest.mark.parametrize(
    ("state", "allowed"),
    [("member_without_charter", False), ("outsider", False), ("member", True)],
)
def test_the_services_refuse_what_the_matrix_refuses(state, allowed, personas):
    """The upload service follows the abilities: a member without the charter is refused in
    French, an outsider too; a member uploads."""
    community = personas.community
    agent = personas[state]
    root = services.library_root(community)
    if allowed:
        services.document_upload(folder=root, agent=agent, upload=pdf())
        return
    with pytest.raises(services.DocumentError) as refused:
        services.document_upload(folder=root, agent=agent, upload=pdf())
    assert "charte" in str(refused.value) or "membres" in str(refused.value)
    assert not Document.objects.exists()
