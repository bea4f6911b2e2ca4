"""The operations console (issue 12): running dossiers, one dossier's inside, incidents from every
source with an alert to the administrators, and the operator's repairs (retry a parked timer,
resend a failed message, suspend/resume, cancel with a reason)."""
