"""Groups, needs, visits and evaluations: API, schemas, scope and demo."""
