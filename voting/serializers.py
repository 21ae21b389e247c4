"""Shapes of the voting API. Output comes from ``voting.selectors`` (one source for API, snapshot
and events); input is checked for shape here and for rules in ``voting.actions``."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from boards.serializers import PayloadSerializer
from voting.models import BUDGET_MAX, ResultsVisibility, RoundState, RoundSubject
from voting.selectors import round_public
from workspace.serializers import StrictInputSerializer


class TurnoutSerializer(serializers.Serializer):
    voters = serializers.IntegerField()
    eligible = serializers.IntegerField()
    by_country = serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()))


class TallySerializer(serializers.Serializer):
    card = serializers.IntegerField()
    dots = serializers.IntegerField()
    supporters = serializers.IntegerField()


class ResultRowSerializer(TallySerializer):
    """A card's final row; the live standings of an open round have only the tally's fields."""

    FINAL = "Final results only (a closed round)."
    body = serializers.CharField(required=False, help_text=FINAL)
    position = serializers.IntegerField(required=False, help_text=FINAL)
    rank = serializers.IntegerField(required=False, help_text=FINAL)
    by_country = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField()), required=False, help_text=FINAL
    )
    voters = serializers.ListField(
        child=serializers.DictField(), required=False, help_text="Only for open (not anonymous) rounds."
    )


class ResultsSerializer(serializers.Serializer):
    cards = ResultRowSerializer(many=True)
    turnout = TurnoutSerializer()
    order = serializers.CharField(help_text="How ranks and ties are ordered.")


class RoundSerializer(PayloadSerializer):
    payload = staticmethod(round_public)

    id = serializers.IntegerField()
    board = serializers.IntegerField()
    question = serializers.CharField()
    subject = serializers.ChoiceField(choices=RoundSubject.choices, help_text="what people vote on")
    state = serializers.ChoiceField(choices=RoundState.choices)
    dots_per_voter = serializers.IntegerField()
    max_per_card = serializers.IntegerField()
    results_visibility = serializers.ChoiceField(choices=ResultsVisibility.choices)
    anonymous = serializers.BooleanField()
    facilitators_vote = serializers.BooleanField()
    duration_seconds = serializers.IntegerField(allow_null=True)
    ends_at = serializers.DateTimeField(allow_null=True)
    opened_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    cards = serializers.ListField(child=serializers.IntegerField())
    turnout = TurnoutSerializer()
    tally = TallySerializer(many=True, allow_null=True, help_text="null while results are hidden")
    results = ResultsSerializer(allow_null=True, help_text="frozen at close")


class MyDotsSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    can_vote = serializers.BooleanField()
    dots = serializers.DictField(child=serializers.IntegerField(), help_text="card id -> my dots on it")
    used = serializers.IntegerField()
    remaining = serializers.IntegerField()
    change = serializers.IntegerField(help_text="when these were read (µs): of two answers, keep the later")


class RoundDetailSerializer(serializers.Serializer):
    round = RoundSerializer()
    mine = MyDotsSerializer()
    server_time = serializers.DateTimeField(help_text="The server's clock, for the round's countdown.")


class RoundCreateSerializer(StrictInputSerializer):
    question = serializers.CharField(max_length=300)
    dots_per_voter = serializers.IntegerField(min_value=1, max_value=BUDGET_MAX, default=5)
    max_per_card = serializers.IntegerField(min_value=1, max_value=BUDGET_MAX, required=False)
    results_visibility = serializers.ChoiceField(choices=ResultsVisibility.choices, default=ResultsVisibility.LIVE)
    anonymous = serializers.BooleanField(default=True)
    facilitators_vote = serializers.BooleanField(default=True)
    duration_seconds = serializers.IntegerField(min_value=10, max_value=2 * 24 * 3600, required=False, allow_null=True)
    ends_at = serializers.DateTimeField(required=False, allow_null=True)
    cards = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, allow_empty=False)
    subject = serializers.ChoiceField(
        choices=RoundSubject.choices,
        default=RoundSubject.CARDS,
        help_text="cards: the board's ideas; amendments: its open amendments (``cards`` are then their card ids)",
    )

    def validate(self, attrs):
        if "max_per_card" not in attrs:
            attrs["max_per_card"] = min(3, attrs["dots_per_voter"])
        if attrs["max_per_card"] > attrs["dots_per_voter"]:
            raise serializers.ValidationError({"max_per_card": [_("It cannot be more than the dots each voter gets.")]})
        return attrs


class ExtendSerializer(StrictInputSerializer):
    seconds = serializers.IntegerField(min_value=10, max_value=2 * 24 * 3600)


class DotSerializer(StrictInputSerializer):
    card = serializers.IntegerField(min_value=1)


class AdoptSerializer(StrictInputSerializer):
    top = serializers.IntegerField(min_value=1, required=False)
    cards = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, allow_empty=False)
    include_unvoted = serializers.BooleanField(
        default=False, help_text="with top: adopt cards without a dot too (left out otherwise)"
    )
    preview = serializers.BooleanField(default=False, help_text="only say what would be adopted; change nothing")

    def validate(self, attrs):
        if ("top" in attrs) == ("cards" in attrs):
            raise serializers.ValidationError(_("Give either top (how many) or cards (which)."))
        return attrs


class AdoptedSerializer(serializers.Serializer):
    adopted = serializers.ListField(
        child=serializers.IntegerField(), help_text="card ids, in rank order (with preview: those it would adopt)"
    )
    left_out = serializers.ListField(
        child=serializers.IntegerField(), help_text="cards of the top N left out because nobody gave them a dot"
    )
    preview = serializers.BooleanField()
