"""Outcomes officers record for single person discount reviews. Append-only in use: a
changed outcome is a new row, and the newest row for an account is its current outcome, so
who decided what, and when, is never lost."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from joinedup.views.outcomes import OUTCOMES


class SpdOutcome(models.Model):
    account_no = models.CharField(max_length=32, db_index=True)
    lead_person_id = models.CharField(max_length=16)
    outcome = models.CharField(max_length=24, choices=list(OUTCOMES.items()))
    # The people the officer confirmed (opaque ids), and the clerical labels given to
    # matching as [source, record, source, record, decision].
    person_ids = models.JSONField(default=list)
    labels = models.JSONField(default=list)
    score = models.FloatField()
    rank = models.PositiveIntegerField()
    snapshot = models.CharField(max_length=64)
    decided_by = models.CharField(max_length=150)
    decided_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager[SpdOutcome]] = models.Manager()

    class Meta:
        ordering = ("-decided_at", "-id")

    def __str__(self) -> str:
        return f"{self.account_no}: {self.outcome} by {self.decided_by}"
