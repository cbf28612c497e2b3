"""The evaluation service's business rules: functions taking a session, never committing."""
