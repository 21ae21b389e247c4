"""The admin's sign-in page counts failed attempts like the site's own (``accounts.signin``)."""

from django.contrib import admin

from accounts.forms import AdminSignInForm

admin.site.login_form = AdminSignInForm
