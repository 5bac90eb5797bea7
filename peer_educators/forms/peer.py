"""Forms of the peer educator's own area: choosing their own password at first sign-in."""

from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError

from peer_educators import services


class FirstPasswordForm(SetPasswordForm):
    """Replace the one-time password a facilitator handed over with one only the peer educator knows."""

    def submit(self, *, acting_user=None):
        """Save the new password through peer_educator_set_password (acting: the account holder, by default);
        returns the user, or None (with the reason on the form) when refused."""
        try:
            return services.peer_educator_set_password(
                user=self.user, password=self.cleaned_data["new_password1"], acting_user=acting_user or self.user
            )
        except ValidationError as error:
            self.add_error(None, error.messages)
            return None
