"""How complete an agent's profile is: shown to the agent on their profile page and on the home
dashboard."""

from django.utils.translation import gettext_lazy as _lazy

# What a complete profile has, with the French label of what is missing. The names are required
# at sign-up, so they do not count. Tag lists and the career path use the prefetched rows when the
# caller loaded them (the profile page does), one ``EXISTS`` query each otherwise.
PROFILE_ITEMS = (
    ("photo", _lazy("une photo"), lambda agent: bool(agent.photo)),
    ("service", _lazy("votre service"), lambda agent: bool(agent.service_id)),
    ("position", _lazy("votre fonction"), lambda agent: bool(agent.position)),
    ("phone", _lazy("votre numéro de téléphone"), lambda agent: bool(agent.phone)),
    ("bio", _lazy("une présentation"), lambda agent: bool(agent.bio)),
    ("skills", _lazy("vos compétences"), lambda agent: agent.skills.exists()),
    (
        "expertise",
        _lazy("les sujets sur lesquels vous pouvez aider"),
        lambda agent: agent.expertise.exists(),
    ),
    ("career", _lazy("votre parcours"), lambda agent: agent.career.exists()),
)


def profile_completion(agent):
    """``(percentage, missing)``: how complete the profile is and the French labels of what is
    missing, in the order of the profile form."""
    missing = [str(label) for _key, label, filled in PROFILE_ITEMS if not filled(agent)]
    percentage = round(100 * (len(PROFILE_ITEMS) - len(missing)) / len(PROFILE_ITEMS))
    return percentage, missing


def profile_completeness(agent):
    """How complete the agent's profile is, in percent."""
    return profile_completion(agent)[0]
