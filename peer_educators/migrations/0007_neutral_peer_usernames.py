"""Peer educators' user names no longer carry the child's first name or learner code: accounts promoted before
(named like "zarak-qta0001") get a neutral "peer-" name, as new promotions do. Reversing changes nothing (the
old names are not brought back). The facilitators see the new name on the peer educator's record."""

import re
import secrets

from django.conf import settings
from django.db import migrations
from django.utils.text import slugify

ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # as peer_educators.services.pathway.USERNAME_ALPHABET
NEUTRAL = re.compile(rf"^peer-[{ALPHABET}]{{6}}$")


def names_the_child(username: str, first_name: str, code: str) -> bool:
    """Whether the user name contains the learner's first name or code (in any spelling the old rule used)."""
    username = username.casefold()
    if NEUTRAL.match(username):
        return False
    code = code.casefold()
    parts = {slugify(first_name), first_name.strip().casefold(), code, code.replace("-", "")}
    return any(part and part in username for part in parts)


def rename(apps, schema_editor):
    PeerEducator = apps.get_model("peer_educators", "PeerEducator")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    for peer in PeerEducator.objects.exclude(user=None).select_related("user", "learner"):
        user = peer.user
        if not names_the_child(user.username, peer.learner.first_name, peer.learner.code):
            continue
        while True:
            username = "peer-" + "".join(secrets.choice(ALPHABET) for _ in range(6))
            if not User.objects.filter(username=username).exists():
                break
        User.objects.filter(pk=user.pk).update(username=username)


class Migration(migrations.Migration):
    dependencies = [
        ("peer_educators", "0006_bounded_reach_dates_and_titles"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
