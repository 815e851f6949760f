from accounts.imports import import_interactions

from ._import import ImportCommand


class Command(ImportCommand):
    help = "Import interactions from CSV (validated whole; a bad file writes nothing)."
    importer = staticmethod(import_interactions)
