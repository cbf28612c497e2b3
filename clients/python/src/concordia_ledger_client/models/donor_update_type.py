from enum import StrEnum


class DonorUpdateType(StrEnum):
    FOUNDATION = "foundation"
    GOVERNMENT_PROGRAMME = "government_programme"
    MULTILATERAL = "multilateral"

    def __str__(self) -> str:
        return str(self.value)
