"""SpiffWorkflow and nothing else: parsing, sandboxed expressions, serialization, running, time."""
