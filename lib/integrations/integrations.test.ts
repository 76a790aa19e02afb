// The webhooks' mappings on payloads shaped as the tools document them
// (fixtures/), and the GitHub signature check.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { publishSchema } from "../shared/schemas";
import { alertGroupSchema, alertToNotification } from "./alerts";
import alertmanager from "./fixtures/alertmanager-v4.json";
import deploymentStatus from "./fixtures/github-deployment-status.json";
import workflowRun from "./fixtures/github-workflow-run.json";
import grafana from "./fixtures/grafana.json";
import { deploymentStatusNotification, GITHUB_EVENTS, isSignedByGitHub, workflowRunNotification } from "./github";

const everyone = { kind: "all" } as const;

describe("Alertmanager and Grafana payloads", () => {
  it("maps each Alertmanager v4 alert as the contract says", () => {
    const [probe, disk] = alertGroupSchema.parse(alertmanager).alerts.map((a) => alertToNotification(a, "alertmanager", { kind: "channel", channel: "ops" }).input);
    expect(probe).toEqual({
      title: "Probe failing: https://shop.example.org",
      body: "Instance https://shop.example.org has been down for over 5m. Job: http_checks",
      severity: "critical",
      link: "https://prometheus.example.org/graph?g0.expr=probe_success+%3D%3D+0&g0.tab=1",
      audience: { kind: "channel", channel: "ops" },
      collapseKey: "alertmanager:1a30ba71cca2921f",
      status: "firing",
    });
    // No summary: the alert's name; no severity label: warning; an http generator URL is no link.
    expect(disk).toMatchObject({ title: "DiskAlmostFull", body: "", severity: "warning", status: "firing" });
    expect(disk).not.toHaveProperty("link");
  });

  it("maps Grafana's payload (the same alerts[]), resolved ones included", () => {
    const [memory, cpu] = alertGroupSchema.parse(grafana).alerts.map((a) => alertToNotification(a, "grafana", everyone).input);
    expect(memory).toMatchObject({ title: "This alert was triggered for zone us-1", severity: "warning", collapseKey: "grafana:c6eadffa33fcdf37", status: "firing" });
    expect(cpu).toMatchObject({ status: "resolved", collapseKey: "grafana:bc97ff14869b13e3", link: "https://grafana.example.org/alerting/d1rdpdv7k/edit" });
  });

  it("pairs firing and resolved by fingerprint, else by the sorted labels whatever their order", () => {
    const base = { status: "firing" as const, labels: { alertname: "A", zone: "eu" }, annotations: {} };
    const firing = alertToNotification(base, "alertmanager", everyone).input;
    const resolved = alertToNotification({ ...base, status: "resolved", labels: { zone: "eu", alertname: "A" } }, "alertmanager", everyone).input;
    const other = alertToNotification({ ...base, labels: { alertname: "A", zone: "us" } }, "alertmanager", everyone).input;
    expect(firing.collapseKey).toBe(resolved.collapseKey);
    expect(other.collapseKey).not.toBe(firing.collapseKey);
    expect(firing.collapseKey!.length).toBeLessThanOrEqual(64);
  });

  it("fits long or hostile text into what the publish schema accepts", () => {
    const alert = {
      status: "firing" as const,
      labels: { alertname: "x", severity: "CRITICAL " },
      annotations: { summary: `${"🔥".repeat(200)}\u0007`, description: `line\r\none\u0000${"y".repeat(3000)}` },
      generatorURL: "javascript:alert(1)",
      fingerprint: "../../../../etc/passwd".repeat(5),
    };
    const n = alertToNotification(alert, "alertmanager", everyone).input;
    expect(publishSchema.safeParse(n).success).toBe(true);
    expect([...n.title]).toHaveLength(120);
    expect(n.title.endsWith("…")).toBe(true);
    expect(n.body.startsWith("line\none ")).toBe(true);
    expect(n.severity).toBe("critical");
    expect(n).not.toHaveProperty("link");
    expect(n.collapseKey).toMatch(/^alertmanager:[0-9a-f]{32}$/);
  });

  it("refuses payloads that are not theirs, naming the field", () => {
    const fieldOf = (payload: unknown) => alertGroupSchema.safeParse(payload).error?.issues[0]?.path.join(".");
    expect(fieldOf({ title: "hello" })).toBe("alerts");
    expect(fieldOf({ alerts: [{ status: "burning", labels: {} }] })).toBe("alerts.0.status");
    expect(fieldOf({ alerts: [{ status: "firing", labels: { a: 1 } }] })).toBe("alerts.0.labels.a");
  });
});

describe("GitHub", () => {
  const secret = "s3cret-s3cret-s3cret";
  const body = Buffer.from(JSON.stringify(workflowRun));
  const sign = (b: Buffer, key = secret) => `sha256=${createHmac("sha256", key).update(b).digest("hex")}`;

  it("accepts only the signature of the exact body with the secret", () => {
    expect(isSignedByGitHub(body, sign(body), secret)).toBe(true);
    expect(isSignedByGitHub(body, null, secret)).toBe(false);
    expect(isSignedByGitHub(body, sign(body, "another-secret-value"), secret)).toBe(false);
    expect(isSignedByGitHub(Buffer.concat([body, Buffer.from(" ")]), sign(body), secret)).toBe(false);
    expect(isSignedByGitHub(body, sign(body).slice(0, 20), secret)).toBe(false);
    expect(isSignedByGitHub(body, sign(body).replace("sha256=", "sha1="), secret)).toBe(false);
  });

  it("maps a completed workflow run, and ignores the other actions", () => {
    const event = GITHUB_EVENTS.workflow_run.parse(workflowRun);
    expect(workflowRunNotification(event, everyone)?.input).toEqual({
      title: "CI failed on main",
      body: "acme/shop · Fix the checkout total · run #512",
      severity: "error",
      link: "https://github.com/acme/shop/actions/runs/7012345678",
      audience: everyone,
      collapseKey: "github:acme/shop:run:7012345678",
    });
    expect(workflowRunNotification({ ...event, workflow_run: { ...event.workflow_run, conclusion: "success" } }, everyone)?.input.severity).toBe("success");
    expect(workflowRunNotification({ ...event, workflow_run: { ...event.workflow_run, conclusion: "timed_out" } }, everyone)?.input.severity).toBe("error");
    expect(workflowRunNotification({ ...event, workflow_run: { ...event.workflow_run, conclusion: "skipped" } }, everyone)?.input.severity).toBe("info");
    expect(workflowRunNotification({ ...event, action: "requested" }, everyone)).toBeNull();
  });

  it("knows a re-send by its revision: an alert's status, start and end; a run's attempt and update time; a deployment status's id", () => {
    const [probe] = alertGroupSchema.parse(alertmanager).alerts;
    const once = alertToNotification(probe!, "alertmanager", everyone).revision;
    expect(alertToNotification({ ...probe! }, "alertmanager", everyone).revision).toEqual(once);
    expect(alertToNotification({ ...probe!, status: "resolved", endsAt: "2026-12-06T10:00:00Z" }, "alertmanager", everyone).revision).not.toEqual(once);
    // Ordered by when it last changed: a resolved notice without an end (the zero time) is no older than its firing one.
    const firingAt = Date.parse(probe!.startsAt!);
    expect(once?.order).toBe(firingAt);
    expect(alertToNotification({ ...probe!, status: "resolved", endsAt: "0001-01-01T00:00:00Z" }, "alertmanager", everyone).revision?.order).toBe(firingAt);
    expect(alertToNotification({ ...probe!, status: "resolved", endsAt: "2026-12-06T10:00:00Z" }, "alertmanager", everyone).revision?.order).toBe(Date.parse("2026-12-06T10:00:00Z"));
    const run = GITHUB_EVENTS.workflow_run.parse(workflowRun);
    expect(workflowRunNotification(run, everyone)?.revision).toEqual({ signature: "attempt 1 failure", order: Date.parse("2026-11-30T12:06:41Z") });
    const deploy = GITHUB_EVENTS.deployment_status.parse(deploymentStatus);
    expect(deploymentStatusNotification(deploy, everyone).revision).toEqual({ signature: "status 991122", order: 991122 });
  });

  it("keeps GitHub's collapse keys within their repository, hashing a name too long for the key", () => {
    const run = GITHUB_EVENTS.workflow_run.parse(workflowRun);
    const elsewhere = workflowRunNotification({ ...run, repository: { full_name: "other/shop" } }, everyone)!.input.collapseKey;
    expect(elsewhere).toBe("github:other/shop:run:7012345678");
    expect(elsewhere).not.toBe(workflowRunNotification(run, everyone)!.input.collapseKey);
    const long = workflowRunNotification({ ...run, repository: { full_name: `acme/${"x".repeat(90)}` } }, everyone)!.input.collapseKey!;
    expect(long).toMatch(/^github:[0-9a-f]{16}:run:7012345678$/);
  });

  it("maps a deployment status, one collapse key per deployment", () => {
    const event = GITHUB_EVENTS.deployment_status.parse(deploymentStatus);
    const n = deploymentStatusNotification(event, everyone).input;
    expect(n).toMatchObject({ title: "Deploy of v2.3.1 to production: success", severity: "success", collapseKey: "github:acme/shop:deployment:445566" });
    expect(n.link).toBe("https://github.com/acme/shop/deployments/production");
    const failed = deploymentStatusNotification({ ...event, deployment_status: { ...event.deployment_status, state: "failure" } }, everyone).input;
    expect(failed).toMatchObject({ severity: "error", collapseKey: n.collapseKey });
    const pending = deploymentStatusNotification({ ...event, deployment_status: { ...event.deployment_status, state: "in_progress" } }, everyone).input;
    expect(pending).toMatchObject({ severity: "info", title: "Deploy of v2.3.1 to production: in progress" });
  });
});
