"""The regional hub's side of the feed: the broadcaster, the gRPC servicer and the status table."""
