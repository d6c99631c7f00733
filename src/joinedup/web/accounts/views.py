"""Sign in, sign out, and the reason-for-access form."""

from __future__ import annotations

from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from joinedup.access import can_view_people, purposes_for
from joinedup.web import knobs
from joinedup.web.accounts import throttle
from joinedup.web.accounts.forms import ReasonForm, SignInForm
from joinedup.web.accounts.middleware import TIMED_OUT
from joinedup.web.accounts.reason import current_reason, safe_next, set_reason
from joinedup.web.accounts.roles import role_of
from joinedup.web.audit.record import append, client_ip, record
from joinedup.web.core import components


def _home() -> str:
    return reverse("familycontext:home")


@login_not_required
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"), _home())
    if request.user.is_authenticated:
        return HttpResponseRedirect(next_url)
    context: dict[str, object] = {
        "next": next_url,
        "timed_out": bool(request.session.pop(TIMED_OUT, False)),
        "signed_out": request.GET.get("signed-out") == "1",
        "oidc": knobs.oidc_enabled(),
        "idle_minutes": knobs.session_idle_seconds() // 60,
    }
    context["timeout_text"] = (f"You were signed out because you did nothing for "
                               f"{context['idle_minutes']} minutes. Sign in again to carry on.")
    if knobs.oidc_enabled():
        return render(request, "accounts/sign_in.html", context)
    status = 200
    if request.method == "POST":
        username = request.POST.get("username", "")
        ip = client_ip(request)
        form = SignInForm(request, data=request.POST)
        if throttle.is_locked(username, ip):
            known = get_user_model().objects.filter(username=username).exists()
            append("login_locked", client_ip=ip, username=username if known else "",
                   detail={"known_user": known})
            form = SignInForm(request)
            context["locked_minutes"] = knobs.login_lockout_seconds() // 60
            status = 429
        elif form.is_valid():
            user = form.get_user()
            login(request, user)
            throttle.clear_failures(username, ip)
            return HttpResponseRedirect(next_url)
        else:
            throttle.record_failure(username, ip)
    else:
        form = SignInForm(request)
    context.update({
        "form": form,
        "error_summary": components.error_summary(form, {"username": form["username"].auto_id}),
        "username_field": components.text_input(
            form["username"], "User name", autocomplete="username", spellcheck=False,
            autocapitalize="none"),
        "password_field": components.password_input(
            form["password"], "Password", autocomplete="current-password"),
    })
    return render(request, "accounts/sign_in.html", context, status=status)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect(f"{reverse('accounts:login')}?signed-out=1")


@require_http_methods(["GET", "POST"])
def reason(request: HttpRequest) -> HttpResponse:
    """Case reference and purpose for this piece of work, then back to where the user was."""
    role = role_of(request.user)
    # Every role with purposes to give gives a reason: the person pages' roles, and roles
    # whose own pages show people (a revenues officer's discount reviews).
    if role is None or not (can_view_people(role) or purposes_for(role)):
        raise Http404("No such page")
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"), _home())
    purposes = purposes_for(role)
    if request.method == "POST":
        form = ReasonForm(purposes, data=request.POST)
        if form.is_valid():
            set_reason(request, form.cleaned_data["case_reference"], form.cleaned_data["purpose"])
            record(request, "reason_set")
            return HttpResponseRedirect(next_url)
    else:
        given = current_reason(request)
        initial = {"case_reference": given.case_reference, "purpose": given.purpose} if given \
            else {}
        form = ReasonForm(purposes, initial=initial)
    return render(request, "accounts/reason.html", {
        "form": form,
        "next": next_url,
        "error_summary": components.error_summary(form),
        "case_reference_field": components.text_input(
            form["case_reference"], "Case reference", spellcheck=False,
            hint={"text": "The reference in your case management system, for example "
                          "CIN/2026/0412"},
            classes="govuk-!-width-one-half"),
        "purpose_field": components.radios(
            form["purpose"], "Purpose", [(p.code, p.label) for p in purposes],
            hints={p.code: p.legal_basis for p in purposes}),
    })
