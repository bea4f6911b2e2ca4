"""The in-app inboxes (issue 12): notifications to officers and applicants, and reading them."""
