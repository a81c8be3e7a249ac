"""The document library's pages, under a community's address (``/communautes/<slug>/documents/``)."""

from django.urls import path

from documents.views import bin, files, library, preview

app_name = "documents"

D = "<slug:slug>/documents/"
F = D + "fichiers/<int:document_id>/"

urlpatterns = [
    path(D, library.index, name="index"),
    path(D + "dossiers/<int:folder_id>/", library.folder_detail, name="folder"),
    path(D + "dossiers/<int:folder_id>/nouveau/", library.folder_new, name="folder_new"),
    path(D + "dossiers/<int:folder_id>/renommer/", library.folder_rename, name="folder_rename"),
    path(D + "dossiers/<int:folder_id>/deplacer/", library.folder_move, name="folder_move"),
    path(D + "dossiers/<int:folder_id>/supprimer/", library.folder_delete, name="folder_delete"),
    path(D + "dossiers/<int:folder_id>/envoyer/", library.upload, name="upload"),
    path(F, files.document_detail, name="document"),
    path(F + "telecharger/", files.download, name="download"),
    path(F + "versions/", files.versions, name="versions"),
    path(F + "versions/<int:number>/telecharger/", files.download, name="download"),
    path(F + "versions/nouvelle/", files.version_new, name="version_new"),
    path(F + "versions/<int:number>/restaurer/", files.version_restore, name="version_restore"),
    path(F + "renommer/", files.document_rename, name="document_rename"),
    path(F + "deplacer/", files.document_move, name="document_move"),
    path(F + "supprimer/", files.document_delete, name="document_delete"),
    path(F + "commentaires/", files.comment_new, name="comment"),
    path(
        F + "commentaires/<int:comment_id>/supprimer/",
        files.comment_delete,
        name="comment_delete",
    ),
    path(D + "corbeille/", bin.bin_index, name="bin"),
    path(D + "corbeille/restaurer/", bin.bin_restore, name="bin_restore"),
    path(D + "corbeille/vider/", bin.bin_empty, name="bin_empty"),
    path(D + "reglages/", bin.library_settings, name="settings"),
    # The thumbnail and the preview's pictures (documents.views.preview, documents-media).
    path(F + "vignette/", preview.thumbnail, name="thumbnail"),
    path(F + "apercu/", preview.preview, name="preview"),
]
