"""The municipal mirror's side of the feed: the subscriber and the receipt it forwards (§25)."""
