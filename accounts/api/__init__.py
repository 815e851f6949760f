"""The REST API of the record (accounts, contacts, contracts, interactions, health,
exports, tokens). Wired in ``accounts/api_urls.py``."""
