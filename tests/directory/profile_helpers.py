"""The profile edit form as an agent's browser posts it (fields, tag lists, career formset)."""


def career_data(entries=(), existing=()):
    """The career formset's fields: ``existing`` CareerEntry rows kept as they are, then
    ``entries`` (dicts of title, service, organisation, start_date, end_date, DELETE, id)."""
    rows = [
        {
            "id": entry.pk,
            "title": entry.title,
            "service": entry.service_id or "",
            "organisation": entry.organisation,
            "start_date": entry.start_date.isoformat(),
            "end_date": entry.end_date.isoformat() if entry.end_date else "",
        }
        for entry in existing
    ] + list(entries)
    data = {
        "career-TOTAL_FORMS": str(len(rows)),
        "career-INITIAL_FORMS": str(len(existing)),
        "career-MIN_NUM_FORMS": "0",
        "career-MAX_NUM_FORMS": "30",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            if key == "DELETE" and not value:
                continue
            data[f"career-{index}-{key}"] = "on" if value is True else value
    return data


def profile_data(agent, career=(), **changes):
    """Every field of the profile form with the agent's current values, ``changes`` applied; the
    agent's career rows are posted unchanged, followed by the new ``career`` rows."""
    data = {
        "first_name": agent.first_name,
        "last_name": agent.last_name,
        "service": agent.service_id or "",
        "position": agent.position,
        "phone": agent.phone,
        "phone_visibility": agent.phone_visibility,
        "email_visibility": agent.email_visibility,
        "bio": agent.bio,
        "skills": ", ".join(agent.skills.names()),
        "expertise": ", ".join(agent.expertise.names()),
        "interests": ", ".join(agent.interests.names()),
        "languages": ", ".join(agent.languages.names()),
    }
    for flag in ("open_to_mentoring", "seeking_mobility", "innovators_network"):
        if getattr(agent, flag):
            data[flag] = "on"
    existing = list(agent.career.order_by("-start_date", "-pk")) if agent.pk else []
    data.update(career_data(career, existing))
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}
