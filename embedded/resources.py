"""Provision one CloudFormation resource type on the emulator, create or update.

Each function takes (stack, logical id, resolved properties) and answers
(what Ref gives, what GetAtt gives). Running it twice changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .aws import Target, client
from .intrinsics import TemplateError

Result = tuple[str, dict[str, str]]
LOG_GROUP_TAG = "liveinsight:log-group"


def _name(props: dict[str, Any], key: str, stack: str, logical_id: str) -> str:
    return props.get(key) or f"{stack}-{logical_id}"


def dynamodb_table(target: Target, stack: str, logical_id: str, props: dict[str, Any]) -> Result:
    ddb = client("dynamodb", target)
    name = _name(props, "TableName", stack, logical_id)
    keys = ("AttributeDefinitions", "KeySchema", "BillingMode", "ProvisionedThroughput",
            "GlobalSecondaryIndexes", "LocalSecondaryIndexes", "Tags")
    spec = {k: props[k] for k in keys if k in props}
    if "StreamSpecification" in props:
        spec["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
    try:
        table = ddb.create_table(TableName=name, **spec)["TableDescription"]
    except ddb.exceptions.ResourceInUseException:
        table = ddb.describe_table(TableName=name)["Table"]
    ttl = props.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled"):
        current = ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        if current.get("TimeToLiveStatus") != "ENABLED":
            ddb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
    pitr = props.get("PointInTimeRecoverySpecification")
    if pitr:
        ddb.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification=pitr)
    attrs = {"Arn": table["TableArn"], "StreamArn": table.get("LatestStreamArn", "")}
    return name, attrs


def iam_role(target: Target, stack: str, logical_id: str, props: dict[str, Any]) -> Result:
    iam = client("iam", target)
    name = _name(props, "RoleName", stack, logical_id)[:64]
    try:
        role = iam.create_role(
            RoleName=name,
            Path=props.get("Path", "/"),
            AssumeRolePolicyDocument=json.dumps(props["AssumeRolePolicyDocument"]),
        )["Role"]
    except iam.exceptions.EntityAlreadyExistsException:
        role = iam.get_role(RoleName=name)["Role"]
    for arn in props.get("ManagedPolicyArns", []):
        iam.attach_role_policy(RoleName=name, PolicyArn=arn)
    for policy in props.get("Policies", []):
        iam.put_role_policy(
            RoleName=name,
            PolicyName=policy["PolicyName"],
            # IAM defaults a missing Version; moto refuses it.
            PolicyDocument=json.dumps({"Version": "2012-10-17", **policy["PolicyDocument"]}),
        )
    return name, {"Arn": role["Arn"], "RoleId": role["RoleId"]}


def log_group(target: Target, stack: str, logical_id: str, props: dict[str, Any]) -> Result:
    logs = client("logs", target)
    name = _name(props, "LogGroupName", stack, logical_id)
    try:
        logs.create_log_group(logGroupName=name)
    except logs.exceptions.ResourceAlreadyExistsException:
        pass
    if "RetentionInDays" in props:
        logs.put_retention_policy(logGroupName=name, retentionInDays=int(props["RetentionInDays"]))
    arn = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"][0]["arn"]
    return name, {"Arn": arn}


def sns_topic(target: Target, stack: str, logical_id: str, props: dict[str, Any]) -> Result:
    sns = client("sns", target)
    name = _name(props, "TopicName", stack, logical_id)
    arn = sns.create_topic(Name=name)["TopicArn"]
    for sub in props.get("Subscription", []):
        sns.subscribe(TopicArn=arn, Protocol=sub["Protocol"], Endpoint=sub["Endpoint"])
    return arn, {"TopicArn": arn, "TopicName": name}


def sns_subscription(target: Target, stack: str, logical_id: str, props: dict[str, Any]) -> Result:
    arn = client("sns", target).subscribe(
        TopicArn=props["TopicArn"], Protocol=props["Protocol"], Endpoint=props["Endpoint"],
        ReturnSubscriptionArn=True,
    )["SubscriptionArn"]
    return arn, {}


def lambda_function(target: Target, stack: str, logical_id: str, props: dict[str, Any]) -> Result:
    aws_lambda = client("lambda", target)
    name = _name(props, "FunctionName", stack, logical_id)
    config = {
        "Role": props["Role"],
        "Handler": props["Handler"],
        "Runtime": props["Runtime"],
        "Timeout": int(props.get("Timeout", 3)),
        "MemorySize": int(props.get("MemorySize", 128)),
        "Description": props.get("Description", ""),
        "Environment": {"Variables": {k: str(v) for k, v in props.get("Environment", {}).get("Variables", {}).items()}},
    }
    code = props["Code"]
    try:
        current = aws_lambda.get_function(FunctionName=name)
    except aws_lambda.exceptions.ResourceNotFoundException:
        arn = aws_lambda.create_function(FunctionName=name, Code=code, **config)["FunctionArn"]
    else:
        arn = current["Configuration"]["FunctionArn"]
        aws_lambda.update_function_code(FunctionName=name, S3Bucket=code["S3Bucket"], S3Key=code["S3Key"])
        aws_lambda.update_function_configuration(FunctionName=name, **config)
    if "ReservedConcurrentExecutions" in props:
        aws_lambda.put_function_concurrency(
            FunctionName=name, ReservedConcurrentExecutions=int(props["ReservedConcurrentExecutions"])
        )
    log_group_name = props.get("LoggingConfig", {}).get("LogGroup", f"/aws/lambda/{name}")
    # moto drops LoggingConfig; keep the log group where the runtime can read it.
    aws_lambda.tag_resource(Resource=arn, Tags={LOG_GROUP_TAG: log_group_name})
    return name, {"Arn": arn}


def lambda_permission(target: Target, stack: str, logical_id: str, props: dict[str, Any]) -> Result:
    aws_lambda = client("lambda", target)
    spec = {k: props[k] for k in ("FunctionName", "Action", "Principal", "SourceArn") if k in props}
    try:
        aws_lambda.add_permission(StatementId=logical_id, **spec)
    except aws_lambda.exceptions.ResourceConflictException:
        pass
    return logical_id, {}


_MAPPING_FIELDS = ("BatchSize", "MaximumBatchingWindowInSeconds", "BisectBatchOnFunctionError",
                   "MaximumRetryAttempts", "MaximumRecordAgeInSeconds", "ParallelizationFactor",
                   "FunctionResponseTypes", "Enabled", "FilterCriteria", "DestinationConfig",
                   "TumblingWindowInSeconds")


def event_source_mapping(target: Target, stack: str, logical_id: str, props: dict[str, Any]) -> Result:
    """A stream's event source mapping; the embedded runtime polls it as Lambda does."""
    aws_lambda = client("lambda", target)
    spec = {k: props[k] for k in _MAPPING_FIELDS if k in props}
    for key in ("BatchSize", "MaximumBatchingWindowInSeconds", "MaximumRetryAttempts",
                "MaximumRecordAgeInSeconds", "ParallelizationFactor", "TumblingWindowInSeconds"):
        if key in spec:
            spec[key] = int(spec[key])
    existing = aws_lambda.list_event_source_mappings(FunctionName=props["FunctionName"],
                                                     EventSourceArn=props["EventSourceArn"])["EventSourceMappings"]
    if existing:
        uuid = existing[0]["UUID"]
        aws_lambda.update_event_source_mapping(UUID=uuid, **spec)
    else:
        uuid = aws_lambda.create_event_source_mapping(
            FunctionName=props["FunctionName"], EventSourceArn=props["EventSourceArn"],
            StartingPosition=props.get("StartingPosition", "TRIM_HORIZON"), **spec)["UUID"]
    return uuid, {"Id": uuid}


def http_api(target: Target, stack: str, logical_id: str, props: dict[str, Any]) -> Result:
    """An HTTP API from its OpenAPI body, as API Gateway's import builds it."""
    apigw = client("apigatewayv2", target)
    body = props.get("Body", {})
    name = body.get("info", {}).get("title") or _name(props, "Name", stack, logical_id)
    cors = _cors(body.get("x-amazon-apigateway-cors") or props.get("CorsConfiguration"))
    existing = [a for a in apigw.get_apis()["Items"] if a["Name"] == name]
    if existing:
        api_id = existing[0]["ApiId"]
        apigw.update_api(ApiId=api_id, CorsConfiguration=cors)
        for route in apigw.get_routes(ApiId=api_id)["Items"]:
            apigw.delete_route(ApiId=api_id, RouteId=route["RouteId"])
        for integration in apigw.get_integrations(ApiId=api_id)["Items"]:
            apigw.delete_integration(ApiId=api_id, IntegrationId=integration["IntegrationId"])
    else:
        api_id = apigw.create_api(Name=name, ProtocolType="HTTP", CorsConfiguration=cors)["ApiId"]
    for path, methods in body.get("paths", {}).items():
        for method, operation in methods.items():
            spec = operation.get("x-amazon-apigateway-integration")
            if not spec:
                continue
            integration = apigw.create_integration(
                ApiId=api_id,
                IntegrationType=spec["type"].upper(),
                IntegrationUri=spec["uri"],
                IntegrationMethod=spec.get("httpMethod", "POST"),
                PayloadFormatVersion=spec.get("payloadFormatVersion", "2.0"),
                TimeoutInMillis=int(spec.get("timeoutInMillis", 30000)),
            )
            verb = "ANY" if method == "x-amazon-apigateway-any-method" else method.upper()
            apigw.create_route(
                ApiId=api_id,
                RouteKey=f"{verb} {path}",
                Target=f"integrations/{integration['IntegrationId']}",
            )
    endpoint = apigw.get_api(ApiId=api_id)["ApiEndpoint"]
    return api_id, {"ApiEndpoint": endpoint, "ApiId": api_id}


def _cors(cors: dict[str, Any] | None) -> dict[str, Any]:
    if not cors:
        return {}
    fields = ("allowOrigins", "allowMethods", "allowHeaders", "exposeHeaders", "maxAge", "allowCredentials")
    lowered = {k[0].lower() + k[1:]: v for k, v in cors.items()}
    out = {}
    for key in fields:
        if key in lowered:
            value = lowered[key]
            if key.startswith(("allow", "expose")) and isinstance(value, str) and key != "allowCredentials":
                value = [v.strip() for v in value.split(",")]
            out[key[0].upper() + key[1:]] = value
    return out


def http_api_stage(target: Target, stack: str, logical_id: str, props: dict[str, Any]) -> Result:
    apigw = client("apigatewayv2", target)
    api_id, name = props["ApiId"], props["StageName"]
    stages = {s["StageName"]: s for s in apigw.get_stages(ApiId=api_id)["Items"]}
    settings = {k: v for k, v in props.get("DefaultRouteSettings", {}).items()
                if k in ("ThrottlingBurstLimit", "ThrottlingRateLimit", "DetailedMetricsEnabled")}
    for key in ("ThrottlingBurstLimit",):
        if key in settings:
            settings[key] = int(settings[key])
    if "ThrottlingRateLimit" in settings:
        settings["ThrottlingRateLimit"] = float(settings["ThrottlingRateLimit"])
    route_settings = {"DefaultRouteSettings": settings} if settings else {}
    if name in stages and (stages[name].get("DefaultRouteSettings") or {}) != settings:
        apigw.delete_stage(ApiId=api_id, StageName=name)  # moto has no UpdateStage
        del stages[name]
    if name not in stages:
        apigw.create_stage(ApiId=api_id, StageName=name, AutoDeploy=bool(props.get("AutoDeploy", False)),
                           **route_settings)
    return name, {}


def cloudwatch_alarm(target: Target, stack: str, logical_id: str, props: dict[str, Any]) -> Result:
    name = _name(props, "AlarmName", stack, logical_id)
    spec = {k: v for k, v in props.items() if k != "AlarmName"}
    for key in ("Period", "EvaluationPeriods", "DatapointsToAlarm"):
        if key in spec:
            spec[key] = int(spec[key])
    spec["Threshold"] = float(spec["Threshold"])
    client("cloudwatch", target).put_metric_alarm(AlarmName=name, **spec)
    alarm = client("cloudwatch", target).describe_alarms(AlarmNames=[name])["MetricAlarms"][0]
    return name, {"Arn": alarm["AlarmArn"]}


def cloudwatch_dashboard(target: Target, stack: str, logical_id: str, props: dict[str, Any]) -> Result:
    name = _name(props, "DashboardName", stack, logical_id)
    client("cloudwatch", target).put_dashboard(DashboardName=name, DashboardBody=props["DashboardBody"])
    return name, {}


PROVISIONERS: dict[str, Callable[[Target, str, str, dict[str, Any]], Result]] = {
    "AWS::DynamoDB::Table": dynamodb_table,
    "AWS::IAM::Role": iam_role,
    "AWS::Logs::LogGroup": log_group,
    "AWS::SNS::Topic": sns_topic,
    "AWS::SNS::Subscription": sns_subscription,
    "AWS::Lambda::Function": lambda_function,
    "AWS::Lambda::Permission": lambda_permission,
    "AWS::Lambda::EventSourceMapping": event_source_mapping,
    "AWS::ApiGatewayV2::Api": http_api,
    "AWS::ApiGatewayV2::Stage": http_api_stage,
    "AWS::CloudWatch::Alarm": cloudwatch_alarm,
    "AWS::CloudWatch::Dashboard": cloudwatch_dashboard,
}


def provision(target: Target, resource_type: str, stack: str, logical_id: str, props: dict[str, Any]) -> Result:
    try:
        provisioner = PROVISIONERS[resource_type]
    except KeyError:
        raise TemplateError(
            f"{logical_id}: the embedded target cannot provision {resource_type} "
            f"(supported: {', '.join(sorted(PROVISIONERS))})"
        ) from None
    return provisioner(target, stack, logical_id, props)
