"""The region view's arithmetic and summary on hand-written figures.

Two councils and a comparison council, two plan years:

* North: gap 5 then 20 FTE, 50,000 children both years -> 1.0 and 4.0 per 10,000; short from
  2025-26 (5 >= 1).
* South: gap -3 then 0.5 FTE, 20,000 children -> -1.5 and 0.25 per 10,000; never short (0.5 is
  under the 1 FTE threshold).
* Other (comparison): gap 2 then 2 FTE, 10,000 children.
* Region (North + South, never Other): gap 2 then 20.5 FTE, 70,000 children -> 0.2857 and
  2.9286 per 10,000; opens 2025-26 (2 >= 1).
"""

from __future__ import annotations

import pytest

from joinedup.errors import JoinedUpError
from joinedup.workforce.region_view import (
    CouncilFigures,
    Published,
    RegionView,
    combine,
    gaps_from_year_rows,
    neighbour_means,
    region_view,
)

YEARS = ("2025-26", "2026-27")
# North: 100 in post, 25 agency, 20 vacant, 90 case holders with 1,800 cases (caseload 20).
NORTH = Published(year=2024, fte=100, agency_fte=25, vacancy_fte=20, case_holders_fte=90,
                  cases=1800, children=50_000, caseload=20.0, agency_rate=20.0,
                  vacancy_rate=16.7)
# South: 60 in post, 0 agency, 15 vacant, 50 case holders with 600 cases (caseload 12).
SOUTH = Published(year=2024, fte=60, agency_fte=0, vacancy_fte=15, case_holders_fte=50,
                  cases=600, children=20_000, caseload=12.0, agency_rate=0.0, vacancy_rate=20.0)
OTHER = Published(year=2024, fte=30, agency_fte=3, vacancy_fte=2, case_holders_fte=20,
                  cases=300, children=10_000, caseload=15.0, agency_rate=9.1, vacancy_rate=6.3)
# Neighbours: caseloads 10 and 14 (mean 12); one does not publish its agency rate.
N1 = Published(year=2024, caseload=10.0, agency_rate=10.0, vacancy_rate=5.0, vacancy_fte=4,
               children=10_000)
N2 = Published(year=2024, caseload=14.0, agency_rate=None, vacancy_rate=15.0, vacancy_fte=6,
               children=20_000)
ENGLAND = Published(year=2024, caseload=15.4, agency_rate=16.2, vacancy_rate=17.3,
                    vacancy_fte=7000, children=12_000_000)


def _view(threshold: float = 1.0) -> RegionView:
    councils = [
        CouncilFigures("North", {"2025-26": 5.0, "2026-27": 20.0},
                       {"2025-26": 50_000, "2026-27": 50_000}, NORTH,
                       {"Near One": N1, "Near Two": N2}),
        CouncilFigures("South", {"2025-26": -3.0, "2026-27": 0.5},
                       {"2025-26": 20_000, "2026-27": 20_000}, SOUTH,
                       {"Near Two": N2, "North": NORTH}),
        CouncilFigures("Other", {"2025-26": 2.0, "2026-27": 2.0},
                       {"2025-26": 10_000, "2026-27": 10_000}, OTHER, {}, comparison=True),
    ]
    return region_view("Shire", "social_worker", councils, ENGLAND, threshold=threshold,
                       role_label="social worker")


def test_gap_per_10k_children_and_when_it_opens() -> None:
    view = _view()
    rows = {r.name: r for r in view.rows}
    assert view.years == YEARS
    assert rows["North"].gap_per_10k == pytest.approx({"2025-26": 1.0, "2026-27": 4.0})
    assert rows["South"].gap_per_10k == pytest.approx({"2025-26": -1.5, "2026-27": 0.25})
    assert rows["North"].opens == "2025-26"
    assert rows["South"].opens is None
    assert rows["Other"].kind == "comparison"
    # The region adds its own councils only.
    total = view.total
    assert total.gap_fte == pytest.approx({"2025-26": 2.0, "2026-27": 20.5})
    assert total.gap_per_10k["2025-26"] == pytest.approx(2.0 / 70_000 * 10_000)
    assert total.gap_per_10k["2026-27"] == pytest.approx(20.5 / 70_000 * 10_000)
    assert total.opens == "2025-26"
    # A higher threshold: the region's 2 FTE in the first year no longer counts.
    assert _view(threshold=3.0).total.opens == "2026-27"


def test_region_rates_from_summed_counts() -> None:
    """North and South as one workforce: caseload (1,800 + 600) / (90 + 50) = 17.14; agency
    25 / (160 + 25) = 13.5%; vacancies 35 / (160 + 35) = 17.9%; 35 vacancies per 70,000
    children = 5.0 per 10,000."""
    region = combine([NORTH, SOUTH])
    assert region.caseload == pytest.approx(2400 / 140)
    assert region.agency_rate == pytest.approx(25 / 185 * 100)
    assert region.vacancy_rate == pytest.approx(35 / 195 * 100)
    assert region.vacancies_per_10k == pytest.approx(5.0)
    assert _view().total.published.caseload == pytest.approx(2400 / 140)
    # One council not publishing a count: no total rather than a wrong one.
    assert combine([NORTH, Published(year=2024, fte=None)]).fte is None


def test_neighbour_averages_and_england() -> None:
    """Mean of the neighbours that publish each figure: caseload (10 + 14) / 2 = 12, agency
    10 (only N1 publishes it); vacancies per 10,000: 4 and 3 -> 3.5."""
    means = neighbour_means([N1, N2])
    assert means["caseload"] == pytest.approx(12.0)
    assert means["agency_rate"] == pytest.approx(10.0)
    assert means["vacancies_per_10k"] == pytest.approx(3.5)
    view = _view()
    rows = {r.name: r for r in view.rows}
    assert rows["North"].neighbours["caseload"] == pytest.approx(12.0)
    assert rows["North"].neighbour_count == 2
    # The region's neighbours leave out its own councils (North is South's neighbour).
    assert view.total.neighbour_count == 2
    assert view.total.neighbours["caseload"] == pytest.approx(12.0)
    assert view.england["caseload"] == 15.4
    assert view.england["vacancies_per_10k"] == pytest.approx(7000 / 12_000_000 * 10_000)


def test_summary_is_generated_from_the_figures() -> None:
    text = "\n".join(_view().summary)
    assert ("Across Shire the social worker gap opens in 2025-26 and is 20 FTE, 2.9 per "
            "10,000 children, by 2026-27.") in text
    assert "1 of the region's 2 councils is short" in text
    assert ("North: short from 2025-26 (5.0 FTE), reaching 20 FTE (4.0 per 10,000 children) "
            "by 2026-27.") in text
    assert "Not short in any year: South." in text
    # North's caseload 20 is above England's 15.4; South's 12 is not.
    assert "Caseloads (2024) are above England's 15.4 in North." in text
    assert "Agency rates (2024) are above England's 16.2% in North." in text
    assert "Vacancy rates (2024) are above England's 17.3% in South." in text
    assert "Caseloads above their statistical neighbours' average: North." in text
    assert ("For comparison (not in the region's figures), Other is short from 2025-26, "
            "2.0 FTE by 2026-27.") in text


def test_summary_when_nobody_is_short() -> None:
    councils = [CouncilFigures("North", {"2025-26": -4.0}, {"2025-26": 50_000}, NORTH)]
    view = region_view("Shire", "social_worker", councils, ENGLAND,
                       role_label="social worker")
    assert view.total.opens is None
    assert view.summary[0].startswith("Across Shire as a whole, social worker supply meets the "
                                      "requirement")
    assert "No council of the region is short by 1 FTE or more" in view.summary[1]


def test_bad_input_says_what_to_do() -> None:
    with pytest.raises(JoinedUpError, match="make the region's plan first"):
        region_view("Shire", "social_worker", [], ENGLAND)
    rows = [{"scenario": "baseline", "role": "social_worker", "area": "North",
             "year": "2025-26", "gap_fte": 5},
            {"scenario": "other", "role": "social_worker", "area": "North",
             "year": "2025-26", "gap_fte": 9},
            {"scenario": "baseline", "role": "youth_worker", "area": "North",
             "year": "2025-26", "gap_fte": 7}]
    assert gaps_from_year_rows(rows, "baseline", "social_worker") == {"North": {"2025-26": 5.0}}
