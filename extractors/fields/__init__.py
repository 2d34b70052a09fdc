"""Field extractors, one module per concern; each returns Fields with value, raw, confidence, page, box, rule."""
