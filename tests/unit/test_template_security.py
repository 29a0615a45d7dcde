"""What the AWS templates promise an attacker cannot do: reach the dashboard's load balancer
around CloudFront, read its traffic, guess its origin secret, flood the API past its stage
limits, or use the ingest function's role for more than it needs."""

import boto3
import pytest
from moto import mock_aws

from embedded import cloud, template
from embedded.aws import Target
from embedded.intrinsics import TemplateError
from embedded.settings import ROOT, TEMPLATE
from layout import events

WEB = ROOT / "infra" / "web.yaml"
WEB_PARAMETERS = {"StackLabel": "s", "Image": "i", "VpcId": "vpc-1", "SubnetIds": "a,b", "PrivateSubnetIds": "c,d",
                  "StackOutputs": "{}",
                  "IngestUrl": "u", "TableArns": "a", "SitesTableArn": "a", "HostedZoneId": "Z1",
                  "OriginDomainName": "origin.example.com", "CloudFrontPrefixListId": "pl-3b927c52"}


def web_resources():
    return template.load(WEB)["Resources"]


def test_cloudfront_reaches_the_load_balancer_over_https_only():
    resources = web_resources()
    origin = resources["Distribution"]["Properties"]["DistributionConfig"]["Origins"][0]

    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert origin["CustomOriginConfig"]["OriginSSLProtocols"] == ["TLSv1.2"]
    assert origin["DomainName"] == {"Ref": "OriginDomainName"}  # a name a certificate covers
    listeners = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::ElasticLoadBalancingV2::Listener"]
    assert [(p["Protocol"], p["Port"]) for p in listeners] == [("HTTPS", 443)]


def test_the_load_balancer_admits_only_cloudfronts_origin_facing_addresses():
    groups = [r["Properties"] for r in web_resources().values() if r["Type"] == "AWS::EC2::SecurityGroup"]
    rules = [rule for group in groups for rule in group.get("SecurityGroupIngress", [])]

    assert not [rule for rule in rules if "CidrIp" in rule or "CidrIpv6" in rule]  # nothing open to an address range
    balancer = web_resources()["LoadBalancerSecurityGroup"]["Properties"]["SecurityGroupIngress"]
    assert balancer == [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                         "SourcePrefixListId": {"Ref": "CloudFrontPrefixListId"}}]


def test_the_origin_secret_is_random_kept_in_secrets_manager_and_rotatable():
    resources = web_resources()
    secret = resources["OriginSecret"]
    header = resources["Distribution"]["Properties"]["DistributionConfig"]["Origins"][0]["OriginCustomHeaders"][0]
    accepted = resources["FromCloudFront"]["Properties"]["Conditions"][0]["HttpHeaderConfig"]["Values"]

    assert secret["Type"] == "AWS::SecretsManager::Secret"
    assert secret["Properties"]["GenerateSecretString"]["PasswordLength"] >= 32
    sent_now, sent_rotated = header["HeaderValue"]["Fn::If"][1:][::-1]
    assert "{{resolve:secretsmanager:${OriginSecret}:SecretString}}" in str(sent_now)
    assert "${OriginSecretVersion}" in str(sent_rotated)
    # after a rotation the load balancer takes the new value and the previous one while CloudFront switches
    condition, rotated, plain = accepted["Fn::If"]
    assert condition == "HasSecretVersion" and "AWSPREVIOUS" in str(rotated[1]) and len(plain) == 1
    assert resources["Distribution"]["DependsOn"] == "FromCloudFront"
    assert "StackId" not in str(resources)  # the stack's id is no secret


def test_the_web_tier_refuses_parameters_that_would_leave_it_without_https():
    sam = template.load(WEB)
    assert template.parameter_values(sam, WEB_PARAMETERS)["OriginDomainName"] == "origin.example.com"
    with pytest.raises(TemplateError, match="HostedZoneId must be given"):
        template.parameter_values(sam, {**WEB_PARAMETERS, "HostedZoneId": ""})
    with pytest.raises(TemplateError, match="OriginDomainName"):
        template.parameter_values(sam, {**WEB_PARAMETERS, "OriginDomainName": "not a host"})
    with pytest.raises(TemplateError, match="WebOriginDomainName"):
        template.parameter_values(template.load(TEMPLATE), {"WebImage": "registry/app:1"})


def test_aws_deploys_find_cloudfronts_prefix_list(monkeypatch):
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_EC2", raising=False)
    with mock_aws():
        found = cloud.cloudfront_prefix_list(Target(None, "eu-west-1", "testing", "testing"))
        listed = boto3.client("ec2", region_name="eu-west-1").describe_managed_prefix_lists()["PrefixLists"]

    assert found == next(p["PrefixListId"] for p in listed if p["PrefixListName"] == cloud.CLOUDFRONT_ORIGIN_FACING)


def test_the_http_api_stage_is_throttled_by_parameters():
    api = template.load(TEMPLATE)["Resources"]["HttpApi"]["Properties"]

    assert api["DefaultRouteSettings"] == {"ThrottlingRateLimit": {"Ref": "ApiThrottlingRateLimit"},
                                           "ThrottlingBurstLimit": {"Ref": "ApiThrottlingBurstLimit"}}


def test_the_ingest_role_may_only_read_sites_and_check_and_add_events():
    resources = template.load(TEMPLATE)["Resources"]
    statements = resources["IngestFunction"]["Properties"]["Policies"][0]["Statement"]
    allowed = {(s["Resource"]["Fn::GetAtt"][0], action) for s in statements for action in s["Action"]}

    assert allowed == {("EventsTable", "dynamodb:BatchGetItem"), ("EventsTable", "dynamodb:BatchWriteItem"),
                       ("SitesTable", "dynamodb:BatchGetItem"), ("SitesTable", "dynamodb:GetItem")}
    # an event's key starts with its site, so one site's event id can never overwrite another's
    keys = resources["EventsTable"]["Properties"]["KeySchema"]
    assert [(k["AttributeName"], k["KeyType"]) for k in keys] == [("pk", "HASH"), ("event_id", "RANGE")]
    assert events.key("shop", "v-1", "e-1") != events.key("rival", "v-1", "e-1")
    assert events.split_key(events.key("rival", "v-1", "e-1")["pk"]["S"]) == ("rival", "v-1")
