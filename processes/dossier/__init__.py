"""processes/dossier"""
