"""The one error hierarchy. Every message says what went wrong and what to do next."""

from __future__ import annotations


class JoinedUpError(Exception):
    """Root of every error joinedup raises on purpose."""


class ConfigError(JoinedUpError):
    """Settings or a sources file are missing or wrong."""


class SourceError(JoinedUpError):
    """A source extract cannot be read at all (as opposed to rows that fail validation)."""

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 field: str | None = None) -> None:
        where = ", ".join(
            part
            for part in (
                f"file {file}" if file else "",
                f"row {row}" if row is not None else "",
                f"field {field}" if field else "",
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)
        self.file = file
        self.row = row
        self.field = field


class MappingError(ConfigError):
    """A declarative source mapping (YAML) is invalid."""


class WarehouseError(JoinedUpError):
    """A warehouse snapshot cannot be created, opened or switched."""


class ReferenceDataError(JoinedUpError):
    """Reference data (DfE statistics, ONS boundaries) is missing or unreadable."""


class MartError(JoinedUpError):
    """A mart cannot be built or read."""


class OpenDataError(JoinedUpError):
    """An open dataset cannot be declared, built or published."""


class DisclosureError(OpenDataError):
    """A table would publish something disclosive (record-level fields, bad counts)."""
