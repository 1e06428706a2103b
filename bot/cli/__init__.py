"""The `lotse` command: one module per command group."""
