"""The editor's decisions about submissions: publish, reject, withdraw, erase, and what the private store holds."""
