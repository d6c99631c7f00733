"""Users, roles (Django groups named after the access policy's roles), sign-in with
throttling, idle timeout, OIDC, reason for access and the demo accounts."""
