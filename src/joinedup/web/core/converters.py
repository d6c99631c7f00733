"""URL converter for opaque person ids (JP followed by digits): the only person data a URL
may carry. Use ``<person_id:pid>`` in URL patterns."""

from __future__ import annotations


class PersonIdConverter:
    regex = "JP[0-9]{8,12}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
