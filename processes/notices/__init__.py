"""Notices that leave the building (e-mail, SMS, Zalo) and the national portal sync (issue 15).

templates.py renders the editable templates; sending.py decides what goes to whom through the outbox;
national.py builds the national portal's records; deliveries.py shows and updates delivery states;
catalogue_import.py turns the national procedure database's export into a proposal."""
