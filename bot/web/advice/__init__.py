"""The pages of advisors and service admins (the staff login, the staff words)."""
