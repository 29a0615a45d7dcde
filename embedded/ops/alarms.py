"""CloudWatch alarm evaluation for moto, which stores alarms but never evaluates them.

Every EVAL_S each metric alarm is evaluated as CloudWatch does: its statistic over each of
the last EvaluationPeriods periods (the newest is the period in progress), M of N
datapoints breaching (DatapointsToAlarm, default N), the comparison against the threshold,
and TreatMissingData (missing, notBreaching, breaching, ignore) for periods without data.
A state change is written to the alarm with CloudWatch's reason text and kept in its
history, and the alarm's actions for the new state are published to their SNS topics in
CloudWatch's notification format.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from moto.cloudwatch.models import CloudWatchBackend, cloudwatch_backends
from moto.sns.models import sns_backends

EVAL_S = 10.0
COMPARE = {
    "GreaterThanOrEqualToThreshold": (lambda v, t: v >= t, "greater than or equal to"),
    "GreaterThanThreshold": (lambda v, t: v > t, "greater than"),
    "LessThanThreshold": (lambda v, t: v < t, "less than"),
    "LessThanOrEqualToThreshold": (lambda v, t: v <= t, "less than or equal to"),
}
UNCHECKED = "Unchecked"  # moto's reason for an alarm nothing has evaluated yet
_created: list[dict[str, Any]] = []  # state changes made as alarms were created
REGION_NAMES = {"us-east-1": "US East (N. Virginia)", "us-west-2": "US West (Oregon)", "eu-west-1": "EU (Ireland)"}


def _recent(backend: Any, since: dt.datetime) -> list[Any]:
    """Data points newer than `since`, walking moto's append-only list from its end."""
    out = []
    slack = since - dt.timedelta(minutes=10)  # points may arrive a little out of order
    for datum in reversed(backend.metric_data):
        stamp = _aware(datum.timestamp)
        if stamp < slack:
            break
        if stamp >= since:
            out.append(datum)
    return out


def _statistic(points: list[Any], statistic: str) -> float:
    """A statistic over moto's data: single values, and statistic sets (sum, sample_count,
    min, max), as PutMetricData's Values and StatisticValues leave them."""
    values = [p.value for p in points if hasattr(p, "value")]
    sets = [p for p in points if not hasattr(p, "value")]
    sums = sum(values) + sum(float(p.sum) for p in sets)
    count = len(values) + sum(float(p.sample_count) for p in sets)
    if statistic == "Sum":
        return float(sums)
    if statistic == "SampleCount":
        return float(count)
    if statistic == "Average":
        return float(sums / count) if count else 0.0
    lows = values + [float(p.min) for p in sets]
    highs = values + [float(p.max) for p in sets]
    return float(min(lows)) if statistic == "Minimum" else float(max(highs))


def datapoints(backend: Any, alarm: Any, now: dt.datetime) -> list[tuple[dt.datetime, float | None]]:
    """(period start, statistic or None when the period has no data), oldest first."""
    period = dt.timedelta(seconds=int(alarm.period))
    newest = dt.datetime.fromtimestamp(int(now.timestamp()) // alarm.period * alarm.period, dt.UTC)
    first = newest - period * (int(alarm.evaluation_periods) - 1)
    wanted = {(d.name, d.value) for d in alarm.dimensions}
    points = [p for p in _recent(backend, first) if p.namespace == alarm.namespace and p.name == alarm.metric_name
              and {(d.name, d.value) for d in p.dimensions} == wanted]
    out: list[tuple[dt.datetime, float | None]] = []
    for i in range(int(alarm.evaluation_periods)):
        start = first + period * i
        inside = [p for p in points if start <= _aware(p.timestamp) < start + period]
        out.append((start, _statistic(inside, alarm.statistic) if inside else None))
    return out


def _aware(stamp: dt.datetime) -> dt.datetime:
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


def decide(alarm: Any, points: list[tuple[dt.datetime, float | None]]) -> tuple[str, str, list[Any]]:
    """The alarm's state from its data points, with CloudWatch's reason and the points used."""
    compare, words = COMPARE[alarm.comparison_operator]
    treat = alarm.treat_missing_data or "missing"
    needed = int(alarm.datapoints_to_alarm or alarm.evaluation_periods)
    present = [(t, v) for t, v in points if v is not None]
    if not present and treat in ("missing", "ignore"):
        return ("INSUFFICIENT_DATA" if treat == "missing" else alarm.state_value,
                f"Insufficient Data: {_count(len(points), 'datapoint')} {_were(len(points))} unknown.", [])
    if not present:  # CloudWatch words a period with no data at all so
        n, as_what = len(points), "Breaching" if treat == "breaching" else "NonBreaching"
        return ("ALARM" if as_what == "Breaching" and n >= needed else "OK",
                f"Threshold Crossed: no datapoints were received for {_count(n, 'period')} and "
                f"{_count(n, 'missing datapoint')} {_were(n)} treated as [{as_what}].", [])
    breaching = [(t, v) for t, v in present if compare(v, alarm.threshold)]
    missing = len(points) - len(present)
    bad = len(breaching) + (missing if treat == "breaching" else 0)
    shown = ", ".join(f"{v} ({t:%d/%m/%y %H:%M:%S})" for t, v in reversed(present))
    if bad >= needed:
        reason = (f"Threshold Crossed: {bad} out of the last {len(points)} datapoints [{shown}] "
                  f"{'was' if bad == 1 else 'were'} {words} the threshold ({alarm.threshold}) "
                  f"(minimum {needed} datapoint{'s' if needed > 1 else ''} for OK -> ALARM transition).")
    else:
        good = len(points) - bad
        reason = (f"Threshold Crossed: {good} out of the last {len(points)} datapoints [{shown}] "
                  f"{'was' if good == 1 else 'were'} not {words} the threshold ({alarm.threshold}) "
                  f"(minimum 1 datapoint for ALARM -> OK transition).")
    return ("ALARM" if bad >= needed else "OK"), reason, present


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def _were(n: int) -> str:
    return "was" if n == 1 else "were"


def notification(alarm: Any, account: str, region: str, old: str, reason: str, at: dt.datetime) -> dict[str, Any]:
    """An alarm state change as CloudWatch sends it to SNS."""
    return {
        "AlarmName": alarm.name, "AlarmDescription": alarm.description, "AWSAccountId": account,
        "AlarmConfigurationUpdatedTimestamp": _stamp(alarm.configuration_updated_timestamp),
        "NewStateValue": alarm.state_value, "NewStateReason": reason, "StateChangeTime": _stamp(at),
        "Region": REGION_NAMES.get(region, region), "AlarmArn": alarm.alarm_arn, "OldStateValue": old,
        "OKActions": alarm.ok_actions, "AlarmActions": alarm.alarm_actions,
        "InsufficientDataActions": alarm.insufficient_data_actions,
        "Trigger": {
            "MetricName": alarm.metric_name, "Namespace": alarm.namespace, "StatisticType": "Statistic",
            "Statistic": str(alarm.statistic).upper(), "Unit": alarm.unit,
            "Dimensions": [{"value": d.value, "name": d.name} for d in alarm.dimensions],
            "Period": alarm.period, "EvaluationPeriods": alarm.evaluation_periods,
            "DatapointsToAlarm": alarm.datapoints_to_alarm, "ComparisonOperator": alarm.comparison_operator,
            "Threshold": alarm.threshold, "TreatMissingData": alarm.treat_missing_data or "missing",
            "EvaluateLowSampleCountPercentile": "",
        },
    }


def _stamp(at: dt.datetime) -> str:
    return _aware(at).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000"


def evaluate(now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Evaluate every alarm once; answers the state changes made (with those made at creation)."""
    now = now or dt.datetime.now(dt.UTC)
    changes, _created[:] = list(_created), []
    for account, regions in list(cloudwatch_backends.items()):
        for region, backend in list(regions.items()):
            for alarm in list(backend.alarms.values()):
                change = _evaluate_one(account, region, backend, alarm, now)
                if change:
                    changes.append(change)
    return changes


def _evaluate_one(account: str, region: str, backend: Any, alarm: Any, now: dt.datetime) -> dict[str, Any] | None:
    if not alarm.metric_name or alarm.comparison_operator not in COMPARE:
        return None  # metric-math and composite alarms are not evaluated
    state, reason, used = decide(alarm, datapoints(backend, alarm, now))
    if state == alarm.state_value and not alarm.state_reason.startswith(UNCHECKED):
        return None
    old = alarm.state_value
    data = {"version": "1.0", "queryDate": _stamp(now), "statistic": alarm.statistic, "period": alarm.period,
            "recentDatapoints": [v for _, v in used], "threshold": alarm.threshold}
    alarm.update_state(reason, json.dumps(data), state)
    if state == old:  # a new alarm's first evaluation: its reason, no transition
        return None
    message = notification(alarm, account, region, old, reason, now)
    actions = {"ALARM": alarm.alarm_actions, "OK": alarm.ok_actions,
               "INSUFFICIENT_DATA": alarm.insufficient_data_actions}[state]
    for arn in actions if alarm.actions_enabled else []:
        if ":sns:" in arn:
            subject = f'{state}: "{alarm.name}" in {REGION_NAMES.get(region, region)}'[:99]
            sns_backends[account][arn.split(":")[3]].publish(json.dumps(message), arn=arn, subject=subject)
    return {"alarm": alarm.name, "from": old, "to": state, "reason": reason, "at": _stamp(now)}


def install() -> None:
    """A new alarm starts in INSUFFICIENT_DATA, as on CloudWatch, and is evaluated at once, so
    its reason is CloudWatch's from the start; an alarm put again keeps its state."""
    create = CloudWatchBackend.put_metric_alarm
    if getattr(create, "installed", False):
        return

    def put_metric_alarm(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        before = self.alarms.get(name)
        alarm = create(self, name, *args, **kwargs)
        if before is not None:
            alarm.state_value, alarm.state_reason = before.state_value, before.state_reason
            alarm.state_reason_data = before.state_reason_data
            alarm.state_updated_timestamp, alarm.history = before.state_updated_timestamp, before.history
            return alarm
        alarm.state_value = "INSUFFICIENT_DATA"
        change = _evaluate_one(self.account_id, self.region_name, self, alarm, dt.datetime.now(dt.UTC))
        if change:
            _created.append(change)  # reported with the next evaluation's
        return alarm

    put_metric_alarm.installed = True  # type: ignore[attr-defined]
    CloudWatchBackend.put_metric_alarm = put_metric_alarm  # type: ignore[method-assign]


def evaluate_and_report(on_change: Any) -> None:
    for change in evaluate():
        on_change(change)
