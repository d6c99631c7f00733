"""The JSON API (django-ninja, OpenAPI schema at /api/openapi.json). Same roles, same rules and
the same audit log as the pages; signed in through the browser session."""
