def only_our_api(endpoints, **kwargs):
    """Keep the OpenAPI document to /api/v1/ (not allauth's, Wagtail's or the admin's)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
