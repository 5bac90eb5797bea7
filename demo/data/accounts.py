"""Demo staff accounts, one per role, all with the password `learn-together`."""

from django.contrib.auth.models import Group, User
from django.db import transaction

from home.models import UserLanguage
from lms import roles

DEMO_PASSWORD = "learn-together"

# username, first name, role (None for the superuser)
DEMO_ACCOUNTS = [
    ("admin", "Admin", None),
    ("editor", "Erum", roles.CONTENT_EDITORS),
    ("reviewer", "Rashid", roles.CONTENT_REVIEWERS),
    ("facilitator1", "Farah", roles.FACILITATORS),
    ("facilitator2", "Fahad", roles.FACILITATORS),
    ("peer1", "Pervez", roles.PEER_EDUCATORS),
    ("manager", "Maryam", roles.PROGRAMME_MANAGERS),
]

# Demo accounts that read the site in Urdu (the others follow the browser or the language links).
DEMO_LANGUAGES = {"facilitator2": "ur", "peer1": "ur"}


@transaction.atomic
def ensure_demo_accounts() -> dict[str, User]:
    """Create the demo accounts that are missing and put each in its role; returns them by username."""
    users = {}
    for username, first_name, role in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "email": f"{username}@example.org",
                "is_staff": role is None,
                "is_superuser": role is None,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if role:
            user.groups.add(Group.objects.get(name=role))
        if username in DEMO_LANGUAGES:  # a language the user chose since is kept
            UserLanguage.objects.get_or_create(user=user, defaults={"language": DEMO_LANGUAGES[username]})
        users[username] = user
    return users
