"""Business rules of the registry. Every function takes a session and never commits."""
