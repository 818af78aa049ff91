"""/docs without a CDN: Swagger UI's scripts and styles come from the swagger-ui-bundle package, served by the app.

FastAPI's default /docs (and /redoc) page loads its assets from a CDN, which breaks the offline promise and leaks
every visit to a third party; this page names no host at all.
"""
from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs-assets"


def add_offline_docs(app: FastAPI) -> None:
    """Serve the interactive API docs at /docs from local assets (create the app with docs_url=None, redoc_url=None)."""
    from swagger_ui_bundle import swagger_ui_path  # the [api] extra

    app.mount(ASSETS, StaticFiles(directory=swagger_ui_path), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title}: API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js", swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
            # Swagger UI would otherwise send the schema to validator.swagger.io for its badge.
            swagger_ui_parameters={"validatorUrl": None})
