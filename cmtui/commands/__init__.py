"""Handlers of the command-line subcommands; cli.py wires them to argparse."""
