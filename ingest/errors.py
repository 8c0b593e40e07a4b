"""The ingest exceptions: one root, stable codes, Vietnamese messages for users."""
from __future__ import annotations


class DtikgError(Exception):
    """Root of every error dtikg raises on purpose; `message` is for users (Vietnamese)."""

    def __init__(self, code: str, message: str):
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message


class IngestError(DtikgError):
    """A document could not be read; nothing from it was written."""


_MIB = 1_048_576


def _megabytes(size: int) -> str:
    """`size` bytes in MB the Vietnamese way: "20 MB", "20,4 MB"."""
    if size % _MIB == 0:
        return f"{size // _MIB} MB"
    return f"{size / _MIB:.1f}".replace(".", ",") + " MB"


def too_large_message(name: str, size: int, limit: int) -> str:
    """The message for a file over the size limit; "hơn 20 MB" where one decimal would not show the excess."""
    shown = _megabytes(size) if round(size / _MIB, 1) > limit / _MIB else f"hơn {_megabytes(limit)}"
    return f"Tệp {name} quá lớn ({shown}; tối đa {_megabytes(limit)})."
