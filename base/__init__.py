"""Shared helpers that import no app of ours: the bottom layer (see README, Architecture)."""
