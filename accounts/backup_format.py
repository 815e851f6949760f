"""The serialisation format of ``backup_data``: Django's JSON, with full-precision times.

Django's JSON encoder cuts date-times to milliseconds; a backup must give back exactly
what it took (an interaction's time is part of its identity), so date-times and times
are written with their microseconds. ``loaddata`` reads the result as ordinary JSON.
"""

from __future__ import annotations

import datetime as dt

from django.core.serializers.json import Deserializer as Deserializer
from django.core.serializers.json import Serializer as JSONSerializer


class Serializer(JSONSerializer):
    def _value_from_field(self, obj, field):
        value = super()._value_from_field(obj, field)
        if isinstance(value, dt.datetime | dt.time):
            return value.isoformat()
        return value
