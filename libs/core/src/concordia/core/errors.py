"""Domain errors that services raise and the web layer turns into HTTP answers."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic_core import PydanticCustomError

#: The ``type`` of a validation error that breaks a rule between fields, not a field's own.
INCONSISTENT_TYPE = "inconsistent_fields"


class DomainError(Exception):
    """Base of errors a client can act on; ``status`` is the HTTP status it maps to."""

    status = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFoundError(DomainError):
    """The addressed record does not exist (or no longer does)."""

    status = 404


class ConflictError(DomainError):
    """The write conflicts with the current state (a duplicate key, a reused idempotency key)."""

    status = 409


class PreconditionFailedError(DomainError):
    """``If-Match`` named a version that is no longer current."""

    status = 412


class ServiceUnavailableError(DomainError):
    """What the request needs is not set up at this service (a key, a link); retrying won't
    help until an operator sets it up."""

    status = 503


class FieldError(DomainError):
    """A well-formed value the service rejects, such as a reference to an unknown record."""

    status = 422

    def __init__(self, loc: Sequence[str | int], msg: str, type_: str = "value_error") -> None:
        super().__init__(msg)
        self.loc, self.msg, self.type = list(loc), msg, type_


class InconsistentError(DomainError):
    """Fields valid one by one that break a rule between them (409): dates out of order, two
    counts that should describe the same people. JSON Schema cannot state such rules, so a
    request the schema accepts may still break one; it is a conflict, not a malformed field."""

    status = 409

    def __init__(self, loc: Sequence[str | int], msg: str) -> None:
        super().__init__(msg)
        self.loc, self.msg, self.type = list(loc), msg, INCONSISTENT_TYPE


def inconsistent(msg: str) -> PydanticCustomError:
    """The error a pydantic validator raises for a rule between fields (answered 409, not 422).

    Example::

        if end < start:
            raise inconsistent("must not be before start_date")
    """
    return PydanticCustomError(INCONSISTENT_TYPE, "{reason}", {"reason": msg})
