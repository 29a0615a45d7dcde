"""The dashboard's tier on AWS (infra/web.yaml), read as the deploy reads it: PostgreSQL
out of reach but for the tasks, at least two tasks scaled on load, migrations that fail a
deploy, and live streams that pass CloudFront and the load balancer uncached and unbroken."""

import re
import sys
import types
from typing import Any

import pytest

from embedded import template
from embedded.settings import ROOT

RESOURCES = template.load(ROOT / "infra" / "web.yaml")["Resources"]
PARAMETERS = template.load(ROOT / "infra" / "web.yaml")["Parameters"]
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
KEEPALIVE_S = float(re.search(r"^KEEPALIVE_S = ([\d.]+)", (ROOT / "django_app" / "dashboard" / "views.py")
                              .read_text(), re.M).group(1))


def properties(name: str) -> dict[str, Any]:
    return RESOURCES[name]["Properties"]


def test_the_database_is_encrypted_private_and_reached_from_the_tasks_only():
    db = properties("Database")
    assert db["Engine"] == "postgres" and db["StorageEncrypted"] is True and db["PubliclyAccessible"] is False
    assert db["DBSubnetGroupName"] == {"Ref": "DatabaseSubnets"}
    assert properties("DatabaseSubnets")["SubnetIds"] == {"Ref": "PrivateSubnetIds"}
    assert properties("DatabaseSecurityGroup")["SecurityGroupIngress"] == [
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "SourceSecurityGroupId": {"Ref": "TaskSecurityGroup"}}]
    assert db["BackupRetentionPeriod"] == {"Ref": "DatabaseBackupDays"}
    assert db["DeletionProtection"] == {"Ref": "DatabaseDeletionProtection"}
    assert RESOURCES["Database"]["DeletionPolicy"] == "Snapshot"
    # the password is generated into Secrets Manager: in no parameter, URL or environment variable
    assert "resolve:secretsmanager:${DatabaseSecret}" in str(db["MasterUserPassword"])
    container = properties("TaskDefinition")["ContainerDefinitions"][0]
    url = next(e["Value"] for e in container["Environment"] if e["Name"] == "DATABASE_URL")
    assert str(url).startswith("{'Fn::Sub': 'postgres://liveinsight@") and "sslmode=require" in str(url)
    password = {"Name": "DATABASE_PASSWORD", "ValueFrom": {"Fn::Sub": "${DatabaseSecret}:password::"}}
    assert password in container["Secrets"]


def test_no_file_system_is_left():
    assert not [name for name, r in RESOURCES.items() if r["Type"].startswith("AWS::EFS::")]
    assert "Volumes" not in properties("TaskDefinition")


def test_at_least_two_tasks_scale_on_cpu_and_on_requests():
    assert PARAMETERS["MinTasks"]["MinValue"] >= 2 and PARAMETERS["MinTasks"]["Default"] >= 2
    service = properties("Service")
    assert "DesiredCount" not in service  # the scaling target owns it, so a deploy does not reset it
    assert service["DeploymentConfiguration"]["MinimumHealthyPercent"] == 100
    assert service["NetworkConfiguration"]["AwsvpcConfiguration"]["Subnets"] == {"Ref": "SubnetIds"}  # two zones
    assert "two" in PARAMETERS["SubnetIds"]["Description"].lower()
    target = properties("ScalableTarget")
    assert (target["MinCapacity"], target["MaxCapacity"]) == ({"Ref": "MinTasks"}, {"Ref": "MaxTasks"})
    metrics = {properties(p)["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"]
               ["PredefinedMetricType"] for p in ("CpuScaling", "RequestScaling")}
    assert metrics == {"ECSServiceAverageCPUUtilization", "ALBRequestCountPerTarget"}


def test_new_tasks_wait_for_the_migrations():
    assert "Migrations" in RESOURCES["Service"]["DependsOn"]
    assert properties("Migrations")["TaskDefinition"] == {"Ref": "TaskDefinition"}  # once per deploy


def test_live_streams_are_never_cached_and_outlast_their_keepalive():
    config = properties("Distribution")["DistributionConfig"]
    behaviors = {b["PathPattern"]: b["CachePolicyId"] for b in config["CacheBehaviors"]}
    assert [p for p, policy in behaviors.items() if policy != CACHING_DISABLED] == ["/static/*"]
    assert {"/api/*", "/sites/*/stream", "/share/*"} <= set(behaviors)
    assert config["DefaultCacheBehavior"]["CachePolicyId"] == CACHING_DISABLED
    assert config["Origins"][0]["CustomOriginConfig"]["OriginReadTimeout"] > KEEPALIVE_S * 2
    idle = {a["Key"]: a["Value"] for a in properties("LoadBalancer")["LoadBalancerAttributes"]}
    assert int(idle["idle_timeout.timeout_seconds"]) > KEEPALIVE_S * 2


class FakeEcs:
    def __init__(self, exit_code: int | None, failures: list[dict[str, str]] | None = None) -> None:
        self.exit_code, self.failures, self.ran = exit_code, failures or [], []

    def run_task(self, **request: Any) -> dict[str, Any]:
        self.ran.append(request)
        return {"failures": self.failures, "tasks": [] if self.failures else [{"taskArn": "arn:task/1"}]}

    def describe_tasks(self, **_: Any) -> dict[str, Any]:
        return {"tasks": [{"lastStatus": "STOPPED", "stoppedReason": "Essential container in task exited",
                           "containers": [{"exitCode": self.exit_code}]}]}


@pytest.fixture
def migration(monkeypatch):
    """The migration function's inline code, with ECS and CloudFormation's reply stood in
    for (this machine runs no Fargate task)."""
    sent: list[dict[str, Any]] = []
    reply = types.ModuleType("cfnresponse")
    reply.SUCCESS, reply.FAILED = "SUCCESS", "FAILED"  # type: ignore[attr-defined]
    reply.send = lambda event, context, status, data, physical, reason=None: sent.append(  # type: ignore[attr-defined]
        {"status": status, "physical": physical, "reason": reason})
    monkeypatch.setitem(sys.modules, "cfnresponse", reply)
    code: dict[str, Any] = {}
    exec(properties("MigrationFunction")["Code"]["ZipFile"], code)  # noqa: S102 - our own template's code

    def run(ecs: FakeEcs, kind: str = "Update") -> dict[str, Any]:
        code["boto3"] = types.SimpleNamespace(client=lambda _: ecs)
        code["time"] = types.SimpleNamespace(sleep=lambda _: None)
        event = {"RequestType": kind, "PhysicalResourceId": "old", "ResourceProperties": {
            "TaskDefinition": "arn:td/web:7", "Cluster": "c", "Subnets": ["a", "b"], "SecurityGroups": ["g"]}}
        code["handler"](event, types.SimpleNamespace(get_remaining_time_in_millis=lambda: 600_000))
        return sent[-1]

    return run


def test_a_migration_that_exits_0_lets_the_deploy_go_on(migration):
    ecs = FakeEcs(exit_code=0)
    assert migration(ecs) == {"status": "SUCCESS", "physical": "arn:td/web:7", "reason": None}
    command = ecs.ran[0]["overrides"]["containerOverrides"][0]["command"]
    assert command[-2:] == ["migrate", "--noinput"] and ecs.ran[0]["taskDefinition"] == "arn:td/web:7"


def test_a_failed_migration_fails_the_deploy_with_its_reason(migration):
    failed = migration(FakeEcs(exit_code=1))
    assert failed["status"] == "FAILED" and "migrate exited 1" in failed["reason"]
    unstarted = migration(FakeEcs(exit_code=None, failures=[{"reason": "RESOURCE:MEMORY"}]))
    assert unstarted["status"] == "FAILED" and "did not start" in unstarted["reason"]


def test_deleting_runs_nothing(migration):
    ecs = FakeEcs(exit_code=1)
    assert migration(ecs, "Delete")["status"] == "SUCCESS" and not ecs.ran
