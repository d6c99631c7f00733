"""What joinedup keeps about a user beyond Django's User, and failed sign-ins."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Profile(models.Model):
    """A user's team and the area it covers (ward codes), for the outside-area audit report."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="joinedup_profile")
    team = models.CharField(max_length=120, blank=True)
    areas = models.CharField(
        max_length=2000, blank=True,
        help_text="Comma-separated ward codes the team covers; blank means the whole authority.")

    def __str__(self) -> str:
        return f"{self.user} ({self.team or 'no team'})"


class LoginFailure(models.Model):
    """One failed password sign-in. ``key`` is a keyed hash of the user name typed, so a
    password typed into the user name box is never stored."""

    key = models.CharField(max_length=64)
    client_ip = models.CharField(max_length=45)
    at = models.DateTimeField()

    class Meta:
        indexes = (models.Index(fields=("key", "client_ip", "at")),)

    def __str__(self) -> str:
        return f"failed sign-in from {self.client_ip} at {self.at:%Y-%m-%d %H:%M}"
