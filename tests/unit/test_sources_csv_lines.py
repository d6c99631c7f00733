"""The quote-aware record scanner that gives CSV rows their line numbers."""

from __future__ import annotations

from joinedup.sources.csv_reader import record_lines


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
