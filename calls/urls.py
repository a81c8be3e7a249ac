"""The pages of the calls for projects, under ``/appels/``: the calls, a call's dossiers and the
workspace of one, its evaluation and decision, the public page of a selected project and the
innovators' registry."""

from django.urls import path

from calls.views import (
    audition,
    board,
    calls,
    configuration,
    convention,
    dossiers,
    evaluation,
    follow_up,
    indicators,
    public,
    retention,
    stories,
)

app_name = "calls"

C = "<slug:slug>/"
D = C + "dossiers/<int:dossier_id>/"

urlpatterns = [
    # calls.views.calls: the calls, their questions, roles and dossiers list
    path("", calls.index, name="index"),
    path("nouveau/", configuration.call_new, name="call_new"),
    path(C, calls.call_detail, name="call"),
    path(C + "parametres/", configuration.call_settings, name="settings"),
    path(C + "vagues/", configuration.waves, name="waves"),
    path(C + "grille/", configuration.grid, name="grid"),
    path(C + "publier/", calls.call_publish, name="publish"),
    path(C + "questions/", calls.question_ask, name="ask"),
    path(C + "questions/<int:question_id>/repondre/", calls.question_answer, name="answer"),
    path(C + "roles/", calls.roles, name="roles"),
    path(C + "roles/<int:grant_id>/retirer/", calls.role_revoke, name="role_revoke"),
    path(C + "dossiers/", calls.dossier_list, name="dossiers"),
    path(C + "dossiers/nouveau/", calls.dossier_new, name="dossier_new"),
    # calls.views.dossiers: the workspace of one dossier
    path(D, dossiers.overview, name="dossier"),
    path(D + "porteur/", dossiers.sponsor, name="sponsor"),
    path(D + "synthese/", dossiers.synthesis, name="synthesis"),
    path(D + "presentation/", dossiers.presentation, name="presentation"),
    path(D + "equipe/", dossiers.team, name="team"),
    path(D + "equipe/<int:member_id>/retirer/", dossiers.member_remove, name="member_remove"),
    path(D + "partenaires/", dossiers.partners, name="partners"),
    path(D + "partenaires/<int:partner_id>/", dossiers.partner_edit, name="partner"),
    path(
        D + "partenaires/<int:partner_id>/supprimer/",
        dossiers.partner_delete,
        name="partner_delete",
    ),
    path(D + "financement/", dossiers.financing, name="financing"),
    path(D + "acte-de-candidature/", dossiers.application_act, name="act"),
    path(D + "acte-de-candidature.pdf", dossiers.application_act_pdf, name="act_pdf"),
    path(D + "pieces/", dossiers.pieces, name="pieces"),
    path(D + "pieces/<int:piece_id>/", dossiers.piece_download, name="piece"),
    path(D + "pieces/<int:piece_id>/supprimer/", dossiers.piece_delete, name="piece_delete"),
    path(D + "pieces/<int:piece_id>/originaux/", dossiers.originals, name="originals"),
    path(D + "deposer/", dossiers.deposit, name="deposit"),
    path(D + "retirer/", dossiers.withdraw, name="withdraw"),
    path(D + "export.zip", dossiers.export, name="export"),
    # calls.views.evaluation: screening, experts, requests, opinion, decision, community
    path(D + "evaluation/", evaluation.evaluation, name="evaluation"),
    path(D + "recevabilite/", evaluation.screen, name="screen"),
    path(D + "experts/", evaluation.assign, name="assign"),
    path(D + "notation/", evaluation.score, name="score"),
    path(D + "demandes/", evaluation.request_new, name="request_new"),
    path(D + "demandes/<int:request_id>/", evaluation.request_detail, name="request"),
    path(D + "avis/", evaluation.opinion, name="opinion"),
    path(D + "decision/", evaluation.decide, name="decide"),
    path(D + "communaute/", evaluation.community, name="community"),
    path(D + "annuaire-des-innovateurs/", evaluation.consent, name="consent"),
]

# The follow-up of the selected projects (part 2), each module with its own ``urlpatterns``.
urlpatterns += (
    audition.urlpatterns
    + convention.urlpatterns
    + indicators.urlpatterns
    + follow_up.urlpatterns
    + retention.urlpatterns
)

# Outside any call's address (before it: « suivi » is no call's slug): the public page of a
# selected project, the innovators' registry, the stories of closed projects, the managers'
# follow-up board.
public_patterns = [
    path("projets/<int:dossier_id>/", public.project, name="project"),
    path("innovateurs/", public.registry, name="registry"),
    *stories.urlpatterns,
    *board.urlpatterns,
]
urlpatterns = public_patterns + urlpatterns
