from django.apps import AppConfig


class SignalsConfig(AppConfig):
    name = "signals"
    verbose_name = "Scores, thresholds and alerts"

    def ready(self) -> None:
        # Connects the receivers that drop the cached scoring configuration on a change.
        from signals import config  # noqa: F401
