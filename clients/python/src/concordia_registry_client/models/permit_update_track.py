from enum import StrEnum


class PermitUpdateTrack(StrEnum):
    ASYLUM = "asylum"
    HUMANITARIAN_VISA = "humanitarian_visa"
    RESIDENCE = "residence"
    SPECIAL_TRACK = "special_track"
    WORK = "work"

    def __str__(self) -> str:
        return str(self.value)
