"""Skills are entered as a comma-separated list; a skill may contain spaces ("droit des sols")."""


def comma_splitter(tag_string):
    return [tag.strip() for tag in tag_string.split(",") if tag.strip()]


def comma_joiner(tags):
    return ", ".join(sorted((tag.name for tag in tags), key=str.lower))
