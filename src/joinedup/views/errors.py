"""Errors of the single views; each says what to do."""

from __future__ import annotations

from joinedup.errors import JoinedUpError


class NotLinked(JoinedUpError):
    """The snapshot has no person index or households yet."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(
            "the current snapshot has not been linked (missing: " + ", ".join(missing)
            + "): run `joinedup ingest` and then `joinedup link`, and try again.")
        self.missing = missing


class AccountNotFound(JoinedUpError):
    """No discounted account with this number in the review list."""

    def __init__(self, account_no: str) -> None:
        super().__init__(
            f"there is no account {account_no!r} with a single person discount in the current "
            "snapshot: check the number with `joinedup views spd list`.")
        self.account_no = account_no
