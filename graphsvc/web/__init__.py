"""The HTTP service: ``app.create_app`` assembles one router module per feature, the
caller's identity (``access``) and the one error body (``errors``)."""
