"""Channel adapters: one module per channel, each thin (parse inbound, send outbound)."""
