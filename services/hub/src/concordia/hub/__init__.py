"""The coalition hub: stores what every country's services publish, and sets the charter."""
