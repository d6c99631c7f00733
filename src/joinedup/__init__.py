"""joinedup: joins council and partner data around people and families."""

__version__ = "0.1.0"
