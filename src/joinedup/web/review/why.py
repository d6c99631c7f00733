""""Why are these records one person?": a person's source records and, for a pair of them, the
match-weight waterfall. Records are chosen by their number in the list, never by id."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from joinedup.context import person_briefs, person_records
from joinedup.errors import JoinedUpError
from joinedup.web.accounts.reason import person_or_404, requires_reason
from joinedup.web.audit.record import record
from joinedup.web.core import components
from joinedup.web.review.explaining import Explained, explained
from joinedup.web.review.forms import PairForm
from joinedup.web.review.present import default_pair, optional_url, record_views
from joinedup.web.review.snapshot import served, today
from joinedup.web.review.visibility import visible_records


@require_GET
@requires_reason
def why(request: HttpRequest, pid: str) -> HttpResponse:
    try:
        with served() as (con, settings):
            brief = person_briefs(con, [pid], today=today()).get(pid)
            role = person_or_404(request, brief.age if brief else None, exists=brief is not None)
            assert brief is not None
            records = visible_records(role, brief.age, person_records(con, pid))
            views = record_views(records)
            chosen = default_pair(views)
            form = PairForm(len(views), request.GET if request.GET else None,
                            initial={"a": chosen[0], "b": chosen[1]} if chosen else None)
            if form.is_bound:
                valid = form.is_valid()
                chosen = (form.cleaned_data["a"], form.cleaned_data["b"]) if valid else None
            result: Explained | None = None
            if chosen is not None:
                first, second = records[chosen[0] - 1], records[chosen[1] - 1]
                result = explained(con, settings, first.record_ref, second.record_ref)
    except JoinedUpError as exc:
        raise Http404("No such person") from exc
    record(request, "explain_view", pid, records=len(records),
           pair=list(chosen) if chosen else [],
           services=sorted({r.service for r in records if r.service}))
    return render(request, "review/why.html", {
        "person_id": pid, "brief": brief, "records": views, "chosen": chosen,
        "result": result, "form": form,
        "error_summary": components.error_summary(form),
        "record_a_field": _select(form, "a", "First record"),
        "record_b_field": _select(form, "b", "Second record"),
        "person_url": optional_url("familycontext:person", pid),
    })


def _select(form: PairForm, name: str, label: str) -> object:
    field = form[name]
    value = str(field.value() or "")
    return components.component("select", {
        "id": name, "name": name, "label": {"text": label, "classes": "govuk-label--s"},
        "items": [{"value": v, "text": t, "selected": v == value}
                  for v, t in field.field.choices],  # type: ignore[attr-defined]
        "errorMessage": {"text": str(field.errors[0])} if field.errors else None,
    })
