"""Bank holidays in England and Wales, for the working-day measures (assessments within 45
working days, EHC plans within 20 weeks use calendar weeks).

The statutory pattern (Banking and Financial Dealings Act 1971 and the royal proclamations
each year, as listed on GOV.UK's "UK bank holidays" page): New Year's Day, Good Friday,
Easter Monday, the first and last Mondays of May, the last Monday of August, Christmas Day
and Boxing Day, each moved to the next weekday when it falls at a weekend. The one-off
changes proclaimed since 1995 are listed in `_PROCLAIMED` (a moved or added day), so the
calendar is exact for every year GOV.UK publishes and follows the pattern after.
"""

from __future__ import annotations

from datetime import date, timedelta

# Days moved by proclamation: the pattern's day -> the day taken instead.
_MOVED: dict[date, date] = {
    date(1995, 5, 1): date(1995, 5, 8),    # early May moved to VE Day's 50th anniversary
    date(2002, 5, 27): date(2002, 6, 4),   # spring holiday moved for the Golden Jubilee
    date(2012, 5, 28): date(2012, 6, 4),   # spring holiday moved for the Diamond Jubilee
    date(2020, 5, 4): date(2020, 5, 8),    # early May moved to VE Day's 75th anniversary
    date(2022, 5, 30): date(2022, 6, 2),   # spring holiday moved for the Platinum Jubilee
}
# Days added by proclamation, on top of the pattern.
_ADDED = frozenset({
    date(1999, 12, 31),  # millennium
    date(2002, 6, 3),    # Golden Jubilee
    date(2011, 4, 29),   # royal wedding
    date(2012, 6, 5),    # Diamond Jubilee
    date(2022, 6, 3),    # Platinum Jubilee
    date(2022, 9, 19),   # state funeral of Queen Elizabeth II
    date(2023, 5, 8),    # coronation of King Charles III
})


def easter_sunday(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * l_) // 433
    month = (h + l_ - 7 * m + 90) // 25
    day = (h + l_ - 7 * m + 33 * month + 19) % 32
    return date(year, month, day)


def _monday_on_or_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    last = (date(year, month + 1, 1) if month < 12 else date(year + 1, 1, 1)) - timedelta(1)
    return last - timedelta(days=last.weekday())


def bank_holidays(year: int) -> list[date]:
    """England and Wales bank holidays in `year`, in date order."""
    easter = easter_sunday(year)
    new_year = date(year, 1, 1)
    if new_year.weekday() >= 5:
        new_year = _monday_on_or_after(new_year)
    christmas, boxing = date(year, 12, 25), date(year, 12, 26)
    # Christmas on Saturday: Monday and Tuesday; on Sunday: Boxing Day Monday, Christmas
    # Tuesday; Boxing Day on Saturday (Christmas Friday): Boxing Day on Monday.
    if christmas.weekday() == 5:
        christmas, boxing = date(year, 12, 27), date(year, 12, 28)
    elif christmas.weekday() == 6:
        christmas, boxing = date(year, 12, 27), date(year, 12, 26)
    elif boxing.weekday() == 5:
        boxing = date(year, 12, 28)
    pattern = [new_year, easter - timedelta(2), easter + timedelta(1),
               _monday_on_or_after(date(year, 5, 1)), _last_monday(year, 5),
               _last_monday(year, 8), christmas, boxing]
    days = {_MOVED.get(day, day) for day in pattern}
    days |= {day for day in _ADDED if day.year == year}
    return sorted(days)


def bank_holidays_between(first: int, last: int) -> list[date]:
    """Every bank holiday from the start of year `first` to the end of year `last`."""
    return [day for year in range(first, last + 1) for day in bank_holidays(year)]
