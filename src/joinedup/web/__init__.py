"""joinedup.web: the Django project (Family Context app, accounts, audit, API).

Domain packages never import this package; it reaches data only through their named query
functions. docs/web.md describes the app, its security settings and how to run it.
"""
