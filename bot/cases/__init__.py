"""Cases: a person's hand-off to an advice service, and the advisors' casework."""
