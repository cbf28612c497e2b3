"""The exchange's routes: practices (and search), contributions, attachments."""
