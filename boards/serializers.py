"""The board's HTTP shapes: boards, cards and comments as the API answers them, and what it accepts to
create or change them (unknown fields are refused)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from boards.actions import boards as board_limits
from boards.actions import cards as card_limits
from boards.models import BOARD_TEXTS, Board, BoardState, Card, CardKind, CardStatus, Comment
from boards.rules import allowed_activities
from boards.selectors import card_data, comment_data
from workspace.serializers import StrictInputSerializer, TranslationsField


class BoardAllowsSerializer(serializers.Serializer):
    """What the board's state allows now (``boards.rules``)."""

    cards = serializers.BooleanField(help_text="post, edit, move and remove cards")
    comments = serializers.BooleanField(help_text="comment, reply, edit and remove comments")
    draft = serializers.BooleanField(help_text="edit the shared draft, restore a revision")
    amendments = serializers.BooleanField(help_text="propose, refresh and support amendments")
    votes = serializers.BooleanField(help_text="place and take back dots in the open round")
    open_round = serializers.BooleanField(help_text="a facilitator may open a round")
    lock = serializers.BooleanField(help_text="a facilitator may lock or unlock the board (not while a round runs)")


class BoardSerializer(serializers.ModelSerializer):
    """The schema of a board as the API and the events show it: ``boards.selectors.board_data``
    writes it, this describes it (tests/workspace/test_schema.py keeps the two the same)."""

    translations = TranslationsField(read_only=True)

    workspace = serializers.SlugField(source="workspace.slug", read_only=True)
    allows = serializers.SerializerMethodField()

    class Meta:
        model = Board
        fields = ["id", "workspace", "kind", "title", "guiding_question", "translations", "state", "allows", "position"]

    @extend_schema_field(BoardAllowsSerializer)
    def get_allows(self, board) -> dict:
        return allowed_activities(board.state)


# The limits are the actions' own (``boards.actions``, ``BOARD_TEXTS``), so the schema says what they enforce.
TITLE_MAX = BOARD_TEXTS["title"].max_length
GUIDING_QUESTION_MAX = BOARD_TEXTS["guiding_question"].max_length


class BoardCreateSerializer(StrictInputSerializer):
    title = serializers.CharField(max_length=TITLE_MAX)
    guiding_question = serializers.CharField(
        max_length=GUIDING_QUESTION_MAX, required=False, allow_blank=True, default=""
    )


class BoardUpdateSerializer(StrictInputSerializer):
    title = serializers.CharField(max_length=TITLE_MAX, required=False)
    guiding_question = serializers.CharField(max_length=GUIDING_QUESTION_MAX, required=False, allow_blank=True)
    state = serializers.ChoiceField(choices=BoardState.choices, required=False)
    position = serializers.IntegerField(min_value=0, max_value=board_limits.POSITION_MAX, required=False)
    translations = TranslationsField(
        required=False,
        help_text='The title and guiding question in other languages: {"ru": {"title": "…"}}; "" removes one.',
    )

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(
                _("Give at least one of: title, guiding_question, state, position, translations.")
            )
        return attrs


class AuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    country = serializers.CharField(allow_null=True)


class PayloadSerializer(serializers.Serializer):
    """Documents a shape whose values come from one selector function (``payload``), so the API,
    the snapshot and the event stream can never drift apart."""

    payload = None

    def to_representation(self, instance):
        return type(self).payload(instance)


class CardSerializer(PayloadSerializer):
    payload = staticmethod(card_data)

    id = serializers.IntegerField()
    board = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=CardKind.choices, help_text="an idea, or the card of an amendment")
    author = AuthorSerializer(allow_null=True, help_text="null for a former member")
    body = serializers.CharField(help_text="markdown source")
    body_html = serializers.CharField(help_text="sanitized HTML")
    status = serializers.ChoiceField(choices=CardStatus.choices)
    group_label = serializers.CharField()
    position = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)


class CommentSerializer(PayloadSerializer):
    payload = staticmethod(comment_data)

    id = serializers.IntegerField()
    card = serializers.IntegerField()
    parent = serializers.IntegerField(allow_null=True)
    author = AuthorSerializer(allow_null=True)
    state = serializers.ChoiceField(choices=["visible", "removed", "hidden"])
    body = serializers.CharField(help_text="empty unless visible")
    body_html = serializers.CharField()
    hidden_reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)


class BoardStateSerializer(serializers.Serializer):
    seq = serializers.IntegerField(help_text="The board's event sequence this snapshot is at.")
    board = BoardSerializer()
    cards = CardSerializer(many=True)
    comments = CommentSerializer(many=True)
    presence = AuthorSerializer(many=True)


class CardCreateSerializer(StrictInputSerializer):
    body = serializers.CharField(max_length=Card.BODY_MAX, trim_whitespace=True)


class CardUpdateSerializer(StrictInputSerializer):
    body = serializers.CharField(max_length=Card.BODY_MAX, required=False)
    status = serializers.ChoiceField(choices=CardStatus.choices, required=False)
    group_label = serializers.CharField(max_length=card_limits.GROUP_LABEL_MAX, required=False, allow_blank=True)
    position = serializers.IntegerField(min_value=0, max_value=card_limits.POSITION_MAX, required=False)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(_("Give at least one of: body, status, group_label, position."))
        return attrs


class CommentCreateSerializer(StrictInputSerializer):
    body = serializers.CharField(max_length=Comment.BODY_MAX)
    parent = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class CommentUpdateSerializer(StrictInputSerializer):
    body = serializers.CharField(max_length=Comment.BODY_MAX)


class CommentHideSerializer(StrictInputSerializer):
    reason = serializers.CharField(max_length=card_limits.HIDDEN_REASON_MAX)


