from enum import StrEnum


class PersonUpdateProfessionCategoryType0(StrEnum):
    ACTIVIST = "activist"
    ARTIST = "artist"
    JOURNALIST = "journalist"
    LAWYER = "lawyer"
    OTHER = "other"
    POLITICIAN = "politician"
    RESEARCHER = "researcher"

    def __str__(self) -> str:
        return str(self.value)
