from enum import StrEnum


class CoalitionDocumentKind(StrEnum):
    CHARTER = "charter"
    DECISION = "decision"

    def __str__(self) -> str:
        return str(self.value)
