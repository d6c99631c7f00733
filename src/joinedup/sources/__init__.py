"""Source adapters: read extracts, map them onto the common model, validate, quarantine."""
