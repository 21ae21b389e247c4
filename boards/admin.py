"""Read-mostly admin of boards and their event log (changes go through ``boards.actions``)."""

from django.contrib import admin

from boards.models import Board, BoardEvent


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ["title", "workspace", "kind", "state", "position"]
    list_filter = ["workspace", "kind", "state"]


@admin.register(BoardEvent)
class BoardEventAdmin(admin.ModelAdmin):
    list_display = ["board", "seq", "type", "created_at"]
    list_filter = ["type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

