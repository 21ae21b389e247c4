from django.urls import path

from facilitation import api

urlpatterns = [
    path("workspaces/<slug:slug>/room/", api.RoomView.as_view(), name="api-room"),
    path("workspaces/<slug:slug>/console/", api.ConsoleView.as_view(), name="api-console"),
    path("workspaces/<slug:slug>/notices/", api.NoticeListView.as_view(), name="api-notices"),
    path("workspaces/<slug:slug>/notices/<int:notice_id>/", api.NoticeDetailView.as_view(), name="api-notice"),
    path("boards/<int:board_id>/summon/", api.SummonView.as_view(), name="api-summon"),
    path("sessions/<int:session_id>/start/", api.SessionStartView.as_view(), name="api-session-start"),
    path("sessions/<int:session_id>/extend/", api.SessionExtendView.as_view(), name="api-session-extend"),
    path("sessions/<int:session_id>/end/", api.SessionEndView.as_view(), name="api-session-end"),
    path("workspaces/<slug:slug>/fishbowl/", api.FishbowlView.as_view(), name="api-fishbowl"),
    path("workspaces/<slug:slug>/fishbowl/seats/", api.FishbowlSeatsView.as_view(), name="api-fishbowl-seats"),
    path(
        "workspaces/<slug:slug>/fishbowl/members/<int:member_id>/seat/",
        api.FishbowlSeatView.as_view(),
        name="api-fishbowl-seat",
    ),
    path(
        "workspaces/<slug:slug>/fishbowl/members/<int:member_id>/unseat/",
        api.FishbowlUnseatView.as_view(),
        name="api-fishbowl-unseat",
    ),
    path("workspaces/<slug:slug>/fishbowl/<slug:step>/", api.FishbowlStepView.as_view(), name="api-fishbowl-step"),
]
