"""Plain DRF serializers: query parameters in, DynamoDB-derived data out."""

import datetime as dt

from rest_framework import serializers
from sites_app import funnels
from sites_app.models import SITE_ID, SharedLink, Site

from .history import DIMENSIONS


class SiteQuery(serializers.Serializer):
    site = serializers.CharField(max_length=64, validators=[SITE_ID])


class ActiveQuery(SiteQuery):
    limit = serializers.IntegerField(min_value=1, max_value=1000, default=100,
                                     help_text="at most this many sessions, the most recent; `count` has them all")


class RealtimeQuery(SiteQuery):
    minutes = serializers.IntegerField(min_value=1, max_value=180, default=30)
    top = serializers.IntegerField(min_value=1, max_value=100, default=10)


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


class RangeQuery(SiteQuery):
    """A range of whole UTC days; both ends included."""

    MAX_DAYS = 400
    from_ = serializers.DateField(required=False, help_text="first UTC day, YYYY-MM-DD; default 6 days before `to`")
    to = serializers.DateField(required=False, help_text="last UTC day, YYYY-MM-DD; default today")

    def get_fields(self):  # type: ignore[no-untyped-def]
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields

    def validate(self, attrs):  # type: ignore[no-untyped-def]
        last = attrs.get("to") or _today()
        first = attrs.get("from") or last - dt.timedelta(days=6)
        if first > last:
            raise serializers.ValidationError({"from": "must not be after `to`"})
        if last > _today() + dt.timedelta(days=1):
            raise serializers.ValidationError({"to": "must not be in the future"})
        if (last - first).days >= self.MAX_DAYS:
            raise serializers.ValidationError({"from": f"a range is at most {self.MAX_DAYS} days"})
        return {**attrs, "from": first, "to": last}


class BreakdownQuery(RangeQuery):
    dimension = serializers.ChoiceField(choices=list(DIMENSIONS))
    limit = serializers.IntegerField(min_value=1, max_value=1000, default=20)


class SeriesQuery(RangeQuery):
    LONGEST = {"minute": 2, "hour": 31, "day": 400}
    interval = serializers.ChoiceField(choices=list(LONGEST), default="day")

    def validate(self, attrs):  # type: ignore[no-untyped-def]
        attrs = super().validate(attrs)
        longest = self.LONGEST[attrs["interval"]]
        if (attrs["to"] - attrs["from"]).days >= longest:
            raise serializers.ValidationError({"interval": f"{attrs['interval']} points cover at most {longest} days"})
        return attrs


class FunnelQuery(RangeQuery):
    funnel = serializers.CharField(max_length=40, help_text="the name of one of the site's funnels")


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
    at = serializers.IntegerField(help_text="when the sessions were read, ms since the epoch")
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


class Summary(serializers.Serializer):
    site = serializers.CharField()
    visitors = serializers.IntegerField(help_text="unique visitors over the whole range")
    sessions = serializers.IntegerField()
    pageviews = serializers.IntegerField()
    bounces = serializers.IntegerField(help_text="sessions with one page view and no interaction")
    bounce_rate = serializers.FloatField()
    avg_engaged_seconds = serializers.FloatField(help_text="visible time per session, from heartbeats")
    conversions = serializers.IntegerField()
    converted_sessions = serializers.IntegerField()
    conversion_rate = serializers.FloatField(help_text="converted sessions / sessions")
    conversion_value = serializers.FloatField()
    goals = serializers.DictField(child=serializers.IntegerField(), help_text="conversions per goal")


class Breakdown(serializers.Serializer):
    site = serializers.CharField()
    dimension = serializers.CharField()
    counts = serializers.CharField(help_text="pageviews or sessions")
    total = serializers.IntegerField()
    rows = Named(many=True)


class Point(serializers.Serializer):
    start = serializers.IntegerField(help_text="seconds since the epoch")
    pageviews = serializers.IntegerField()
    visitors = serializers.IntegerField()
    sessions = serializers.IntegerField()
    bounces = serializers.IntegerField()
    conversions = serializers.IntegerField()


class Series(serializers.Serializer):
    site = serializers.CharField()
    interval = serializers.CharField()
    points = Point(many=True)


class FunnelStep(serializers.Serializer):
    name = serializers.CharField()
    page = serializers.CharField(allow_null=True)
    goal = serializers.CharField(allow_null=True)
    sessions = serializers.IntegerField()
    from_previous = serializers.FloatField()
    from_start = serializers.FloatField()


class Funnel(serializers.Serializer):
    site = serializers.CharField()
    funnel = serializers.CharField()
    sessions = serializers.IntegerField()
    steps = FunnelStep(many=True)


class OpsQuery(serializers.Serializer):
    minutes = serializers.IntegerField(min_value=5, max_value=1440, default=30)


class Alarm(serializers.Serializer):
    name = serializers.CharField()
    state = serializers.CharField(help_text="OK, ALARM or INSUFFICIENT_DATA")
    reason = serializers.CharField()
    metric = serializers.CharField()
    updated = serializers.DateTimeField()


class Ops(serializers.Serializer):
    minutes = serializers.ListField(child=serializers.IntegerField(), help_text="seconds since the epoch")
    series = serializers.DictField(child=serializers.ListField(child=serializers.FloatField()),
                                   help_text="per metric, one value per minute")
    alarms = Alarm(many=True)
    alarm_history = serializers.ListField(child=serializers.DictField(), help_text="state changes, newest first")
    notifications = serializers.ListField(child=serializers.DictField(),
                                          help_text="SNS deliveries to the emulator's sink, newest first")
    faults = serializers.ListField(child=serializers.DictField(), help_text="faults injected on the emulator")
    hot_keys = serializers.ListField(child=serializers.DictField(), help_text=(
        "the emulator's hottest partition keys over the last minute: table, key, write and read units in "
        "their busiest second, largest item in bytes (a partition takes 1,000 and 3,000 a second)"))
    largest_items = serializers.DictField(child=serializers.DictField(),
                                          help_text="per table, the largest item written on the emulator")


class SiteSerializer(serializers.ModelSerializer):
    allowed_origins = serializers.ListField(child=serializers.URLField(), allow_empty=True, max_length=20)
    funnels = serializers.JSONField(required=False, help_text=(
        'up to 5 funnels: [{"name": "checkout", "steps": [{"name": "Cart", "page": "/cart/"}, '
        '{"name": "Bought", "goal": "purchase"}]}]; a page ending in * matches a prefix'))

    class Meta:
        model = Site
        fields = ["site_id", "name", "allowed_origins", "funnels", "created"]
        read_only_fields = ["created"]

    def validate_funnels(self, value):  # type: ignore[no-untyped-def]
        try:
            return funnels.check(value)
        except funnels.Invalid as error:
            raise serializers.ValidationError(str(error)) from None


class SharedLinkSerializer(serializers.ModelSerializer):
    """A shared link as listed: its first characters, never the whole token."""

    class Meta:
        model = SharedLink
        fields = ["key", "label", "created", "expires"]
        read_only_fields = fields


class NewSharedLink(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=3650, required=False,
                                    help_text="the link stops working after this many days (default: never)")
    label = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class MadeSharedLink(SharedLinkSerializer):
    """A new link, with its whole token and address: shown this once."""

    token = serializers.CharField(read_only=True)
    url = serializers.CharField(read_only=True)

    class Meta(SharedLinkSerializer.Meta):
        fields = [*SharedLinkSerializer.Meta.fields, "token", "url"]
        read_only_fields = fields
