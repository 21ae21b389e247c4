from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import include, path
from django.utils.translation import gettext as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as account_views
from workspace.forms import BadFormValue

urlpatterns = [
    path(
        "accounts/login/",
        account_views.SignInView.as_view(),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file, so the page needs no inline script (CSP).
    path(
        "api/docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path("api/", include("accounts.api_urls")),
    path("api/", include("workspace.api_urls")),
    path("api/", include("boards.api_urls")),
    path("api/", include("drafts.api_urls")),
    path("api/", include("voting.api_urls")),
    path("api/", include("charter.api_urls")),
    path("api/", include("facilitation.api_urls")),
    path("admin/", admin.site.urls),
    path("", include("charter.urls")),
    path("", include("facilitation.urls")),
    path("", include("accounts.urls")),
    path("", include("workspace.urls")),
    path("", include("boards.urls")),
]


def _error_page(request, status, code, message):
    """API paths answer JSON; pages answer a page in the site's own look, never a debug view."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": code}, status=status)
    return render(request, "error.html", {"status": status, "message": message}, status=status)


def page_not_found(request, exception=None):
    return _error_page(request, 404, "not_found", _("Not found."))


def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else _("You do not have permission to do this.")
    return _error_page(request, 403, "forbidden", message)


def bad_request(request, exception=None):
    if isinstance(exception, BadFormValue):  # its message is for people; other 400s' are not
        return _error_page(request, 400, "invalid", str(exception))
    return _error_page(request, 400, "invalid", _("The request could not be understood."))


def server_error(request):
    return _error_page(request, 500, "server_error", _("Something went wrong on our side. Please try again."))


handler404 = page_not_found
handler403 = permission_denied
handler400 = bad_request
handler500 = server_error
