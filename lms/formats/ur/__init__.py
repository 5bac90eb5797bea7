"""Urdu formats."""
