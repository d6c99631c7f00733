"""Rendering a record: a person as one system holds them, errors and all."""

from __future__ import annotations

import random
from datetime import date

from joinedup.evaluation.adversarial import errors, forms, naming, nhs
from joinedup.evaluation.adversarial.people import REFERENCE_DATE
from joinedup.evaluation.adversarial.places import TOWN
from joinedup.evaluation.adversarial.sources import SOURCES, Request

COLUMNS = ("record_id", "source", "source_record_id", "first_name", "middle_names", "surname",
           "dob", "sex", "postcode", "address", "nhs_number")

NHS_TYPO_RATE = 0.015  # share of records holding an NHS number where one digit is wrong


def _alias(rng: random.Random, request: Request, first: str, middle: str | None,
           surname: str, born: date) -> tuple[str, str | None, str, date]:
    """A name or birthday someone gave the police that is not quite theirs."""
    kind = rng.random()
    if kind < 0.3 and middle:
        return middle.split(" ")[0], None, surname, born
    if kind < 0.6:
        return first, middle, naming.family_surname(rng, request.person.community), born
    try:
        return first, middle, surname, born.replace(year=born.year + rng.choice((-2, -1, 1)))
    except ValueError:
        return first, middle, surname, born


def render(rng: random.Random, request: Request, record_id: str,
           source_record_id: str) -> dict[str, str | None]:
    spec = SOURCES[request.source]
    person, q = request.person, spec.quality
    first, middle, surname = forms.names(rng, person, spec, request.stale)
    born = person.dob
    if spec.alias and rng.random() < spec.alias * 0.3:
        first, middle, surname, born = _alias(rng, request, first, middle, surname, born)
    if rng.random() < 0.025 * q:
        first = errors.typo(rng, first)
    if rng.random() < 0.03 * q:
        surname = errors.typo(rng, surname)
    if middle and rng.random() < 0.01 * q:
        middle = errors.typo(rng, middle)

    dob: str | None = None
    if rng.random() >= spec.dob_missing:
        if rng.random() < 0.03 * q:
            born = errors.wrong_dob(rng, born, REFERENCE_DATE)
        style = spec.dob_style if spec.dob_style != "mixed" else rng.choice(("iso", "dmy"))
        dob = errors.format_dob(born, style)

    sex: str | None = None
    if rng.random() >= spec.sex_missing:
        sex = person.sex
        if rng.random() < 0.004 * q:
            sex = "F" if sex == "M" else "M"

    home = person.previous_home if request.stale and person.previous_home else person.home
    address: str | None = None
    if rng.random() >= spec.address_missing:
        address = errors.address_style(rng, home.line(), spec.abbreviate,
                                       TOWN if spec.town else None)
        if rng.random() < 0.01 * q:
            address = errors.typo(rng, address)
    postcode: str | None = None
    if rng.random() >= spec.postcode_missing:
        postcode = home.postcode
        if rng.random() < 0.03 * q:
            postcode = errors.wrong_postcode(rng, postcode)
        if rng.random() < 0.02 * q:
            postcode = postcode.lower()

    number: str | None = None
    if rng.random() < spec.nhs:
        number = person.nhs_number
        if rng.random() < NHS_TYPO_RATE:
            number = nhs.mistype(rng, number)
        if spec.name in ("childrens_social_care", "adult_social_care") and rng.random() < 0.3:
            number = nhs.spaced(number)

    slip = 0.01 * q
    return {
        "record_id": record_id, "source": spec.name, "source_record_id": source_record_id,
        "first_name": errors.case_style(rng, first, spec.case, slip),
        "middle_names": errors.case_style(rng, middle, spec.case, slip),
        "surname": errors.case_style(rng, surname, spec.case, slip),
        "dob": dob, "sex": sex, "postcode": postcode,
        "address": errors.case_style(rng, address, spec.case, slip),
        "nhs_number": number,
    }
