"""joinedup.geo."""
