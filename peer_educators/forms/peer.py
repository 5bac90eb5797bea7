"""Forms of the peer educator's own area: choosing their own password at first sign-in."""

from django.contrib.auth.forms import SetPasswordForm
from django.db import transaction

from peer_educators.models import PeerEducator


class FirstPasswordForm(SetPasswordForm):
    """Replace the one-time password a facilitator handed over with one only the peer educator knows."""

    @transaction.atomic
    def submit(self):
        """Save the new password and clear the must-change flag, together; returns the user."""
        user = self.save()
        PeerEducator.objects.filter(user=user, must_change_password=True).update(must_change_password=False)
        return user
