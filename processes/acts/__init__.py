"""Procedural acts on a dossier (issue 12): transfer to the competent agency, extension of the time
limit, the applicant's withdrawal reviewed by reception, substitutes while an officer is absent."""
