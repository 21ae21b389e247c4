"""The voting REST API: thin views over ``voting.actions`` and ``voting.selectors``."""

import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from boards.access import access_board, member_of_board
from voting import actions
from voting.errors import VotingError
from voting.models import Round, RoundState
from voting.privacy import MIN_VOTERS
from voting.selectors import my_dots, round_public, tally_visible
from voting.serializers import (
    AdoptedSerializer,
    AdoptSerializer,
    DotSerializer,
    ExtendSerializer,
    MyDotsSerializer,
    ResultsSerializer,
    RoundCreateSerializer,
    RoundDetailSerializer,
    RoundSerializer,
)
from workspace.access import as_id
from workspace.api import validated
from workspace.roles import require
from workspace.text import spreadsheet_safe


def access_round(user, round_id) -> tuple[Round, object]:
    """A round on a board the user can see, and the user's membership (404 otherwise)."""
    missing = _("No such round.")
    round_ = Round.objects.select_related("board__workspace").filter(pk=as_id(round_id)).first()
    if round_ is None:
        raise VotingError.not_found(missing)
    return round_, member_of_board(user, round_.board, missing=missing)


class RoundListView(GenericAPIView):
    """The rounds of a board, newest first (history); facilitators set up a new one."""

    serializer_class = RoundSerializer
    pagination_class = None

    @extend_schema(responses=RoundSerializer(many=True), operation_id="boards_rounds_list")
    def get(self, request, board_id):
        board, _membership = access_board(request.user, board_id)
        rounds = Round.objects.filter(board=board).select_related("board")
        return Response([round_public(round_) for round_ in rounds])

    @extend_schema(request=RoundCreateSerializer, responses={201: RoundSerializer})
    def post(self, request, board_id):
        board, membership = access_board(request.user, board_id)
        require(membership, "run_rounds")
        data = validated(RoundCreateSerializer, request)
        round_ = actions.create_round(board=board, by=membership, **data)
        return Response(round_public(round_), status=status.HTTP_201_CREATED)


class RoundDetailView(GenericAPIView):
    """A round as everyone sees it, and your own dots in it."""

    serializer_class = RoundDetailSerializer

    def get(self, request, round_id):
        round_, membership = access_round(request.user, round_id)
        mine = my_dots(round_, membership)
        return Response({"round": round_public(round_), "mine": mine, "server_time": timezone.now().isoformat()})


def _round_step(action_name: str, doc: str):
    class RoundStepView(GenericAPIView):
        serializer_class = RoundSerializer
        may_refuse = (409,)

        @extend_schema(request=None, responses={200: RoundSerializer}, operation_id=f"rounds_{action_name}")
        def post(self, request, round_id):
            round_, membership = access_round(request.user, round_id)
            require(membership, "run_rounds")
            round_ = getattr(actions, f"{action_name}_round")(round_=round_, by=membership)
            return Response(round_public(round_))

    RoundStepView.__doc__ = doc
    RoundStepView.__name__ = f"Round{action_name.title()}View"
    return RoundStepView


RoundOpenView = _round_step("open", "Open a draft round: the board goes into voting.")
RoundCloseView = _round_step("close", "Close an open round and freeze its results.")
RoundCancelView = _round_step("cancel", "Cancel a draft or open round; nothing it collected counts.")


class RoundExtendView(GenericAPIView):
    """Give an open round more time."""

    serializer_class = ExtendSerializer
    may_refuse = (409,)

    @extend_schema(request=ExtendSerializer, responses={200: RoundSerializer})
    def post(self, request, round_id):
        round_, membership = access_round(request.user, round_id)
        require(membership, "run_rounds")
        data = validated(ExtendSerializer, request)
        return Response(round_public(actions.extend_round(round_=round_, by=membership, **data)))


class DotListView(GenericAPIView):
    """Place one of your dots on a card of the open round."""

    serializer_class = DotSerializer
    may_refuse = (409,)

    @extend_schema(request=DotSerializer, responses={201: MyDotsSerializer})
    def post(self, request, round_id):
        round_, membership = access_round(request.user, round_id)
        data = validated(DotSerializer, request)
        mine = actions.place_dot(round_=round_, voter=membership, card_id=data["card"])
        return Response(mine, status=status.HTTP_201_CREATED)


class DotDetailView(GenericAPIView):
    """Take back one of your dots from a card."""

    serializer_class = MyDotsSerializer
    may_refuse = (409,)

    @extend_schema(request=None, responses={200: MyDotsSerializer})
    def delete(self, request, round_id, card_id):
        round_, membership = access_round(request.user, round_id)
        return Response(actions.remove_dot(round_=round_, voter=membership, card_id=card_id))


def _results_or_refuse(round_: Round) -> dict:
    if not tally_visible(round_):
        if round_.state == RoundState.OPEN:
            raise VotingError.forbidden(_("Results are hidden until the round closes."))
        raise VotingError(_("This round has no results."), kind=VotingError.CONFLICT)
    public = round_public(round_)
    if public["results"]:
        return public["results"]
    # Open with live results: the standings so far (not final).
    return {"cards": public["tally"], "turnout": public["turnout"], "order": _("Provisional: the round is open.")}


class ResultsView(GenericAPIView):
    """The results: frozen once closed; while open, the live standings if results are live."""

    serializer_class = ResultsSerializer
    may_refuse = (409,)

    def get(self, request, round_id):
        round_, _membership = access_round(request.user, round_id)
        return Response(_results_or_refuse(round_))


class ResultsCsvView(GenericAPIView):
    """The final results of a closed round as CSV (one row per card, with the country breakdown)."""

    serializer_class = ResultsSerializer
    may_refuse = (409,)

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request, round_id):
        round_, _membership = access_round(request.user, round_id)
        if round_.state != RoundState.CLOSED:
            _results_or_refuse(round_)  # hidden: 403
            raise VotingError(_("The results are final once the round closes."), kind=VotingError.CONFLICT)
        results = round_.results
        countries = sorted({code for row in results["cards"] for code in row["by_country"]})
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        header = ["rank", "card", "text", "dots", "supporters"]
        header += [f"{code} {what}" for code in countries for what in ("dots", "voters")]
        if not round_.anonymous:
            header.append("voters")
        writer.writerow(header)
        for row in results["cards"]:
            line = [row["rank"], row["card"], spreadsheet_safe(row["body"]), row["dots"], row["supporters"]]
            for code in countries:
                counts = row["by_country"].get(code, {})
                line += [counts.get("dots", 0), counts.get("voters", 0)]
            if not round_.anonymous:
                line.append(
                    "; ".join(
                        spreadsheet_safe(f"{v['display_name']} ({v['country'] or '-'}): {v['dots']}")
                        for v in row["voters"]
                    )
                )
            writer.writerow(line)
        turnout = results["turnout"]
        writer.writerow([])
        writer.writerow(["turnout", f"{turnout['voters']} of {turnout['eligible']}"])
        if round_.anonymous:
            writer.writerow(
                [_("Anonymous round: countries with fewer than %(n)d voters are counted together as 'other'.")
                 % {"n": MIN_VOTERS}]
            )  # fmt: skip
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="round-{round_.pk}-results.csv"'
        return response


class AdoptView(GenericAPIView):
    """Adopt the top N cards (every card tied at rank N included; none without a dot unless asked) or
    the chosen cards of a closed round, in rank order; with ``preview``, only say which."""

    serializer_class = AdoptSerializer
    may_refuse = (409,)

    @extend_schema(request=AdoptSerializer, responses={200: AdoptedSerializer})
    def post(self, request, round_id):
        round_, membership = access_round(request.user, round_id)
        require(membership, "curate_cards")
        data = validated(AdoptSerializer, request)
        preview = data.pop("preview")
        chosen, left_out = actions.cards_to_adopt(round_=round_, **data)
        if not preview:
            chosen = [card.pk for card in actions.adopt_results(round_=round_, by=membership, **data)]
        return Response({"adopted": chosen, "left_out": left_out, "preview": preview})
