"""Moderation logic without Textual: the rules engine (conditions, actions, dry-run)."""
