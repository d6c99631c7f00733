"""The audit log: append-only, hash-chained record of every search, view and sign-in."""
