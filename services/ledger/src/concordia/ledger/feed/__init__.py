"""The funding feed donor portals read: pages, the live stream, positions when grants move."""
