from enum import StrEnum


class CoalitionDecisionPublishedStatus(StrEnum):
    DONE = "done"
    IN_FORCE = "in_force"
    PENDING_SIGNATURES = "pending_signatures"
    TAKEN = "taken"

    def __str__(self) -> str:
        return str(self.value)
