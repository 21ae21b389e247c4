"""Rounds, dots and results arrive with the dot-voting work; this app only imports ``workspace``."""
