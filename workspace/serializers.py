"""The shapes of the workspace API: what goes in (validated here) and what comes out.

Input serializers only check shape and size; rules and permissions live in ``workspace.actions``.
Fields are snake_case and named after the model.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from workspace.board_rules import allowed_activities
from workspace.models import Board, BoardState, Card, CardKind, CardStatus, Comment, Invitation, Membership
from workspace.roles import Role
from workspace.selectors import card_data, comment_data


class StrictInputSerializer(serializers.Serializer):
    """Refuses fields it does not know, so a typo is an error instead of a silent no-op."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - {name for name, field in self.fields.items() if not field.read_only})
            if unknown:
                raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return super().to_internal_value(data)


@extend_schema_field({"type": "string", "nullable": True, "example": "KG", "description": "ISO 3166-1 alpha-2"})
class CountryCodeField(serializers.Field):
    """A country as its upper-case ISO 3166-1 alpha-2 code; null or "" for none."""

    def to_representation(self, value):
        code = getattr(value, "code", value)
        return code or None

    def to_internal_value(self, data):
        if data in (None, ""):
            return ""
        if not isinstance(data, str):
            raise serializers.ValidationError(_("Give a two-letter country code such as KG."))
        code = data.strip().upper()
        if code not in countries:
            raise serializers.ValidationError(_("%(code)s is not an ISO 3166 country code.") % {"code": data})
        return code


# Output ---------------------------------------------------------------------------------------


class AgendaSessionSerializer(serializers.Serializer):
    title = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class WorkspaceSerializer(serializers.Serializer):
    slug = serializers.SlugField(source="workspace.slug")
    name = serializers.CharField(source="workspace.name")
    description = serializers.CharField(source="workspace.description")
    time_zone = serializers.CharField(source="workspace.time_zone")
    agenda = AgendaSessionSerializer(source="workspace.agenda.all", many=True)
    role = serializers.ChoiceField(choices=Role.choices, help_text="Your role in this workspace.")


class MemberSerializer(serializers.ModelSerializer):
    country = CountryCodeField()

    class Meta:
        model = Membership
        fields = ["id", "display_name", "role", "country"]


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "object", "additionalProperties": {"type": "string"}},
        "example": {"ru": {"title": "Миссия"}, "fa-af": {"title": "مأموریت"}},
    }
)
class TranslationsField(serializers.JSONField):
    """Texts in other languages, ``{language: {field: text}}`` (checked by workspace.translations)."""


class BoardAllowsSerializer(serializers.Serializer):
    """What the board's state allows now (``workspace.board_rules``)."""

    cards = serializers.BooleanField(help_text="post, edit, move and remove cards")
    comments = serializers.BooleanField(help_text="comment, reply, edit and remove comments")
    draft = serializers.BooleanField(help_text="edit the shared draft, restore a revision")
    amendments = serializers.BooleanField(help_text="propose, refresh and support amendments")
    votes = serializers.BooleanField(help_text="place and take back dots in the open round")
    open_round = serializers.BooleanField(help_text="a facilitator may open a round")


class BoardSerializer(serializers.ModelSerializer):
    translations = TranslationsField(read_only=True)

    workspace = serializers.SlugField(source="workspace.slug", read_only=True)
    allows = serializers.SerializerMethodField()

    class Meta:
        model = Board
        fields = ["id", "workspace", "kind", "title", "guiding_question", "translations", "state", "allows", "position"]

    @extend_schema_field(BoardAllowsSerializer)
    def get_allows(self, board) -> dict:
        return allowed_activities(board.state)


class InvitationSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    country = CountryCodeField()
    status = serializers.ChoiceField(choices=["active", "revoked", "expired", "used_up"], read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "token",
            "url",
            "role",
            "country",
            "note",
            "max_uses",
            "uses",
            "expires_at",
            "revoked",
            "status",
            "created_at",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, invitation) -> str:
        path = reverse("join", args=[invitation.token])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class AcceptedInvitationSerializer(serializers.Serializer):
    created = serializers.BooleanField(help_text="False when you were already a member.")
    workspace = WorkspaceSerializer(source="membership")
    membership = MemberSerializer()


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as: Authorization: Token <token>. Shown only this once.")
    expires_at = serializers.DateTimeField()


# Input ----------------------------------------------------------------------------------------


class LoginSerializer(StrictInputSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class InvitationCreateSerializer(StrictInputSerializer):
    role = serializers.ChoiceField(choices=Role.choices, default=Role.PARTICIPANT)
    country = CountryCodeField(required=False, allow_null=True)
    max_uses = serializers.IntegerField(min_value=1, max_value=1000, default=1)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class InvitationAcceptSerializer(StrictInputSerializer):
    display_name = serializers.CharField(max_length=80, required=False, allow_blank=True)
    country = CountryCodeField(required=False, allow_null=True)


class BoardCreateSerializer(StrictInputSerializer):
    title = serializers.CharField(max_length=120)
    guiding_question = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class BoardUpdateSerializer(StrictInputSerializer):
    title = serializers.CharField(max_length=120, required=False)
    guiding_question = serializers.CharField(max_length=500, required=False, allow_blank=True)
    state = serializers.ChoiceField(choices=BoardState.choices, required=False)
    position = serializers.IntegerField(min_value=0, max_value=10_000, required=False)
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


# Cards, comments, the board snapshot ------------------------------------------------------------


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
    group_label = serializers.CharField(max_length=60, required=False, allow_blank=True)
    position = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)

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
    reason = serializers.CharField(max_length=200)


# Drafts ---------------------------------------------------------------------------------------
