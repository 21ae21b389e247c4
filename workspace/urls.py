"""A workspace's people: invitations, members, the audit trail, the archive."""

from django.urls import path

from workspace import people_views, views

urlpatterns = [
    path("w/<slug:slug>/invitations/", views.invitations_page, name="invitations"),
    path("w/<slug:slug>/members/", people_views.members_page, name="members"),
    path("w/<slug:slug>/members/<int:member_id>/remove/", people_views.remove_member_page, name="remove-member"),
    path("w/<slug:slug>/audit/", people_views.audit_page, name="audit"),
    path("w/<slug:slug>/archive.zip", people_views.workspace_archive_download, name="workspace-archive"),
    path(
        "w/<slug:slug>/invitations/<int:invitation_id>/revoke/",
        views.revoke_invitation_page,
        name="revoke-invitation",
    ),
]
