"""HTTP routes, queue and schedule handlers: the Chalice blueprints that app.py registers.

Importing app.py imports every module here (Chalice declares routes at import), so each cold
start pays for what these modules import at their top. They import the services (and, through
them, PynamoDB and the persistence layer) inside the handlers that call them, so that a container
loads only the use cases of the requests it serves (tests/meta/test_cold_start.py keeps it so).
"""
