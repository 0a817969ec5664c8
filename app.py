"""Cổng DVC: the Chalice application. Only wiring lives here; see chalicelib/ for the rest."""

from chalice import Chalice

from chalicelib import logs
from chalicelib.entrypoints import (
    calendar_api,
    catalog_api,
    citizen_api,
    console_api,
    dev_api,
    documents_api,
    fake_gateway_api,
    feedback_api,
    feedback_officer_api,
    file_workers,
    meta_api,
    middleware,
    national_portal_api,
    national_portal_standin_api,
    national_portal_workers,
    notification_workers,
    notifications_api,
    officer_api,
    open311_api,
    pages_api,
    payments_api,
    signin_api,
    stats_api,
    workers,
)

# Logging is chalicelib/logs.py's: Chalice's own set-up would pin the "dvc" loggers at ERROR.
app = Chalice(app_name="dvc", configure_logs=False)
app.api.binary_types.append("application/pdf")  # signed documents checked on /xac-thuc
logs.configure()
middleware.register(app)

app.register_blueprint(meta_api.bp)
app.register_blueprint(catalog_api.bp)
app.register_blueprint(calendar_api.bp)
app.register_blueprint(citizen_api.bp)
app.register_blueprint(officer_api.bp)
app.register_blueprint(feedback_api.bp)
app.register_blueprint(feedback_officer_api.bp)
app.register_blueprint(open311_api.bp)
app.register_blueprint(dev_api.bp)
app.register_blueprint(payments_api.bp)
app.register_blueprint(fake_gateway_api.bp)
app.register_blueprint(workers.bp)
app.register_blueprint(notifications_api.bp)
app.register_blueprint(notification_workers.bp)
app.register_blueprint(pages_api.bp)
app.register_blueprint(signin_api.bp)
app.register_blueprint(console_api.bp)
app.register_blueprint(stats_api.bp)
app.register_blueprint(national_portal_api.bp)
app.register_blueprint(national_portal_standin_api.bp)
app.register_blueprint(national_portal_workers.bp)
app.register_blueprint(documents_api.bp)
app.register_blueprint(file_workers.bp)
