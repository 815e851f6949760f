from accounts.imports import import_accounts

from ._import import ImportCommand


class Command(ImportCommand):
    help = "Import accounts and contracts from CSV (validated whole; a bad file writes nothing)."
    importer = staticmethod(import_accounts)
