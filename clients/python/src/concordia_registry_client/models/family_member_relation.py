from enum import StrEnum


class FamilyMemberRelation(StrEnum):
    CHILD = "child"
    OTHER = "other"
    PARENT = "parent"
    PARTNER = "partner"
    SIBLING = "sibling"
    SPOUSE = "spouse"

    def __str__(self) -> str:
        return str(self.value)
