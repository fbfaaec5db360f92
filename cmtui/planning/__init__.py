"""Pure planning logic: reading times, recurrence, posting slots, calendar files."""
