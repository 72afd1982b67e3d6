"""drf-spectacular extension: a read-only relation to a nullable foreign key is documented nullable.

drf-spectacular documents `SlugRelatedField(read_only=True)` as a plain string even when the model's
foreign key may be empty, so an API answering `"parent": null` contradicts its own schema
(found by schemathesis). This reads the model field behind each relation and adds `nullable`.
Registered on import (common.apps.CommonConfig.ready).
"""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension


def _model_field(field):
    serializer = getattr(field, "parent", None)
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    source = getattr(field, "source", None) or getattr(field, "field_name", None)
    if model is None or not source or "." in source:
        return None
    try:
        return model._meta.get_field(source)
    except Exception:
        return None


class NullableRelationExtension(OpenApiSerializerFieldExtension):
    target_class = "rest_framework.relations.RelatedField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        model_field = _model_field(self.target)
        if model_field is not None and getattr(model_field, "null", False) and isinstance(schema, dict):
            schema["nullable"] = True
        return schema
