"""GP alerts pages for a GP practice: the practice's current alerts and their history, and
the export its clinical system imports.

Only roles with the ``gp_alerts`` capability see them (404 for anyone else); a reason for
access first, as for person pages; each user sees only their own practice's alerts (the
practice's ODS code in their profile's team). Every alert sent, every view and every export
is audited. Alerts below the match threshold never reach this page: they wait for review.
"""

from __future__ import annotations

import csv
import io

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from joinedup.errors import JoinedUpError
from joinedup.model.spreadsheet import safe_row
from joinedup.views.gp_alerts import CSV_COLUMNS, csv_rows
from joinedup.web.accounts.reason import requires_capability
from joinedup.web.audit.record import record
from joinedup.web.gpalerts.delivery import deliver, practice_of
from joinedup.web.gpalerts.models import GpAlertRecord

CAPABILITY = "gp_alerts"
NO_DATA = ("There are no alerts yet: the warehouse has not been linked. Ask your "
           "administrator to run joinedup link.")
NO_PRACTICE = ("Your account is not linked to a practice, so no alerts can be shown. Ask "
               "your administrator to set your practice code (joinedup web add-user NAME "
               "--role gp_practice --team P88600).")
requires_gp_alerts = requires_capability(CAPABILITY)


@require_GET
@requires_gp_alerts
def alerts(request: HttpRequest) -> HttpResponse:
    practice = practice_of(request)
    if practice is None:
        return render(request, "gpalerts/alerts.html", {"problem": NO_PRACTICE})
    try:
        current = deliver(request, practice)
    except JoinedUpError:
        return render(request, "gpalerts/alerts.html", {"problem": NO_DATA,
                                                        "practice": practice})
    history = list(GpAlertRecord.objects.filter(practice=practice))
    record(request, "gp_alerts_view", practice=practice,
           person_ids=sorted({a.person_id for a in current}))
    return render(request, "gpalerts/alerts.html", {
        "practice": practice, "current": current, "history": history})


@require_GET
@requires_gp_alerts
def export(request: HttpRequest) -> HttpResponse:
    practice = practice_of(request)
    if practice is None:
        raise Http404("No practice")
    try:
        current = deliver(request, practice)
    except JoinedUpError as exc:
        raise Http404("No alerts") from exc
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    writer.writerows(safe_row(row) for row in csv_rows(current))
    record(request, "gp_alerts_export", practice=practice,
           person_ids=sorted({a.person_id for a in current}))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="gp-alerts-{practice}.csv"'
    return response
