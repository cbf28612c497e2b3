"""Overlap detection by private set intersection: the engine, its protocol, runs and routes."""
