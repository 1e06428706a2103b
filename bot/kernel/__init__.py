"""What everything shares and nothing depends on: message types, clock, crypto, phones,
SMS segments, postal addresses, the job description. No I/O, nothing else of Lotse."""
