"""The quote-aware record scanner that gives CSV rows their line numbers."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.sources.csv_reader import record_lines
from joinedup.sources.csv_records import _Scanner, scan_records


def starts(data: bytes, newline: bytes = b"\n", **kwargs: bool) -> list[tuple[int, bool]]:
    return record_lines(data, newline, ",", **kwargs)


def test_one_record_per_line() -> None:
    assert starts(b"h\na\nb\n") == [(1, False), (2, False), (3, False)]
    assert starts(b"h\na\nb") == [(1, False), (2, False), (3, False)]


def test_quoted_line_breaks_and_doubled_quotes() -> None:
    data = b'h,h\n"a\nb",x\n"say ""hi""\n",y\nc,z\n'
    assert starts(data) == [(1, False), (2, False), (4, False), (6, False)]


def test_a_quote_inside_an_unquoted_value_is_literal() -> None:
    assert starts(b'h,h\na"b,x\nc,y\n') == [(1, False), (2, False), (3, False)]


def test_blank_lines_are_marked_unless_the_file_has_one_column() -> None:
    assert starts(b"h\na\n\n\r\nb\n") == [(1, False), (2, False), (3, True), (4, True),
                                          (5, False)]
    assert starts(b"h\na\n\nb\n", blank_is_record=True)[2] == (3, False)


def test_windows_and_old_mac_line_endings() -> None:
    assert starts(b"h\r\na\r\n\r\nb\r\n", b"\r\n") == [(1, False), (2, False), (3, True),
                                                      (4, False)]
    assert starts(b"h\ra\rb", b"\r") == [(1, False), (2, False), (3, False)]


def test_an_unterminated_quote_runs_to_the_end() -> None:
    assert starts(b'h,h\n"a,x\nb,y\n') == [(1, False), (2, False)]


@settings(max_examples=200, deadline=None)
@given(data=st.lists(st.sampled_from([b"a", b",", b'"', b'""', b"\n", b"\r", b"\r\n", b"  ",
                                      b"\r\r\n", b"a" * 70]), max_size=40).map(b"".join),
       newline=st.sampled_from([b"\n", b"\r\n", b"\r"]), size=st.integers(1, 9),
       one_column=st.booleans())
def test_reading_in_chunks_finds_what_reading_at_once_finds(data: bytes, newline: bytes,
                                                            size: int, one_column: bool) -> None:
    """Quotes, doubled quotes and line endings split across chunks change nothing, and the
    quick path for chunks without quotes finds what the plain one does."""
    _Scanner.vectorise = False
    try:
        whole = scan_records(io.BytesIO(data), newline, ",", blank_is_record=one_column,
                             limit=3)
    finally:
        _Scanner.vectorise = True
    parts = scan_records(io.BytesIO(data), newline, ",", blank_is_record=one_column, limit=3,
                         chunk_size=size)
    assert parts.lines.tolist() == whole.lines.tolist()
    assert parts.blank.tolist() == whole.blank.tolist()
    assert parts.long == whole.long


def test_long_records_are_found_with_their_offsets() -> None:
    found = scan_records(io.BytesIO(b'h\nshort\n"' + b"x" * 50 + b'"\nend'), b"\n", ",",
                         limit=10)
    assert found.lines.tolist() == [1, 2, 3, 4]
    assert found.long == {2: (8, 60)}
