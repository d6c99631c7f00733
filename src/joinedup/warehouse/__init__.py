"""joinedup.warehouse."""
