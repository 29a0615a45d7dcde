"""Plain DRF serializers: query parameters in, DynamoDB-derived data out."""

from rest_framework import serializers
from sites_app.models import SITE_ID, Site


class SiteQuery(serializers.Serializer):
    site = serializers.CharField(max_length=64, validators=[SITE_ID])


class RealtimeQuery(SiteQuery):
    minutes = serializers.IntegerField(min_value=1, max_value=180, default=30)
    top = serializers.IntegerField(min_value=1, max_value=100, default=10)


class ActiveSession(serializers.Serializer):
    sid = serializers.CharField()
    visitor = serializers.CharField()
    start = serializers.IntegerField(help_text="ms since the epoch")
    last = serializers.IntegerField(help_text="ms since the epoch")
    page = serializers.CharField()
    pageviews = serializers.IntegerField()
    src = serializers.CharField(help_text="UTM source, referring site or direct")
    device = serializers.CharField()


class ActiveSessions(serializers.Serializer):
    site = serializers.CharField()
    count = serializers.IntegerField()
    sessions = ActiveSession(many=True)


class Named(serializers.Serializer):
    name = serializers.CharField()
    count = serializers.IntegerField()


class Minute(serializers.Serializer):
    minute = serializers.IntegerField(help_text="seconds since the epoch")
    pageviews = serializers.IntegerField()
    visitors = serializers.IntegerField()
    sessions = serializers.IntegerField()
    conversions = serializers.IntegerField()


class Realtime(serializers.Serializer):
    site = serializers.CharField()
    active_visitors = serializers.IntegerField()
    active_sessions = serializers.IntegerField()
    per_minute = Minute(many=True)
    top_pages = Named(many=True)
    top_sources = Named(many=True)


class SiteSerializer(serializers.ModelSerializer):
    allowed_origins = serializers.ListField(child=serializers.URLField(), allow_empty=True, max_length=20)

    class Meta:
        model = Site
        fields = ["site_id", "name", "allowed_origins", "created"]
        read_only_fields = ["created"]
