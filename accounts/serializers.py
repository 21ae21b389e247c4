"""What the token API reads and answers: a sign-in by name and password, and the token it gives."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from workspace.serializers import StrictInputSerializer


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as: Authorization: Token <token>. Shown only this once.")
    expires_at = serializers.DateTimeField()


class LoginSerializer(StrictInputSerializer):
    username = serializers.CharField(max_length=get_user_model()._meta.get_field("username").max_length)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


