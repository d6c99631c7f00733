"""GP alerts held for review: the council's reviewers see them and decide.

An alert whose two records (the practice's registration and the social care record) the
matching is not sure belong to one child is never sent (`joinedup.views.gp_alerts`). Here a
reviewer (a role with ``match_review``: the people who settle uncertain matches) sees those
alerts and calls the two records the same child or different children. The decision goes to
the linkage state, the store the clerical review queue writes, so the next `joinedup link`
honours it too; until then `delivery.current_alerts` applies it at once: "same" sends the
alert (at the practice's next page, export or API call), "different" drops it.

A reviewer sees a held alert only when their role may open the child and see both services
the alert joins (children's social care and health) for a child of that age, as on a
person page. A reason for access with the purpose ``record_matching`` first; every page and
decision is audited as a clerical review (``review_view``, ``review_decision``).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from joinedup.access import can_view_person, visible_services
from joinedup.config import get_settings
from joinedup.errors import JoinedUpError
from joinedup.linkage.state import pair_id
from joinedup.linkage.warehouse_link import link_state
from joinedup.views.common import age_on
from joinedup.views.gp_alerts import GpAlert, held
from joinedup.web.accounts.reason import requires_capability
from joinedup.web.accounts.roles import role_of
from joinedup.web.audit.record import record
from joinedup.web.core import components
from joinedup.web.gpalerts.delivery import current_alerts
from joinedup.web.review.forms import DecisionForm

CAPABILITY = "match_review"
PURPOSES = ("record_matching",)
SERVICES = ("childrens_social_care", "health")  # what a held alert joins
DECISIONS = {"same": "Yes, the same child: send the alert to the practice",
             "different": "No, different children: do not send it"}
NO_DATA = ("There are no alerts yet: the warehouse has not been linked. Ask your "
           "administrator to run joinedup link.")
requires_reviewer = requires_capability(CAPABILITY, purposes=PURPOSES)


def reviewable(role: str, alerts: list[GpAlert]) -> list[GpAlert]:
    """The held alerts this role may decide: it may open the child and see both services."""
    today = timezone.localdate()
    shown = []
    for alert in held(alerts):
        age = age_on(alert.dob, today)
        if can_view_person(role, age) and set(SERVICES) <= set(visible_services(role, age)):
            shown.append(alert)
    return shown


def pair_of(alert: GpAlert) -> str:
    """The alert's pair of records by its stable opaque name: a child can have several held
    alerts (two practices, two social care records), each decided on its own pair."""
    return pair_id(alert.registration_record, alert.social_care_record)


def _role(request: HttpRequest) -> str:
    role = role_of(request.user)
    assert role is not None  # requires_reviewer let the request through
    return role


@require_GET
@requires_reviewer
def held_list(request: HttpRequest) -> HttpResponse:
    try:
        _, alerts = current_alerts()
    except JoinedUpError:
        return render(request, "gpalerts/held.html", {"problem": NO_DATA})
    shown = reviewable(_role(request), alerts)
    record(request, "review_view", via="gp_alerts",
           person_ids=sorted({a.person_id for a in shown}))
    return render(request, "gpalerts/held.html", {
        "alerts": shown, "rows": [(alert, pair_of(alert)) for alert in shown]})


@require_http_methods(["GET", "POST"])
@requires_reviewer
def held_alert(request: HttpRequest, pid: str) -> HttpResponse:
    try:
        _, alerts = current_alerts()
    except JoinedUpError as exc:
        raise Http404("No such alert") from exc
    mine = [a for a in reviewable(_role(request), alerts) if a.person_id == pid]
    # The pair named in the link (the list names it); without one, the least sure of the
    # child's held alerts, as the list orders them.
    wanted = request.GET.get("pair")
    alert = next((a for a in mine if wanted is None or pair_of(a) == wanted), None)
    if alert is None:  # not held, not there, or not for this role: all look the same
        raise Http404("No such alert")
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        decision = str(form.cleaned_data["decision"])
        note = f"GP alert review (practice {alert.practice})"
        if form.cleaned_data["note"]:
            note += f": {form.cleaned_data['note']}"
        link_state(get_settings()).decide(alert.registration_record, alert.social_care_record,
                                          decision, request.user.get_username(), note)
        record(request, "review_decision", alert.person_id, via="gp_alerts",
               practice=alert.practice, decision=decision)
        messages.success(request, f"Decision recorded for {alert.child_name}: "
                         + ("the alert will be sent to the practice." if decision == "same"
                            else "the alert will not be sent."))
        return HttpResponseRedirect(reverse("gpalerts:held"))
    record(request, "review_view", alert.person_id, via="gp_alerts", practice=alert.practice)
    return render(request, "gpalerts/held_alert.html", {
        "alert": alert, "form": form, "error_summary": components.error_summary(form),
        "decision_field": components.radios(
            form["decision"], "Are these two records the same child?", list(DECISIONS.items())),
        "why_url": reverse("review:why", args=[alert.person_id]), "pair": pair_of(alert),
        "others": sum(pair_of(a) != pair_of(alert) for a in mine),
    })
