"""The review desk's routes, one module per concern, each a `routes(context) -> APIRouter` that
review/app.py includes: signing in and sessions, the queue, a claim and its files, the managers'
actions."""
