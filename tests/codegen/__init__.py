"""`nextschool generate` and the clients it writes, over loopback against the local server."""
