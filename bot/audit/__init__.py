"""The audit log: /audit and `baton audit verify|show`."""
