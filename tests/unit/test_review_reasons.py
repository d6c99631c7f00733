"""The review page says in words why a pair waits: a guardrail by its title."""

from __future__ import annotations

from joinedup.web.review.views import reason_text


def test_reasons_in_words() -> None:
    assert reason_text("uncertain").startswith("Scored below")
    assert reason_text("held apart: twins") == (
        "Scored high, but a guardrail kept the two people apart: "
        "Same surname and date of birth, clearly different forenames")
    assert reason_text("held apart: fits two people held apart").endswith(
        "the record fits two people held apart")
