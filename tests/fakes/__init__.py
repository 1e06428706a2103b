"""Fakes of providers' HTTP APIs: real HTTP servers on 127.0.0.1 that record calls."""
