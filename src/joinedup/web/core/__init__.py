"""The shared layout: base template, static files, error pages, "How we use data", headers."""
