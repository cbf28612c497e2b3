from enum import StrEnum


class PermitCreateStatus(StrEnum):
    APPLIED = "applied"
    EXPIRED = "expired"
    GRANTED = "granted"
    REFUSED = "refused"

    def __str__(self) -> str:
        return str(self.value)
