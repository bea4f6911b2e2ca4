"""adapters: the outside world and the plumbing (configuration, the service container, stores, ports)."""
import warnings

# pyHanko imports the `cryptography` DSA classes, which warn that DSA is deprecated: no MotCua key is DSA,
# and the warning would otherwise reach the CLI's error stream on every command (tests filter it the same way).
warnings.filterwarnings("ignore", message="DSA is deprecated", module=r"pyhanko\.")
