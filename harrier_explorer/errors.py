"""Domain errors, raised in the core and translated at the edges (UI, CLI, HTTP server).

Messages are written for the user: they name the bad value and, where there is a choice, the valid ones.
"""

from __future__ import annotations


class HarrierError(Exception):
    """Base class of every error this package raises on purpose."""


class InputError(HarrierError, ValueError):
    """The user's input (text, file, parameter) cannot be used as given."""


class ModelUnavailable(HarrierError):
    """No model could be resolved or loaded."""


class RemoteError(HarrierError):
    """A remote embeddings server failed or answered something unusable."""


#: The exceptions that edges catch and show as a message; anything else is a bug and keeps its traceback.
USER_FACING = (HarrierError, OSError, UnicodeError)
