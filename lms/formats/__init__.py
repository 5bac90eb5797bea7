"""Date and number formats per language, for those Django does not ship (FORMAT_MODULE_PATH)."""
