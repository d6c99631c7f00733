"""joinedup.reference."""
