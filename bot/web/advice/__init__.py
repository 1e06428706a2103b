"""The pages of advisors and service admins: the inbox (the cases of the advice services
an advisor or service admin belongs to, one case with its thread, notes, assignment,
status and replies) and the service admins' overview.

Handlers never read the database themselves: every look and change goes through
bot.cases (the one access rule, and the one access-log entry per look or action). An
unknown id, another service's case and a withdrawn or expired hand-off all get the same
404; login, CSRF and the staff words are the office pages' (bot.web.office.auth)."""
