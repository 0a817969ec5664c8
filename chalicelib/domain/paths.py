"""Paths of the portal's own routes that services write into the addresses they hand out: the
citizens' sign-in callback, the pages that messages link to, and the local stand-ins of the
payment gateway and of the national portal. Declared here, and not in those services, so that
the routes serving them are declared without importing the services (the API handler's cold
start imports every route, but only the services a request uses)."""

SIGNIN_CALLBACK_PATH = "/dang-nhap/callback"
FAKE_GATEWAY_PAY_PATH = "/dev/fake-gateway/pay"
FAKE_GATEWAY_API_PATH = "/dev/fake-gateway/querydr"
NATIONAL_STANDIN_PATH = "/dev/national-portal"


def lookup_page(code: str) -> str:
    """The citizens' lookup page with the dossier code filled in: what a message links to (the
    JSON API needs the phone, which never goes in a URL)."""
    return f"/tra-cuu?ma={code}"


def feedback_page(feedback_id: str) -> str:
    """The citizens' feedback page with the feedback's id filled in: the sender reads the
    answer and rates it there (the JSON API needs the phone, which never goes in a URL)."""
    return f"/phan-anh/tra-cuu?ma={feedback_id}"


def officer_dossier_page(code: str) -> str:
    """The console's page of a dossier (signing in first if need be)."""
    return f"/can-bo/ho-so/{code}"
