"""Choosing names the way families in England name their children."""

from __future__ import annotations

import random
from collections.abc import Sequence

from joinedup.evaluation.adversarial import names_data as nd

_CUMULATIVE: dict[int, list[float]] = {}


def common(rng: random.Random, names: Sequence[str], skew: float = 1.0) -> str:
    """A name with Zipf-like weights: the first few in the list dominate."""
    key = id(names) * 31 + int(skew * 100)
    cumulative = _CUMULATIVE.get(key)
    if cumulative is None:
        total, cumulative = 0.0, []
        for rank in range(len(names)):
            total += 1.0 / (rank + 1) ** skew
            cumulative.append(total)
        _CUMULATIVE[key] = cumulative
    return rng.choices(names, cum_weights=cumulative)[0]


def _cohort(year: int) -> int:
    return 0 if year < 1965 else 1 if year < 1995 else 2


def given_names(rng: random.Random, community: str, sex: str, year: int,
                ) -> tuple[str, str | None, tuple[str, ...]]:
    """(first, calling, middle names) for someone born in `year`."""
    male = sex == "M"
    pool: Sequence[str]
    if community in ("white_british", "black_caribbean"):
        if community == "white_british":
            pool = (nd.WB_MALE if male else nd.WB_FEMALE)[_cohort(year)]
        else:
            pool = nd.BCA_MALE if male else nd.BCA_FEMALE
        middle: tuple[str, ...] = ()
        if rng.random() < 0.6:
            middle = (common(rng, nd.WB_MIDDLE_MALE if male else nd.WB_MIDDLE_FEMALE, 0.7),)
        return common(rng, pool, 0.9), None, middle
    if community == "south_asian_muslim":
        if male:
            calling = common(rng, nd.SAM_MALE, 0.9)
            if rng.random() < 0.35:
                return "Mohammed", calling, ()
            return calling, None, ()
        return common(rng, nd.SAM_FEMALE, 0.8), None, ()
    if community == "sikh":
        extra = nd.SIKH_MALE if male else nd.SIKH_FEMALE
        pool = nd.SIKH_UNISEX if rng.random() < 0.8 else extra
        return common(rng, pool, 0.9), None, ()
    if community == "hindu":
        return common(rng, nd.HINDU_MALE if male else nd.HINDU_FEMALE, 0.8), None, ()
    if community == "black_african":
        first = common(rng, nd.BAF_MALE if male else nd.BAF_FEMALE, 0.8)
        middle = (common(rng, nd.BAF_MALE if male else nd.BAF_FEMALE),) if rng.random() < 0.5 \
            else ()
        return first, None, middle if middle != (first,) else ()
    if community == "somali":
        return common(rng, nd.SOMALI_MALE if male else nd.SOMALI_FEMALE, 1.0), None, ()
    if community == "eastern_european":
        return common(rng, nd.EE_MALE if male else nd.EE_FEMALE, 0.8), None, ()
    return common(rng, nd.ZH_MALE if male else nd.ZH_FEMALE, 0.7), None, ()


def english_name(rng: random.Random, sex: str) -> str:
    return rng.choice(nd.ZH_ENGLISH_MALE if sex == "M" else nd.ZH_ENGLISH_FEMALE)


def family_surname(rng: random.Random, community: str) -> str:
    """A surname for a new family line (masculine form where the language has one)."""
    pools: dict[str, tuple[tuple[str, ...], float]] = {
        "white_british": (nd.WB_SURNAMES, 0.75), "south_asian_muslim": (nd.SAM_SURNAMES, 0.85),
        "sikh": (nd.SIKH_FAMILY, 0.8), "hindu": (nd.HINDU_SURNAMES, 1.2),
        "black_african": (nd.BAF_SURNAMES, 0.7), "somali": (nd.SOMALI_MALE, 1.0),
        "black_caribbean": (nd.BCA_SURNAMES, 0.8), "eastern_european": (nd.EE_SURNAMES, 0.8),
        "chinese": (nd.ZH_SURNAMES, 0.9),
    }
    names, skew = pools[community]
    surname = common(rng, names, skew)
    if community == "white_british" and rng.random() < 0.02:
        other = common(rng, names, skew)
        if other != surname:
            surname = f"{other}-{surname}"
    return surname


def maiden_name(rng: random.Random, community: str) -> str:
    """A woman's surname before marriage."""
    return feminine(family_surname(rng, community), married=False)


def feminine(surname: str, married: bool) -> str:
    """Polish and Lithuanian surnames change for women: Kowalski -> Kowalska,
    Kazlauskas -> Kazlauskienė (wife) or Kazlauskaitė (daughter)."""
    if surname.endswith(("ski", "cki", "dzki")):
        return surname[:-1] + "a"
    if surname.endswith("as"):
        return surname[:-2] + ("ienė" if married else "aitė")
    return surname


def woman_title(rng: random.Random) -> str:
    return rng.choices(nd.WOMEN_TITLES, weights=(0.7, 0.2, 0.1))[0]


_COMMUNITY_NAMES: dict[str, tuple[tuple[str, ...], ...]] = {
    "white_british": nd.WB_MALE + nd.WB_FEMALE,
    "south_asian_muslim": (nd.SAM_MALE, nd.SAM_FEMALE),
    "sikh": (nd.SIKH_UNISEX, nd.SIKH_MALE, nd.SIKH_FEMALE),
    "hindu": (nd.HINDU_MALE, nd.HINDU_FEMALE), "black_african": (nd.BAF_MALE, nd.BAF_FEMALE),
    "somali": (nd.SOMALI_MALE, nd.SOMALI_FEMALE), "black_caribbean": (nd.BCA_MALE, nd.BCA_FEMALE),
    "eastern_european": (nd.EE_MALE, nd.EE_FEMALE), "chinese": (nd.ZH_MALE, nd.ZH_FEMALE),
}


def community_names(community: str) -> frozenset[str]:
    """Every given name the community's lists hold."""
    return frozenset(n for names in _COMMUNITY_NAMES[community] for n in names)
