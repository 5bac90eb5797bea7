"""Views of the reports app: the indicator pages (dashboard.py) and the downloads (exports.py), and a
child's whole file for a guardian's request (subject_access.py)."""
