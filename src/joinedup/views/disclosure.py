"""What a revenues officer may be told about the evidence: which systems place someone at a
property, but only systems whose knowing a person says nothing sensitive about them.

That a person is on the electoral register or liable for council tax is what a discount
review is about. That children's social care, the police or adult social care hold a record
of them is a fact about their life the officer has no need to know (least privilege), so
those systems are counted, never named.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

NAMED_SERVICES = ("council_tax", "electoral_registration")


@dataclass(frozen=True, slots=True)
class Disclosed:
    named: tuple[str, ...]  # system names of the sources that may be named
    others: int  # how many further sources place the person there, unnamed


def disclosed(sources: Iterable[str], service_of: Mapping[str, str | None],
              system_of: Mapping[str, str | None],
              named_services: tuple[str, ...] = NAMED_SERVICES) -> Disclosed:
    named, others = [], 0
    for source in sorted(set(sources)):
        if service_of.get(source) in named_services:
            named.append(system_of.get(source) or source)
        else:
            others += 1
    return Disclosed(tuple(named), others)
