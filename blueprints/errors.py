"""Error pages, inside the layout. They never echo request data back."""
from flask import render_template
from werkzeug.exceptions import HTTPException

from .htmx import is_htmx

TITLES = {
    400: "Something in the request was not right",
    403: "You do not have access to this page",
    404: "Page not found",
    405: "That action is not available here",
    413: "The file or form is too large",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
}


def render_error(code: int):
    """The error page for `code` (a generic one for codes without their own words)."""
    title = TITLES.get(code, "Something went wrong")
    template = f"errors/{code}.html" if code in (403, 404, 413, 429, 500) else "errors/generic.html"
    return render_template(template, code=code, title=title, fragment_only=is_htmx()), code


def handle_http_error(error: HTTPException):
    return render_error(error.code or 500)


def handle_unexpected_error(error: Exception):
    from flask import current_app
    current_app.logger.exception("unhandled error")
    return render_error(500)


def register_error_handlers(app) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    if not app.config.get("PROPAGATE_EXCEPTIONS"):
        app.register_error_handler(Exception, handle_unexpected_error)
