"""Two-factor sign-in: an authenticator app (TOTP) and recovery codes, on top of the password.

`rules` says who needs it, `services` enrols, verifies, renews recovery codes and resets (each audited),
`middleware` sends whoever needs it and has not given it to enrolment or verification, `views` and
`admin_views` are the site's and the administrators' pages. Built on django-otp's TOTP and static devices.
"""
