"""Errors that carry a message meant for the user (one line, no traceback)."""


class CmtuiError(Exception):
    """Base: str(error) is the complete message shown to the user."""

    exit_code = 2


class StoreError(CmtuiError):
    """The database file cannot be used as it is."""


class ConfigError(CmtuiError):
    """The settings or credentials file cannot be used as it is."""


class InputError(CmtuiError):
    """Bad input from the user: an unknown id, a bad date, a bad file."""


class RuleError(CmtuiError):
    """A rule that cannot be stored: the message says what is wrong and where."""
