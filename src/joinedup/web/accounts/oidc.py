"""Sign-in through OpenID Connect (Microsoft Entra ID) with mozilla-django-oidc.

The user's role comes from the verified ID token's role claim (Entra app roles whose values
are joinedup role codes). Exactly one recognised role is required: none or several, and the
sign-in is refused. The role is re-read at every sign-in, so a change in Entra takes effect
the next time the user signs in. A user is their token's subject, never their email
address (`subject_username`).
"""

from __future__ import annotations

import hashlib
from typing import Any

import jwt
from django.contrib.auth.models import User
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from joinedup.access import role_codes
from joinedup.web import knobs
from joinedup.web.accounts.roles import assign_role


def role_from_claims(claims: dict[str, Any], claim: str, known: tuple[str, ...]) -> str | None:
    """The one joinedup role named in the claim, or None when there is not exactly one."""
    value = claims.get(claim)
    values = [value] if isinstance(value, str) else list(value or [])
    roles = sorted({v for v in values if isinstance(v, str) and v in known})
    return roles[0] if len(roles) == 1 else None


def subject_username(claims: dict[str, Any]) -> str | None:
    """The local username of the person the token is about: a digest of the issuer and the
    subject (Entra's `oid`, the same for the user in every application of the tenant, else
    `sub`). Never the email address: a user can change it, and a new user can be given an
    old colleague's, which would sign them in as the colleague's account and audit trail."""
    subject = claims.get("oid") or claims.get("sub")
    if not isinstance(subject, str) or not subject:
        return None
    issuer = str(claims.get("iss") or "")
    digest = hashlib.sha256(f"{issuer}\x00{subject}".encode()).hexdigest()[:32]
    return f"oidc-{digest}"


def addressed_to(claims: dict[str, Any], client_id: str) -> bool:
    """Whether the ID token's audience names this client."""
    audience = claims.get("aud")
    return client_id in ([audience] if isinstance(audience, str) else list(audience or []))


class RoleClaimOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        # The library refuses a bad signature (SuspiciousOperation: a 400) but lets PyJWT's
        # other refusals, an expired or not-yet-valid token, escape as a 500.
        try:
            payload: dict[str, Any] = super().verify_token(token, **kwargs)
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"ID token refused: {error}") from error
        # Nor does it check the audience (OpenID Connect Core 3.1.3.7 says the client must):
        # a token the tenant issued to another of its applications must not sign in here.
        if not addressed_to(payload, self.OIDC_RP_CLIENT_ID):
            raise SuspiciousOperation("ID token refused: issued to another client")
        # PyJWT checks exp only when it is there; an ID token must carry one.
        if "exp" not in payload:
            raise SuspiciousOperation("ID token refused: no expiry")
        return payload

    def get_userinfo(self, access_token: str, id_token: str,
                     payload: dict[str, Any]) -> dict[str, Any]:
        # The payload is the ID token, already verified against the provider's keys.
        return payload

    def _role(self, claims: dict[str, Any]) -> str | None:
        return role_from_claims(claims, knobs.oidc_role_claim(), role_codes())

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return (bool(super().verify_claims(claims)) and self._role(claims) is not None
                and subject_username(claims) is not None)

    def get_username(self, claims: dict[str, Any]) -> str:
        username = subject_username(claims)
        if username is None:  # verify_claims refused it already
            raise SuspiciousOperation("ID token refused: no subject")
        return username

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        # The library matches accounts by email; a person is their token's subject.
        username = subject_username(claims)
        if username is None:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(username=username)

    def create_user(self, claims: dict[str, Any]) -> User:
        user: User = super().create_user(claims)
        user.set_unusable_password()
        user.save(update_fields=["password"])
        return self.update_user(user, claims)

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        role = self._role(claims)
        if role is not None:
            assign_role(user, role)
        return user
