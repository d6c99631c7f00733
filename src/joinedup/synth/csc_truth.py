"""What really happened in children's social care, and the CIN census code lists used."""

from __future__ import annotations

from dataclasses import dataclass, field

from joinedup.synth.csc_cla import ClaPlanner

REFERRAL_SOURCES = (
    ("6", 29), ("2A", 19), ("2B", 1), ("3A", 2), ("3B", 2), ("3C", 1), ("3D", 3), ("3E", 3),
    ("3F", 3), ("4", 2), ("5A", 3), ("5B", 4), ("5C", 2), ("5D", 5), ("1A", 5), ("1B", 1),
    ("1C", 1), ("1D", 1), ("7", 3), ("8", 5), ("9", 2), ("10", 1),
)
NEED_CODES = (("N1", 57), ("N2", 4), ("N3", 2), ("N4", 9), ("N5", 14), ("N6", 3), ("N7", 0.5),
              ("N8", 3), ("N9", 5), ("N0", 2.5))
CP_CATEGORIES = (("NEG", 48), ("EMO", 38), ("PHY", 7), ("SAB", 3), ("MUL", 4))
CONTACT_OUTCOMES = (("No further action", 45), ("Information and advice", 25),
                    ("Early help", 20), ("Signposted to universal services", 10))


@dataclass
class CscTruth:
    """What really happened in children's social care (the case system's full history)."""

    # One row per child per referral (a CIN episode in census terms).
    ep_child: list[int] = field(default_factory=list)
    ep_group: list[int] = field(default_factory=list)  # siblings referred together
    ep_household: list[int] = field(default_factory=list)
    ep_referral: list[int] = field(default_factory=list)
    ep_source: list[str] = field(default_factory=list)
    ep_need: list[str] = field(default_factory=list)
    ep_nfa: list[bool] = field(default_factory=list)
    ep_path: list[str] = field(default_factory=list)  # nfa, nin, cin, cp, cla
    ep_close: list[int] = field(default_factory=list)
    ep_reason: list[str] = field(default_factory=list)
    ep_team: list[str] = field(default_factory=list)
    ep_worker: list[int] = field(default_factory=list)
    # Assessments, plans and enquiries: (episode index, dates...).
    as_ep: list[int] = field(default_factory=list)
    as_start: list[int] = field(default_factory=list)
    as_auth: list[int] = field(default_factory=list)
    as_factors: list[str] = field(default_factory=list)
    cin_ep: list[int] = field(default_factory=list)
    cin_start: list[int] = field(default_factory=list)
    cin_end: list[int] = field(default_factory=list)
    s47_ep: list[int] = field(default_factory=list)
    s47_start: list[int] = field(default_factory=list)
    s47_icpc: list[int] = field(default_factory=list)
    s47_not_required: list[bool] = field(default_factory=list)
    cp_ep: list[int] = field(default_factory=list)
    cp_start: list[int] = field(default_factory=list)
    cp_end: list[int] = field(default_factory=list)
    cp_initial: list[str] = field(default_factory=list)
    cp_latest: list[str] = field(default_factory=list)
    cp_previous: list[int] = field(default_factory=list)
    cp_reviews: list[list[int]] = field(default_factory=list)
    # Contacts (the front door), with the episode they led to (-1 if none).
    ct_child: list[int] = field(default_factory=list)
    ct_date: list[int] = field(default_factory=list)
    ct_source: list[str] = field(default_factory=list)
    ct_outcome: list[str] = field(default_factory=list)
    ct_ep: list[int] = field(default_factory=list)
    cla: ClaPlanner | None = None
