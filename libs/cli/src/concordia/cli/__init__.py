"""The `concordia` command for ops."""
