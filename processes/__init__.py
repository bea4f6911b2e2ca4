"""Use cases: one function per user action, each owning exactly one transaction."""
