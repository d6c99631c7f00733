"""Every alert sent to a practice, kept so the practice can see its history. A row is written
(and audited) the first time an alert is delivered: on the practice's page, its export or
the API. `key` makes delivery idempotent: the same alert is never sent twice."""

from __future__ import annotations

from typing import ClassVar

from django.db import models


class GpAlertRecord(models.Model):
    key = models.CharField(max_length=200, unique=True)
    practice = models.CharField(max_length=16, db_index=True)
    person_id = models.CharField(max_length=16)
    nhs_number = models.CharField(max_length=10, blank=True)
    child_name = models.CharField(max_length=200)
    dob = models.DateField(null=True)
    kind = models.CharField(max_length=8)  # started or ended
    status = models.CharField(max_length=4)
    status_label = models.CharField(max_length=40)
    since = models.DateField(null=True)
    ended = models.DateField(null=True)
    worker_name = models.CharField(max_length=200, blank=True)
    worker_role = models.CharField(max_length=120, blank=True)
    team = models.CharField(max_length=120, blank=True)
    worker_phone = models.CharField(max_length=40, blank=True)
    worker_email = models.CharField(max_length=200, blank=True)
    confidence = models.FloatField()
    snapshot = models.CharField(max_length=64)
    sent_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager[GpAlertRecord]] = models.Manager()

    class Meta:
        ordering = ("-sent_at", "-id")

    def __str__(self) -> str:
        return f"{self.practice}: {self.kind} {self.status} for {self.person_id}"
