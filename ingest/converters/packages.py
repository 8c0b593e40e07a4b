"""The third-party packages converters read with: imported on first use, with the project's
error when one is missing, and their version for the record of each conversion."""
from __future__ import annotations

import importlib
from importlib import metadata
from types import ModuleType

from ..errors import IngestError


def require(module: str, missing: IngestError) -> ModuleType:
    """The module; `missing` (whose message says how to install it) is raised without it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise missing from exc


def version(distribution: str, module: str) -> str:
    """The installed version of a distribution (its module's `__version__` for vendored copies)."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:  # pragma: no cover - vendored copies
        return getattr(importlib.import_module(module), "__version__", "?")
