"""Read-mostly admin for operators. Changes that users make go through actions, not through here."""

from django.contrib import admin

from workspace.models import AgendaSession, Invitation, Membership, Workspace


class AgendaSessionInline(admin.TabularInline):
    model = AgendaSession
    extra = 0


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "time_zone"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AgendaSessionInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["display_name", "workspace", "role", "country"]
    list_filter = ["workspace", "role", "country"]
    search_fields = ["display_name", "user__username"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["workspace", "role", "country", "uses", "max_uses", "expires_at", "revoked"]
    list_filter = ["workspace", "role", "revoked"]
    readonly_fields = ["token", "uses"]
