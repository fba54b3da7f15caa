#!/usr/bin/env python3
"""Reads the `/metrics` scrape the integration suite kept with the Prometheus
project's own OpenMetrics parser (prometheus_client), and checks that every
family the README lists is there with the type Prometheus will see.

usage: validate_metrics.py target/test-metrics/scrape.txt
"""
import sys

from prometheus_client.openmetrics.parser import text_string_to_metric_families

EXPECTED = {
    "courseware_http_requests": "counter",
    "courseware_http_request_duration_seconds": "histogram",
    "courseware_jobs": "gauge",
    "courseware_job_duration_seconds": "histogram",
    "courseware_queue_depth": "gauge",
    "courseware_workers_busy": "gauge",
    "courseware_workers": "gauge",
    "courseware_llm_calls": "counter",
    "courseware_llm_tokens": "counter",
    "courseware_llm_cost_usd": "counter",
    "courseware_s3_uploads": "counter",
    "courseware_s3_upload_failures": "counter",
    "courseware_db_connections": "gauge",
    "courseware_build_info": "gauge",
}

text = open(sys.argv[1]).read()
families = {f.name: f for f in text_string_to_metric_families(text)}
problems = []
# Families filled from token_usage have no samples before the first model
# call (the suite's scrape follows an offline job), and OpenMetrics drops
# empty families; present, they must have their type.
SPEND = {"courseware_llm_calls", "courseware_llm_tokens", "courseware_llm_cost_usd"}
for name, kind in EXPECTED.items():
    if name not in families and name in SPEND:
        continue
    if name not in families:
        problems.append(f"{name}: missing")
    elif families[name].type != kind:
        problems.append(f"{name}: {families[name].type}, expected {kind}")
jobs = {s.labels.get("status"): s.value for s in families["courseware_jobs"].samples} if "courseware_jobs" in families else {}
if jobs.get("complete") != 1:
    problems.append(f"courseware_jobs{{status=complete}} = {jobs.get('complete')}, expected 1")
for p in problems:
    print("FAIL", p)
print(f"/metrics: {len(families)} families parsed by prometheus_client's OpenMetrics parser, {len(problems)} problems")
sys.exit(1 if problems else 0)
