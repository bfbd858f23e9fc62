"""Errors the library raises for input a user controls.

Every message is a full sentence naming the column, value or file at fault, so the
UI can show it as it is (``st.error``) and the CLI can print it to stderr.
"""

__all__ = [
    "FairDashError",
    "DataError",
    "RoleError",
    "UnsupportedTaskError",
    "ModelError",
    "UnsafeModelError",
]


class FairDashError(Exception):
    """Base class of every error FairDash raises about user input."""


class DataError(FairDashError, ValueError):
    """A file or table cannot be used (empty, not tabular, bad header, too large, ...)."""


class RoleError(FairDashError, ValueError):
    """A chosen column role does not fit the data (target, positive label, sensitive, ...)."""


class UnsupportedTaskError(FairDashError, ValueError):
    """The data asks for a task FairDash does not support yet (for example regression)."""


class ModelError(FairDashError, ValueError):
    """A model cannot be loaded or cannot score the data (for example missing columns)."""


class UnsafeModelError(ModelError):
    """A model file would need unpickling or untrusted types to load, so it is refused."""
