"""Cổng DVC: the Chalice application. Only wiring lives here; see chalicelib/ for the rest."""

from chalice import Chalice

from chalicelib import logs
from chalicelib.entrypoints import (
    catalog_api,
    citizen_api,
    dev_api,
    meta_api,
    middleware,
    officer_api,
    workers,
)

app = Chalice(app_name="dvc")
app.log.propagate = True
logs.configure()
middleware.register(app)

app.register_blueprint(meta_api.bp)
app.register_blueprint(catalog_api.bp)
app.register_blueprint(citizen_api.bp)
app.register_blueprint(officer_api.bp)
app.register_blueprint(dev_api.bp)
app.register_blueprint(workers.bp)
