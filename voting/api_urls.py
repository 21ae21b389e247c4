from django.urls import path

from voting import api

urlpatterns = [
    path("boards/<int:board_id>/rounds/", api.RoundListView.as_view(), name="api-rounds"),
    path("rounds/<int:round_id>/", api.RoundDetailView.as_view(), name="api-round"),
    path("rounds/<int:round_id>/open/", api.RoundOpenView.as_view(), name="api-round-open"),
    path("rounds/<int:round_id>/close/", api.RoundCloseView.as_view(), name="api-round-close"),
    path("rounds/<int:round_id>/cancel/", api.RoundCancelView.as_view(), name="api-round-cancel"),
    path("rounds/<int:round_id>/extend/", api.RoundExtendView.as_view(), name="api-round-extend"),
    path("rounds/<int:round_id>/dots/", api.DotListView.as_view(), name="api-dots"),
    path("rounds/<int:round_id>/dots/<int:card_id>/", api.DotDetailView.as_view(), name="api-dot"),
    path("rounds/<int:round_id>/results/", api.ResultsView.as_view(), name="api-round-results"),
    path("rounds/<int:round_id>/results.csv", api.ResultsCsvView.as_view(), name="api-round-results-csv"),
    path("rounds/<int:round_id>/adopt/", api.AdoptView.as_view(), name="api-round-adopt"),
]
