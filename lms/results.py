"""What a service did, returned to its caller so a view need not read the record's state before calling it."""

import enum
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


class Done(enum.StrEnum):
    """What a service did to a record."""

    CREATED = "created"  # a new record, or a first recording (a session's attendance)
    CHANGED = "changed"  # an existing record changed (a correction, a new status)
    UNCHANGED = "unchanged"  # nothing to do: the same thing was submitted again, or it was already done


@dataclass(frozen=True)
class Result(Generic[T]):
    """A record and what the service did to it."""

    record: T
    done: Done

    @property
    def changed_anything(self) -> bool:
        """True unless the service had nothing to do."""
        return self.done is not Done.UNCHANGED
