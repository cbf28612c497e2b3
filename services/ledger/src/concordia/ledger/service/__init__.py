"""Business rules of the ledger. Every function takes a session and never commits."""
