"""Django's own strings that facilitators and peer educators see, listed so the project catalogue supplies them.

Nothing imports this module: it exists for `makemessages`, which copies every msgid below into
`locale/ur/LC_MESSAGES/django.po`. The project catalogue comes first in Django's search (LOCALE_PATHS), so
its translations fill the gaps of Django's own Urdu catalogue (Django 5.2), found by reading that
catalogue's .mo against the strings Django's forms, validators, paginator, sign-in and password pages use:

- missing from Django's Urdu: the sign-in and password messages, the password rules, pagination errors,
  length and number limits, "already exists", the CSRF failure page;
- present but spelled with "ھ" where Urdu writes "ہ" ("یہ خانہ درکار ھے"): the form errors a facilitator
  meets most ("This field is required.", the number limits, "Yes"/"No"), listed so the translator can
  give them in plain, correctly spelled Urdu ("Enter a whole number.", "Enter a valid date." read well).

Month and weekday names and "and" are already in Django's Urdu catalogue and are not repeated here.
Each msgid must match Django's source exactly (tests/lms/test_django_strings.py checks that).
"""

from django.utils.translation import gettext_noop, ngettext_lazy

# Sign-in, sign-out and changing a password (django.contrib.auth forms, views and password rules).
AUTH = [
    gettext_noop("username"),
    gettext_noop("Please enter a correct %(username)s and password. Note that both fields may be case-sensitive."),
    gettext_noop("This account is inactive."),
    gettext_noop("Password confirmation"),
    gettext_noop("Enter the same password as before, for verification."),
    gettext_noop("New password confirmation"),
    gettext_noop("The two password fields didn’t match."),
    gettext_noop("Your old password was entered incorrectly. Please enter it again."),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("This password is too common."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("This password is entirely numeric."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop("Password change"),
    gettext_noop("Password change successful"),
    gettext_noop("Logged out"),
]
AUTH_PLURALS = [
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
]

# Form and model validation messages not in Django's Urdu catalogue.
VALIDATION = [
    gettext_noop("Enter a valid integer."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("Ensure this value is a multiple of step size %(limit_value)s."),
    gettext_noop("Null characters are not allowed."),
    gettext_noop("File extension “%(extension)s” is not allowed. Allowed extensions are: %(allowed_extensions)s."),
    gettext_noop("%(model_name)s with this %(field_labels)s already exists."),
    gettext_noop("Value %(value)r is not a valid choice."),
    gettext_noop("%(model)s instance with %(field)s %(value)r is not a valid choice."),
    gettext_noop("“%(pk)s” is not a valid value."),
]
VALIDATION_PLURALS = [
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit in total.",
        "Ensure that there are no more than %(max)s digits in total.",
        "max",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s decimal place.",
        "Ensure that there are no more than %(max)s decimal places.",
        "max",
    ),
    ngettext_lazy(
        "Ensure this filename has at most %(max)d character (it has %(length)d).",
        "Ensure this filename has at most %(max)d characters (it has %(length)d).",
        "max",
    ),
    ngettext_lazy("Please submit at most %(num)d form.", "Please submit at most %(num)d forms.", "num"),
    ngettext_lazy("Please submit at least %(num)d form.", "Please submit at least %(num)d forms.", "num"),
]

# In Django's Urdu catalogue, but spelled with "ھ" for "ہ": the translator gives them in plain Urdu.
RESPELLED = [
    gettext_noop("This field is required."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    gettext_noop("Yes"),
    gettext_noop("No"),
]

# Lists of learners and records are paginated; a bad page number in the address shows these.
PAGINATION = [
    gettext_noop("That page number is not an integer"),
    gettext_noop("That page number is less than 1"),
    gettext_noop("That page contains no results"),
]

# The page shown when a form's security token has expired (for example a form left open overnight).
CSRF_FAILURE = [
    gettext_noop("Forbidden"),
    gettext_noop("CSRF verification failed. Request aborted."),
    gettext_noop("More information is available with DEBUG=True."),
]
