"""The demo's help contacts: the programme's own (the national child protection helpline 1121 and the police
emergency number 15, both public) and, for each demo centre, invented local numbers (081-2000xxx)."""

from django.db import transaction

from learners.models import Centre, HelpContact

Kind = HelpContact.Kind

# centre code (None: the whole programme), kind, name, phone, when to call
CONTACTS = [
    (None, Kind.HELPLINE, "National child protection helpline", "1121", ""),
    (None, Kind.POLICE, "Police emergency", "15", "Every day, day and night"),
    ("QTA", Kind.CENTRE, "Sariab Road Drop-in Centre", "081-2000101", "Saturday to Thursday, 9 am to 5 pm"),
    (
        "QTA",
        Kind.CHILD_PROTECTION_UNIT,
        "Child Protection Unit, Quetta",
        "081-2000190",
        "Monday to Saturday, 9 am to 4 pm",
    ),
    ("QTA", Kind.HEALTH, "Sariab Road basic health unit", "081-2000155", "Every morning, 8 am to 2 pm"),
    ("KSI", Kind.CENTRE, "Kasi Road Child Friendly Space", "081-2000202", "Saturday to Thursday, 10 am to 6 pm"),
    (
        "KSI",
        Kind.CHILD_PROTECTION_UNIT,
        "Child Protection Unit, Quetta",
        "081-2000190",
        "Monday to Saturday, 9 am to 4 pm",
    ),
    ("KSI", Kind.HEALTH, "Kasi Road dispensary", "081-2000244", "Every morning, 8 am to 2 pm"),
]


@transaction.atomic
def ensure_demo_help_contacts() -> int:
    """Create the demo help contacts that are missing (by centre and name); returns how many were added."""
    centres = {centre.code: centre for centre in Centre.objects.filter(code__in={row[0] for row in CONTACTS if row[0]})}
    added = 0
    for order, (code, kind, name, phone, hours) in enumerate(CONTACTS):
        centre = centres.get(code) if code else None
        if code and centre is None:
            continue  # that demo centre was not created
        if HelpContact.objects.filter(centre=centre, name=name).exists():
            continue
        contact = HelpContact(centre=centre, kind=kind, name=name, phone=phone, hours=hours, order=order)
        contact.full_clean()
        contact.save()
        added += 1
    return added
