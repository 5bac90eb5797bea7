"""Role names, as the names of Django groups. Created by a data migration in `home`."""

CONTENT_EDITORS = "Content editors"
CONTENT_REVIEWERS = "Content reviewers"
FACILITATORS = "Facilitators"
PEER_EDUCATORS = "Peer educators"
PROGRAMME_MANAGERS = "Programme managers"

ALL_ROLES = (CONTENT_EDITORS, CONTENT_REVIEWERS, FACILITATORS, PEER_EDUCATORS, PROGRAMME_MANAGERS)

# Roles that deliver sessions and so see facilitator notes and quiz answers.
DELIVERY_ROLES = (FACILITATORS, PEER_EDUCATORS)
