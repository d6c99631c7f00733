"""Why records are one person, and the clerical review of pairs the matching left uncertain."""
from __future__ import annotations

from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "joinedup.web.review"
    label = "review"
    verbose_name = "Matching explanation and clerical review"
