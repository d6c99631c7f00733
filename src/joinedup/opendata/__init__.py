"""joinedup.opendata: disclosure control, dataset declarations and the published store.

Pure domain code: it never imports the web app or the CLI (import-linter checks).
"""
