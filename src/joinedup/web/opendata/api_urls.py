"""The open data API's URLs, at /open-data/api/v1/ (included by joinedup.web.urls under the
namespace ninja expects, so its OpenAPI view can find its own root)."""

from __future__ import annotations

from joinedup.web.opendata.api import api_patterns

app_name = "opendata-api"
urlpatterns = api_patterns()
