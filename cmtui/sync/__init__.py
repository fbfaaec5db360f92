"""The sync engine and the platform connectors: the only code that talks to platforms."""
