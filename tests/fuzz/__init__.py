"""Fuzz stage: odd input at every door, no 5xx."""
