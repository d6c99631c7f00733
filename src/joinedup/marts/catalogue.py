"""The marts: their names, what each holds, and its SQL file (one file per mart)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from joinedup.errors import MartError


@dataclass(frozen=True, slots=True)
class MartSpec:
    name: str
    description: str
    record_level: bool = False
    """True when rows are about one pupil or child: only roles with record-level access."""

    @property
    def table(self) -> str:
        return f"mart_{self.name}"


# In build order: a mart may read the marts before it.
MARTS: tuple[MartSpec, ...] = (
    MartSpec("attendance_pupil", "Attendance per pupil per term, with the DfE absence flags",
             record_level=True),
    MartSpec("attendance", "Attendance by term, school, area and pupil group"),
    MartSpec("attendance_week_pupil", "Attendance per pupil per school week, in sessions, "
                                      "with the DfE absence flags year to date",
             record_level=True),
    MartSpec("attendance_week", "Attendance by school week, school, area and pupil group: "
                                "the week's absence and the year to date"),
    MartSpec("exclusions", "Suspensions and permanent exclusions by month, school, area, "
                           "pupil group and reason"),
    MartSpec("school_roll", "Pupils on roll on each January census day, by school, area "
                            "and pupil group"),
    MartSpec("send", "EHC needs assessment requests and plans issued (20-week timeliness) "
                     "by month and area"),
    MartSpec("send_open", "Open EHC needs assessment requests with days to the 20-week "
                          "deadline", record_level=True),
    MartSpec("csc_flow", "Children's social care contacts, referrals, re-referrals, "
                         "assessments, child protection and care, by month and area"),
    MartSpec("child_rates", "Children in need and looked after at 31 March, and the children "
                            "living in each area then, by year and area"),
    MartSpec("early_help", "Early help episodes started, closed and open by month, area "
                           "and route"),
    MartSpec("residents", "People the person index places at an address in each area on the "
                          "snapshot date, by age band (empty until a link run)"),
    MartSpec("area_summary", "Headline measures of every mart by ward and LSOA, per year"),
)

REFERENCE_TABLES = ("mart_postcode", "mart_school", "mart_family_hub", "mart_area")
INFO_TABLE = "mart_info"


def spec(name: str) -> MartSpec:
    for mart in MARTS:
        if mart.name == name or mart.table == name:
            return mart
    known = ", ".join(m.name for m in MARTS)
    raise MartError(f"there is no mart called {name!r}; the marts are: {known}.")


def sql(name: str) -> str:
    """The SQL of a mart (a SELECT), or of the shared staging (``_staging``)."""
    return resources.files("joinedup.marts").joinpath("sql", f"{name}.sql").read_text(
        encoding="utf-8")
