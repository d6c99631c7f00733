"""The person page and each service card's expansion.

The person page shows the golden record, every name, date of birth, identifier and address
the role's services record, and one card per service the role may see for the person's age:
its status (current, historic or none found) and how fresh that is. A card's key worker,
contact, dates and key facts are only on its expansion, ``/person/<id>/card/<service>/``: a
page of its own without JavaScript, or a fragment (``?fragment=1``) that cards.mjs puts into
the card's details. Either way the server records ``card_expand`` before answering.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from joinedup.access import visible_services
from joinedup.context import CARD_SERVICES, PersonNotFound, person_summary, service_cards
from joinedup.web.accounts.reason import person_or_404, requires_reason
from joinedup.web.audit.record import record
from joinedup.web.familycontext import people
from joinedup.web.familycontext.access import warehouse_guard
from joinedup.web.familycontext.cardview import card_detail, card_view
from joinedup.web.familycontext.personpage import brief_or_404, header
from joinedup.web.familycontext.served import SERVED


@require_GET
@requires_reason
@warehouse_guard
def person(request: HttpRequest, pid: str) -> HttpResponse:
    on = people.today()
    with SERVED.cursor() as (_, con):
        try:
            summary = person_summary(con, pid, today=on)
        except PersonNotFound as exc:
            raise Http404("No such person") from exc
        role = person_or_404(request, summary.age)
        cards = service_cards(con, pid, today=on)
    shown = people.identity(role, summary)
    views = [card_view(role, c) for c in cards if c.service in shown.services]
    record(request, "person_view", pid, services=list(shown.services))
    brief = people.brief_of(summary)
    return render(request, "familycontext/person.html", {
        **header(request, brief, "person"), "identity": shown, "cards": views,
    })


@require_GET
@requires_reason
@warehouse_guard
def card(request: HttpRequest, pid: str, service: str) -> HttpResponse:
    if service not in CARD_SERVICES:
        raise Http404("No such service")
    on = people.today()
    with SERVED.cursor() as (_, con):
        brief, role = brief_or_404(request, con, pid)
        if service not in visible_services(role, brief.age):
            raise Http404("No such service card")
        found = next(c for c in service_cards(con, pid, today=on) if c.service == service)
    detail = card_detail(role, found)
    record(request, "card_expand", pid, service=service)
    fragment = request.GET.get("fragment") == "1"
    template = "familycontext/card_detail.html" if fragment else "familycontext/card.html"
    return render(request, template, {**header(request, brief, "person"), "detail": detail,
                                      "card": detail.card})
