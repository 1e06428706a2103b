"""The database: engine and sessions, migrations, and the models by feature."""
