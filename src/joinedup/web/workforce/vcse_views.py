"""The VCSE monthly return pages: download the organisation's template, upload a return, see
what the organisation has sent.

Only roles with the ``vcse_returns`` capability see them (404 for anyone else). The
organisation is the signed-in user's team (set by the administrator: ``joinedup web add-user
NAME --role vcse_contributor --team ORGANISATION``), never a form field, so a user can send and
see only their own organisation's figures. Returns are counts only: no personal data, so no
reason for access is asked and no audit row is written.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from joinedup.config import get_settings
from joinedup.errors import JoinedUpError
from joinedup.web.core import components
from joinedup.web.workforce.runs import vcse_dir
from joinedup.web.workforce.views import requires
from joinedup.workforce.regions import load_regions
from joinedup.workforce.vcse import (
    MAX_ROWS,
    NEEDS,
    VcseReturnError,
    read_return,
    read_services,
    template_bytes,
)
from joinedup.workforce.vcse_plan import load_returns, load_services, save_return

CAPABILITY = "vcse_returns"
MAX_BYTES = 2_000_000


requires_vcse = requires(CAPABILITY)


def organisation_of(request: HttpRequest) -> str:
    """The user's organisation (their team); "" when the administrator has not set one."""
    profile = getattr(request.user, "joinedup_profile", None)
    return str(getattr(profile, "team", "") or "").strip()


class ReturnForm(forms.Form):
    upload = forms.FileField(error_messages={"required": "Choose your return (XLSX or CSV)"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)

    def clean_upload(self) -> Any:
        upload = self.cleaned_data["upload"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError("The return must be the XLSX template or a CSV file")
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_BYTES // 1_000_000} MB; "
                                        "split it into several returns")
        return upload


def _areas() -> list[str]:
    regions = load_regions(get_settings().workforce_regions)
    return sorted({c for r in regions.values() for c in r.members})


@require_http_methods(["GET", "POST"])
@requires_vcse
def returns(request: HttpRequest) -> HttpResponse:
    """Upload a return (POST) and see the organisation's stored figures."""
    settings = get_settings()
    organisation = organisation_of(request)
    form = ReturnForm()
    accepted = 0
    if request.method == "POST" and organisation:
        form = ReturnForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["upload"]
            try:
                data = upload.read()
                problems: list[str] = []
                try:
                    rows = read_return(data, upload.name, organisation)
                except VcseReturnError as exc:
                    problems, rows = exc.problems, []
                try:
                    services = read_services(data, upload.name)
                except VcseReturnError as exc:
                    problems, services = problems + exc.problems, []
                if problems:
                    raise VcseReturnError(problems)
                save_return(vcse_dir(settings), organisation, rows, upload.name, services)
                accepted = len(rows)
            except VcseReturnError as exc:
                for problem in exc.problems:
                    form.add_error("upload", problem)
            except JoinedUpError as exc:
                form.add_error("upload", str(exc))
            else:
                form = ReturnForm()
    stored = load_returns(vcse_dir(settings), organisation) if organisation else []
    return render(request, "workforce/vcse.html", {
        "form": form, "error_summary": components.error_summary(form),
        "organisation": organisation, "accepted": accepted, "needs": NEEDS,
        "max_rows": MAX_ROWS, "rows": list(reversed(stored))[:240], "total": len(stored),
        "services": load_services(vcse_dir(settings), organisation) if organisation else [],
    }, status=400 if form.is_bound and form.errors else 200)


@require_GET
@requires_vcse
def template(request: HttpRequest) -> HttpResponse:
    """The organisation's XLSX template."""
    organisation = organisation_of(request)
    if not organisation:
        raise Http404("No organisation")
    response = HttpResponse(
        template_bytes(organisation, _areas()),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="vcse_monthly_return.xlsx"'
    return response
