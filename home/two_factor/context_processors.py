"""Template context: whether to link the account's two-factor page (costs nothing when 2FA is off)."""

from home.two_factor import rules


def two_factor(request):
    """`two_factor_link`: the user signs in with a second factor and has given it in this session."""
    user = getattr(request, "user", None)
    return {"two_factor_link": user is not None and rules.needs_second_factor(user) and rules.is_verified(user)}
