"""Publish a site to the ingest's Sites table, where the Lambda enforces its origins
and counts its funnels."""

import json

import stack

from .models import Site


def publish(site: Site) -> None:
    stack.dynamodb().put_item(
        TableName=stack.table("SitesTableName"),
        Item={
            "site_id": {"S": site.site_id},
            "name": {"S": site.name},
            "allowed_origins": {"L": [{"S": o} for o in site.allowed_origins]},
            "funnels": {"S": json.dumps(site.funnels)},
        },
    )


def owned(user, site_id: str) -> Site | None:  # type: ignore[no-untyped-def]
    return Site.objects.filter(owner=user, site_id=site_id).first()
