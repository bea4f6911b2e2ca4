"""Service-task handlers: the code behind each service task of the diagrams.

Handlers are pure with respect to the database: they read a snapshot of the dossier, change its
facts on that snapshot, and ask for notices; the use case writes all of it in its transaction.
"""
