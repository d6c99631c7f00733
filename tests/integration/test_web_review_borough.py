"""The matching pages on the small synthetic borough, linked with a trained model: the
waterfall on the page is the one `explain_pair` gives, and the real review queue is usable."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from familycontext_world import *  # noqa: F403
from familycontext_world import World, client_for

from joinedup.access import can_view_person, visible_services
from joinedup.config import get_settings
from joinedup.context import person_briefs, person_records
from joinedup.linkage.explain import explain_pair
from joinedup.linkage.warehouse_link import link_state
from joinedup.warehouse.snapshots import open_current
from joinedup.web.audit.models import AuditEvent
from joinedup.web.review.templatetags.matching import percent, signed

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
ROLE = "childrens_social_worker"


def _person_with_links(world: World) -> str:
    """An adult the role sees with three or more records of services it may see."""
    rows = world.query("""
        SELECT person_id FROM person_link GROUP BY person_id
        HAVING count(DISTINCT source) >= 3 ORDER BY person_id""")
    settings = get_settings()
    with open_current(settings=settings) as con:
        for (person,) in rows:
            brief = person_briefs(con, [person], today=dt.date.today())[person]
            services = set(visible_services(ROLE, brief.age))
            shown = [r for r in person_records(con, person) if r.service in services]
            if can_view_person(ROLE, brief.age) and len(shown) >= 3 and any(
                    r.linked_to in {s.record_ref for s in shown} for r in shown):
                return str(person)
    raise AssertionError("no person with three visible linked records")


def test_the_page_shows_explain_pairs_waterfall(served_home: World) -> None:
    person = _person_with_links(served_home)
    client = client_for(ROLE)
    html = client.get(f"/person/{person}/records/").content.decode()
    chosen = re.search(r"Record (\d+) and record (\d+)", html)
    assert chosen is not None
    settings = get_settings()
    with open_current(settings=settings) as con:
        brief = person_briefs(con, [person], today=dt.date.today())[person]
        services = set(visible_services(ROLE, brief.age))
        shown = [r for r in person_records(con, person) if r.service in services]
        first, second = (shown[int(n) - 1] for n in chosen.groups())
        assert first.linked_to == second.record_ref
        result = explain_pair(con, settings, first.record_ref, second.record_ref)
    assert f"<strong>{signed(result.match_weight)}</strong>" in html
    assert f"<strong>{percent(result.match_probability)}</strong>" in html
    for step in result.comparisons:
        assert step.description.capitalize() in html
    # Record ids are on the page (it is about them) but never in a link.
    for href in re.findall(r'href="([^"]*)"', html):
        assert first.source_record_id not in href and second.source_record_id not in href


@pytest.fixture
def own_copy(fc_world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
             ) -> Iterator[Path]:
    """A copy of the linked home, so a decision here changes nobody else's queue."""
    home = tmp_path / "home"
    shutil.copytree(fc_world.home, home)
    monkeypatch.setenv("JOINEDUP_HOME", str(home))
    monkeypatch.setenv("JOINEDUP_CONFIG", str(home / "no-such.toml"))
    get_settings.cache_clear()
    yield home
    get_settings.cache_clear()


def test_the_real_queue_and_a_decision(own_copy: Path) -> None:
    client = client_for(ROLE, name="reviewer")
    queue = client.get("/review/").content.decode()
    links = re.findall(r'href="/review/([0-9a-f]{20})/"', queue)
    assert len(links) == 25 and "govuk-pagination" in queue
    assert client.get("/review/?page=2").status_code == 200
    page = client.get(f"/review/{links[0]}/")
    assert page.status_code == 200 and "Match weights, comparison by comparison" in \
        page.content.decode()
    state = link_state(get_settings())
    before = {d.pair_id for d in state.decisions()}
    done = client.post(f"/review/{links[0]}/", {"decision": "same", "note": "Same NHS number"})
    assert done.status_code == 302
    made = [d for d in state.decisions() if d.pair_id not in before]
    assert [(d.decision, d.decided_by, d.note) for d in made] == [
        ("same", "reviewer", "Same NHS number")]
    assert AuditEvent.objects.filter(action="review_decision").count() == 2
    assert links[0] not in client.get("/review/").content.decode()
