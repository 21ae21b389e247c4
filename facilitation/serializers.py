"""Input checks and documented shapes of the facilitation API."""

from rest_framework import serializers

from boards.serializers import BoardAllowsSerializer
from facilitation.actions.sessions import EXTEND_MAX_MINUTES
from facilitation.models import SEATS_MAX, Notice
from workspace.serializers import StrictInputSerializer


class MessageSerializer(StrictInputSerializer):
    text = serializers.CharField(max_length=Notice.TEXT_MAX)


class SummonSerializer(StrictInputSerializer):
    text = serializers.CharField(max_length=Notice.TEXT_MAX, required=False, allow_blank=True, default="")


class ExtendSessionSerializer(StrictInputSerializer):
    minutes = serializers.IntegerField(min_value=1, max_value=EXTEND_MAX_MINUTES)


class SeatsSerializer(StrictInputSerializer):
    seats = serializers.IntegerField(min_value=1, max_value=SEATS_MAX)


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    state = serializers.ChoiceField(choices=["upcoming", "live", "ended"])
    starts_at = serializers.DateTimeField(help_text="Planned start.")
    ends_at = serializers.DateTimeField(help_text="When it is due to end (extending moves it).")
    started_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)


class NoticeBoardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()


class NoticeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["message", "summon"])
    text = serializers.CharField()
    board = NoticeBoardSerializer(allow_null=True)
    author = serializers.DictField(allow_null=True)
    created_at = serializers.DateTimeField()
    withdrawn_at = serializers.DateTimeField(allow_null=True, help_text="set once a facilitator took it back")


class SpeakerSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    display_name = serializers.CharField()
    country = serializers.CharField(allow_null=True)
    state = serializers.ChoiceField(choices=["queued", "offered", "seated"])
    ticket = serializers.IntegerField(help_text="The order hands were raised in.")
    raised_at = serializers.DateTimeField()
    offered_at = serializers.DateTimeField(allow_null=True)
    seated_at = serializers.DateTimeField(allow_null=True)


class FishbowlSerializer(serializers.Serializer):
    seats = serializers.IntegerField()
    seated = SpeakerSerializer(many=True)
    offered = SpeakerSerializer(many=True)
    queue = SpeakerSerializer(many=True, help_text="Raised hands, first in line first.")


class RoomSerializer(serializers.Serializer):
    seq = serializers.IntegerField(help_text="The workspace's event sequence this state is at.")
    server_time = serializers.DateTimeField(help_text="Count down on this clock, not the device's.")
    sessions = SessionSerializer(many=True)
    notices = NoticeSerializer(many=True, help_text="The latest notices, newest first.")
    fishbowl = FishbowlSerializer()
    me = serializers.IntegerField(help_text="Your own member id (to find yourself in the fishbowl).")


class ConsoleBoardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    state = serializers.CharField()
    allows = BoardAllowsSerializer(help_text="What the board's state allows now, as on the board (boards/rules.py).")
    url = serializers.CharField()
    presence = serializers.DictField(help_text='{"total": n, "by_country": {"KG": n, ...}}')
    round = serializers.DictField(allow_null=True, help_text="The open round, as on the board.")
    new_cards = serializers.IntegerField()
    new_comments = serializers.IntegerField()


class ConsoleSerializer(serializers.Serializer):
    server_time = serializers.DateTimeField()
    since = serializers.DateTimeField(help_text="New cards and comments are counted from here.")
    boards = ConsoleBoardSerializer(many=True)
