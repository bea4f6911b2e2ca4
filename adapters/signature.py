"""Does an uploaded PDF carry a digital signature? (R7.3)

A heuristic, not a verification: a signed PDF holds a signature dictionary (`/Type /Sig`, or a
field `/FT /Sig`) with a `/ByteRange` array and a `/Contents` hex string. We look for those
markers; we do not check the certificate chain or that the signed bytes are unchanged. The
reception desk still verifies the signature with its signing software; this only tells the
applicant, at submission, whether paper copies must be posted too."""
from __future__ import annotations

import re

_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*\d+\s+\d+\s+\d+\s+\d+\s*\]")
_SIG_TYPE = re.compile(rb"/(?:Type|FT)\s*/Sig\b")
_CONTENTS = re.compile(rb"/Contents\s*<[0-9A-Fa-f\s]{16,}")


def looks_signed(data: bytes) -> bool:
    """True when a PDF contains a signature dictionary (type Sig, a byte range and signed contents)."""
    if not data.startswith(b"%PDF-"):
        return False
    return bool(_BYTE_RANGE.search(data) and _SIG_TYPE.search(data) and _CONTENTS.search(data))
