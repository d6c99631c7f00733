from __future__ import annotations

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []  # type: ignore[var-annotated]

    operations = [
        migrations.CreateModel(
            name="DashboardView",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("at", models.DateTimeField(db_index=True)),
                ("username", models.CharField(max_length=150)),
                ("role", models.CharField(max_length=60)),
                ("team", models.CharField(blank=True, max_length=120)),
                ("dashboard", models.CharField(db_index=True, max_length=60)),
                ("kind", models.CharField(default="page", max_length=10)),
                ("filters", models.JSONField(default=dict)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["dashboard", "at"], name="dashboards__dashboa_idx"),
                    models.Index(fields=["team", "at"], name="dashboards__team_at_idx"),
                ],
            },
        ),
    ]
