"""Views of the reports app: the indicator pages (dashboard.py) and the downloads (exports.py)."""
